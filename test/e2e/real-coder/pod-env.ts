/**
 * A container's environment as the kubelet computes it from the live Pod object: envFrom, then
 * env in order, with `$(VAR)` references to earlier variables expanded (`$$` escapes a `$`, an
 * unknown reference stays as written), and valueFrom resolved: fieldRef, resourceFieldRef,
 * secretKeyRef and configMapKeyRef (an `optional` one that is missing is left out).
 */
import { Obj } from '../kube';

export interface EnvSources {
  /** The data of a Secret (decoded) or ConfigMap, or undefined when it does not exist. */
  secret(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  configMap(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  /** The node's allocatable resources, for a resourceFieldRef to a limit that is not set. */
  readonly nodeAllocatable: Record<string, string>;
}

const BINARY_SUFFIXES: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50 };
const DECIMAL_SUFFIXES: Record<string, number> = { m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };

/** A Kubernetes quantity ("4096Mi", "500m", "2", "1e3") as a number. */
export function parseQuantity(quantity: string | number): number {
  if (typeof quantity === 'number') return quantity;
  const match = /^([+-]?[0-9.]+(?:[eE][+-]?\d+)?)([a-zA-Z]*)$/.exec(quantity.trim());
  if (!match) throw new Error(`not a Kubernetes quantity: ${quantity}`);
  const [, number, suffix] = match;
  const factor = BINARY_SUFFIXES[suffix] ?? DECIMAL_SUFFIXES[suffix];
  if (factor === undefined) throw new Error(`unknown quantity suffix in ${quantity}`);
  return Number(number) * factor;
}

/** `$(NAME)` expanded from `known`; `$$` is a literal `$`; an unknown name stays as written. */
export function expandReferences(text: string, known: ReadonlyMap<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole: string, name?: string) => {
    if (whole === '$$') return '$';
    return name !== undefined && known.has(name) ? (known.get(name) as string) : whole;
  });
}

const meta = (pod: Obj): Obj => (pod.metadata ?? {}) as Obj;

/** A fieldRef path of the downward API, read from the pod. */
export function fieldValue(pod: Obj, fieldPath: string): string {
  const status = (pod.status ?? {}) as Obj;
  const spec = (pod.spec ?? {}) as Obj;
  const keyed = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (keyed) return String(((meta(pod)[keyed[1]] ?? {}) as Obj)[keyed[2]] ?? '');
  const ips = (list: unknown) => ((list ?? []) as Obj[]).map((entry) => String(entry.ip)).join(',');
  const fields: Record<string, () => unknown> = {
    'metadata.name': () => meta(pod).name,
    'metadata.namespace': () => meta(pod).namespace,
    'metadata.uid': () => meta(pod).uid,
    'spec.nodeName': () => spec.nodeName,
    'spec.serviceAccountName': () => spec.serviceAccountName,
    'status.hostIP': () => status.hostIP,
    'status.hostIPs': () => ips(status.hostIPs),
    'status.podIP': () => status.podIP,
    'status.podIPs': () => ips(status.podIPs),
  };
  const read = fields[fieldPath];
  if (!read) throw new Error(`fieldRef ${fieldPath} is not supported by the downward API`);
  return String(read() ?? '');
}

/** A resourceFieldRef: a limit or request of the container, rounded up in units of the divisor. */
export function resourceValue(container: Obj, ref: Obj, nodeAllocatable: Record<string, string>): string {
  const resource = String(ref.resource);
  const [kind, name] = resource.split('.');
  const resources = (container.resources ?? {}) as Obj;
  const set = ((resources[kind] ?? {}) as Obj)[name] as string | undefined;
  // An unset limit is the node's allocatable; an unset request is 0 (as the kubelet does).
  const quantity = set ?? (kind === 'limits' ? nodeAllocatable[name] : '0');
  if (quantity === undefined) throw new Error(`resourceFieldRef ${resource}: no value and no node allocatable`);
  // The API server writes an unset divisor as "0", which means 1.
  const divisor = parseQuantity((ref.divisor as string | undefined) ?? '1') || 1;
  return String(Math.ceil(parseQuantity(quantity) / divisor));
}

export async function resolveEnv(pod: Obj, container: Obj, sources: EnvSources): Promise<Map<string, string>> {
  const namespace = String(meta(pod).namespace);
  const env = new Map<string, string>();
  const missing = (what: string) =>
    new Error(`container ${String(container.name)}: ${what} does not exist (the kubelet would not start it)`);
  for (const from of (container.envFrom ?? []) as Obj[]) {
    const prefix = String(from.prefix ?? '');
    const ref = (from.secretRef ?? from.configMapRef) as Obj;
    const data = from.secretRef
      ? await sources.secret(namespace, String(ref.name))
      : await sources.configMap(namespace, String(ref.name));
    if (!data) {
      if (ref.optional) continue;
      throw missing(`${from.secretRef ? 'Secret' : 'ConfigMap'} ${String(ref.name)} (envFrom)`);
    }
    for (const [key, value] of Object.entries(data)) env.set(`${prefix}${key}`, value);
  }
  for (const entry of (container.env ?? []) as Obj[]) {
    const name = String(entry.name);
    const from = entry.valueFrom as Obj | undefined;
    if (!from) {
      env.set(name, expandReferences(String(entry.value ?? ''), env));
      continue;
    }
    if (from.fieldRef) env.set(name, fieldValue(pod, String((from.fieldRef as Obj).fieldPath)));
    else if (from.resourceFieldRef)
      env.set(name, resourceValue(container, from.resourceFieldRef as Obj, sources.nodeAllocatable));
    else {
      const ref = (from.secretKeyRef ?? from.configMapKeyRef) as Obj;
      const kind = from.secretKeyRef ? 'Secret' : 'ConfigMap';
      const data = from.secretKeyRef
        ? await sources.secret(namespace, String(ref.name))
        : await sources.configMap(namespace, String(ref.name));
      const value = data?.[String(ref.key)];
      if (value === undefined) {
        if (ref.optional) continue;
        throw missing(`key ${String(ref.key)} of ${kind} ${String(ref.name)} (env ${name})`);
      }
      env.set(name, value);
    }
  }
  return env;
}
