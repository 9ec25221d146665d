/**
 * Compares a reference render (say, the official chart's) with ours, object by object and field
 * by field. Every object of the reference must exist in ours (same kind, namespace and name), and
 * every field the reference sets must have the same value in ours. Fields ours adds are allowed;
 * an empty map, empty list, empty string or null in the reference counts as not set.
 */
import { loadAll } from 'js-yaml';
import { deepEqual, GoValue, isMap, GoMap } from '../../src/expr/go-semantics';

export interface Difference {
  /** `Kind/namespace/name` of the object. */
  readonly object: string;
  /** Path inside the object, as `spec.template.spec.containers[0].image`. */
  readonly path: string;
  readonly reference: GoValue | undefined;
  readonly ours: GoValue | undefined;
}

export interface Comparison {
  /** Leaf fields the reference sets (all compared). */
  readonly fieldsCompared: number;
  readonly differences: readonly Difference[];
}

export function parseRender(text: string): GoMap[] {
  return loadAll(text).filter((doc): doc is GoMap => isMap(doc));
}

export function objectId(obj: GoMap, defaultNamespace = ''): string {
  const meta = isMap(obj.metadata) ? obj.metadata : {};
  return `${String(obj.kind)}/${String(meta.namespace ?? defaultNamespace)}/${String(meta.name ?? '')}`;
}

function isUnset(value: GoValue | undefined): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isMap(value)) return Object.keys(value).length === 0;
  return false;
}

/** Lists of named items (containers, env, ports, volumes …) are matched by name, not position. */
function itemKey(item: GoValue): string | undefined {
  return isMap(item) && typeof item.name === 'string' ? item.name : undefined;
}

function compareValue(
  reference: GoValue,
  ours: GoValue | undefined,
  path: string,
  out: Difference[],
  object: string,
): number {
  if (isUnset(reference)) return 0;
  if (isMap(reference)) {
    if (!isMap(ours)) {
      out.push({ object, path, reference, ours });
      return countLeaves(reference);
    }
    let count = 0;
    for (const [key, value] of Object.entries(reference)) {
      count += compareValue(value, ours[key], path ? `${path}.${key}` : key, out, object);
    }
    return count;
  }
  if (Array.isArray(reference)) {
    const named = reference.every((item) => itemKey(item) !== undefined);
    if (!Array.isArray(ours)) {
      out.push({ object, path, reference, ours });
      return countLeaves(reference);
    }
    if (!named) {
      if (!deepEqual(reference, ours)) out.push({ object, path, reference, ours });
      return 1;
    }
    let count = 0;
    for (const item of reference) {
      const name = itemKey(item) as string;
      const match = ours.find((candidate) => itemKey(candidate) === name);
      count += compareValue(item, match, `${path}[name=${name}]`, out, object);
    }
    return count;
  }
  if (!deepEqual(normalizeScalar(reference), normalizeScalar(ours))) out.push({ object, path, reference, ours });
  return 1;
}

/** YAML readers differ on unquoted scalars (`0.1.0`, `true`): compare their text. */
function normalizeScalar(value: GoValue | undefined): GoValue | undefined {
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}

function countLeaves(value: GoValue): number {
  if (isUnset(value)) return 0;
  if (isMap(value)) return Object.values(value).reduce<number>((n, v) => n + countLeaves(v), 0);
  if (Array.isArray(value)) return value.reduce<number>((n, v) => n + countLeaves(v), 0) || 1;
  return 1;
}

export function compareRenders(referenceText: string, oursText: string, namespace = 'default'): Comparison {
  const ours = new Map(parseRender(oursText).map((o) => [objectId(o, namespace), o]));
  const differences: Difference[] = [];
  let fieldsCompared = 0;
  for (const reference of parseRender(referenceText)) {
    const id = objectId(reference, namespace);
    const mine = ours.get(id);
    if (!mine) {
      differences.push({ object: id, path: '(object)', reference: 'present', ours: undefined });
      fieldsCompared += countLeaves(reference);
      continue;
    }
    fieldsCompared += compareValue(reference, mine, '', differences, id);
  }
  return { fieldsCompared, differences };
}

export function formatDifference(d: Difference): string {
  const show = (v: GoValue | undefined): string => (v === undefined ? '(absent)' : JSON.stringify(v));
  return `${d.object} ${d.path}: reference ${show(d.reference)}, ours ${show(d.ours)}`;
}
