/**
 * Properties every render must have, whatever the values: what keeps `helm upgrade` free of
 * immutable-field errors and the pod spec self-consistent.
 */
import { deepEqual, GoMap, GoValue, isMap } from '../../src/expr/go-semantics';

const obj = (v: GoValue | undefined): GoMap => (isMap(v) ? v : {});
const list = (v: GoValue | undefined): GoMap[] => (Array.isArray(v) ? (v.filter(isMap) as GoMap[]) : []);

/** The official chart's selector for a release: immutable, so it must never change. */
export const officialSelector = (release: string, name = 'coder'): GoMap => ({
  'app.kubernetes.io/name': name,
  'app.kubernetes.io/instance': release,
});

export function invariantViolations(objects: readonly GoMap[], release: string, appName: string): string[] {
  const violations: string[] = [];
  const ids = objects.map(
    (o) => `${String(o.kind)}/${String(obj(o.metadata).namespace ?? '')}/${String(obj(o.metadata).name)}`,
  );
  const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (repeated.length) violations.push(`objects rendered twice: ${[...new Set(repeated)].join(', ')}`);

  const deployments = objects.filter((o) => o.kind === 'Deployment' && obj(o.metadata).name === 'coder');
  if (deployments.length !== 1) return [...violations, `expected one Deployment coder, got ${deployments.length}`];
  const deployment = deployments[0];
  const spec = obj(deployment.spec);
  const selector = obj(spec.selector).matchLabels;
  if (!deepEqual(selector ?? null, officialSelector(release, appName))) {
    violations.push(`Deployment selector ${JSON.stringify(selector)} is not the official one`);
  }
  const podSpec = obj(obj(spec.template).spec);
  const container = list(podSpec.containers).find((c) => c.name === 'coder') ?? {};

  const env = list(container.env);
  const names = env.map((entry) => String(entry.name));
  const defined: string[] = [];
  for (const entry of env) {
    const name = String(entry.name);
    if (defined.includes(name)) violations.push(`env ${name} is listed twice`);
    const value = typeof entry.value === 'string' ? entry.value : '';
    // $(VAR) expands only variables defined earlier ($$ escapes a literal): a reference to one
    // defined later in the list would reach coderd as the literal text.
    for (const match of value.replace(/\$\$/g, '').matchAll(/\$\(([^)]+)\)/g)) {
      const referenced = match[1];
      if (names.includes(referenced) && !defined.includes(referenced))
        violations.push(`env ${name} refers to $(${referenced}) before it is defined`);
    }
    defined.push(name);
  }

  const volumes = new Set(list(podSpec.volumes).map((v) => v.name));
  for (const mount of list(container.volumeMounts)) {
    if (!volumes.has(mount.name)) {
      violations.push(`volumeMount ${String(mount.name)} names no volume`);
    }
  }

  const portNames = new Set(list(container.ports).map((p) => p.name));
  for (const service of objects.filter((o) => o.kind === 'Service')) {
    for (const port of list(obj(service.spec).ports)) {
      if (typeof port.targetPort === 'string' && !portNames.has(port.targetPort)) {
        violations.push(
          `Service ${String(obj(service.metadata).name)} targets port ${port.targetPort}, which the container does not have`,
        );
      }
    }
  }
  return violations;
}
