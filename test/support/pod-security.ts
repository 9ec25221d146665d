/**
 * The Kubernetes Pod Security Standards "restricted" profile (which includes "baseline"), as
 * checks on a pod spec. Each violation names the field and the rule.
 */
import { GoMap, GoValue, isMap } from '../../src/expr/go-semantics';

const RESTRICTED_VOLUME_TYPES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);
const ALLOWED_SECCOMP = new Set(['RuntimeDefault', 'Localhost']);

const obj = (value: GoValue | undefined): GoMap => (isMap(value) ? value : {});
const list = (value: GoValue | undefined): GoMap[] => (Array.isArray(value) ? (value.filter(isMap) as GoMap[]) : []);

export function restrictedViolations(podSpec: GoMap): string[] {
  const violations: string[] = [];
  const pod = obj(podSpec.securityContext);
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (podSpec[field] === true) violations.push(`spec.${field} must not be true`);
  }
  for (const volume of list(podSpec.volumes)) {
    const type = Object.keys(volume).find((k) => k !== 'name');
    if (!type || !RESTRICTED_VOLUME_TYPES.has(type))
      violations.push(`volume ${String(volume.name)}: type ${type} is not allowed`);
  }
  const podSeccomp = obj(pod.seccompProfile).type;
  if (podSeccomp !== undefined && !ALLOWED_SECCOMP.has(String(podSeccomp))) {
    violations.push(`spec.securityContext.seccompProfile.type ${String(podSeccomp)} is not allowed`);
  }
  if (pod.runAsUser === 0) violations.push('spec.securityContext.runAsUser must not be 0');
  const containers = [
    ...list(podSpec.initContainers).map((c) => ['initContainers', c] as const),
    ...list(podSpec.containers).map((c) => ['containers', c] as const),
  ];
  for (const [kind, container] of containers) {
    const where = `${kind}[${String(container.name)}]`;
    const sc = obj(container.securityContext);
    if (sc.privileged === true) violations.push(`${where}: privileged must not be true`);
    if (sc.allowPrivilegeEscalation !== false) violations.push(`${where}: allowPrivilegeEscalation must be false`);
    if (sc.runAsNonRoot !== true && pod.runAsNonRoot !== true) violations.push(`${where}: runAsNonRoot must be true`);
    if (sc.runAsUser === 0) violations.push(`${where}: runAsUser must not be 0`);
    const seccomp = obj(sc.seccompProfile).type ?? podSeccomp;
    if (!ALLOWED_SECCOMP.has(String(seccomp)))
      violations.push(`${where}: seccompProfile.type must be RuntimeDefault or Localhost`);
    const capabilities = obj(sc.capabilities);
    const drop = Array.isArray(capabilities.drop) ? capabilities.drop : [];
    if (!drop.includes('ALL')) violations.push(`${where}: capabilities.drop must include ALL`);
    const add = Array.isArray(capabilities.add) ? capabilities.add : [];
    for (const capability of add) {
      if (capability !== 'NET_BIND_SERVICE')
        violations.push(`${where}: capability ${String(capability)} must not be added`);
    }
    for (const port of list(container.ports)) {
      if (port.hostPort !== undefined && port.hostPort !== 0) violations.push(`${where}: hostPort must not be set`);
    }
  }
  return violations;
}
