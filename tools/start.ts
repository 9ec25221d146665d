/**
 * `npm start`: the main job after a fresh clone. The chart is already built (`npm run build`
 * runs first); this lints it with both Helm majors, renders the default install and the
 * 3-replica HA example into dist/, checks them against the concrete render, and summarises.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { load, loadAll } from 'js-yaml';
import { chartMeta } from '../src/chart-meta';
import { deepEqual, isMap, GoMap } from '../src/expr/go-semantics';
import { ensureOk, helmSync } from './helm/helm';
import { HELM_MAJORS, helmBinary, HelmMajor } from './helm/tools';
import { CHART_DIR, PACKAGE_ROOT } from '../src/paths';
import { renderManifests, ValueMap } from '../src/render';

interface Example {
  readonly name: string;
  readonly title: string;
  readonly valuesFile?: string;
}

const EXAMPLES: readonly Example[] = [
  { name: 'default', title: 'Default install (one replica)' },
  {
    name: 'ha-3-replicas',
    title: 'HA: three replicas',
    valuesFile: join(PACKAGE_ROOT, 'examples', 'ha-3-replicas.yaml'),
  },
];

const RELEASE = 'coder';
const NAMESPACE = 'coder';
const DIST = join(PACKAGE_ROOT, 'dist');
/** The project's Helm 4, relative to the clone, as `npm start`'s closing commands name it. */
const HELM = relative(process.cwd(), helmBinary(4)) || helmBinary(4);

const objectKey = (o: GoMap): string => `${String(o.kind)}/${String((o.metadata as GoMap).name)}`;
const sortByKey = (objects: GoMap[]): GoMap[] => [...objects].sort((a, b) => objectKey(a).localeCompare(objectKey(b)));

function lint(major: HelmMajor, example: Example): void {
  const args = ['lint', '--strict', CHART_DIR];
  if (example.valuesFile) args.push('-f', example.valuesFile);
  ensureOk(helmSync(major, args));
}

function template(major: HelmMajor, example: Example): string {
  const args = ['template', RELEASE, CHART_DIR, '--namespace', NAMESPACE];
  if (example.valuesFile) args.push('-f', example.valuesFile);
  return ensureOk(helmSync(major, args)).stdout;
}

function summarise(example: Example, objects: GoMap[], file: string): string[] {
  const deployment = objects.find((o) => o.kind === 'Deployment');
  const spec = (deployment?.spec ?? {}) as GoMap;
  const pod = ((spec.template as GoMap | undefined)?.spec ?? {}) as GoMap;
  const container = ((pod.containers ?? []) as GoMap[])[0] ?? {};
  const env = (container.env ?? []) as GoMap[];
  const show = (name: string): string => {
    const entry = env.find((e) => e.name === name);
    if (!entry) return `${name}: (not set)`;
    if (entry.valueFrom) return `${name} <- ${JSON.stringify(entry.valueFrom)}`;
    return `${name}=${String(entry.value)}`;
  };
  return [
    `${example.title}: ${relative(PACKAGE_ROOT, file)}`,
    `  objects:  ${objects.map(objectKey).join(', ')}`,
    `  replicas: ${String(spec.replicas)}`,
    `  HA env:   ${show('KUBE_POD_IP')}`,
    `            ${show('CODER_DERP_SERVER_RELAY_URL')}`,
    `            ${show('CODER_CLUSTER_HOST')}`,
    `            ${show('CODER_PG_CONNECTION_URL')}`,
  ];
}

function main(): void {
  const meta = chartMeta();
  mkdirSync(DIST, { recursive: true });
  const report: string[] = [
    `Chart ${meta.name} ${meta.version} (Coder ${meta.appVersion}), built into ${relative(PACKAGE_ROOT, CHART_DIR)}`,
  ];
  for (const major of HELM_MAJORS) for (const example of EXAMPLES) lint(major, example);
  report.push(`helm lint --strict: clean with Helm ${HELM_MAJORS.join(' and ')} (default values and the HA example)`);
  for (const example of EXAMPLES) {
    const outputs = HELM_MAJORS.map((major) => template(major, example));
    if (outputs.some((text) => text !== outputs[0])) throw new Error(`${example.name}: Helm 3 and Helm 4 disagree`);
    const objects = loadAll(outputs[0]).filter(isMap) as GoMap[];
    const userValues = example.valuesFile ? ((load(readFileSync(example.valuesFile, 'utf8')) ?? {}) as ValueMap) : {};
    const concrete = renderManifests([userValues], { releaseName: RELEASE, namespace: NAMESPACE }) as GoMap[];
    if (!deepEqual(sortByKey(concrete), sortByKey(objects))) {
      throw new Error(`${example.name}: the concrete render differs from helm template`);
    }
    const file = join(DIST, `${example.name}.yaml`);
    writeFileSync(file, outputs[0]);
    report.push('', ...summarise(example, objects, file));
  }
  report.push(
    '',
    'Helm 3 and Helm 4 render identical output, equal to the concrete render (coder-chart render).',
    '',
    // The project's own Helm (npm ci put it in .tools/): a user without Helm on PATH can paste these.
    `On a real cluster (with the Helm that npm ci extracted; any Helm 3 or 4 on your PATH works the same):`,
    `  ${HELM} install ${RELEASE} ./charts/coder --namespace ${NAMESPACE} --create-namespace`,
    `  ${HELM} upgrade ${RELEASE} ./charts/coder --namespace ${NAMESPACE} --reuse-values -f examples/ha-3-replicas.yaml`,
  );
  process.stdout.write(`${report.join('\n')}\n`);
}

main();
