/**
 * Go text/template and Sprig semantics that the concrete back-end must mirror exactly, so that
 * `eval` and Helm agree on every value.
 */

/** A JSON-like value as Helm holds it after parsing values files (maps, lists, scalars, nil). */
export type GoValue = null | boolean | number | string | GoValue[] | GoMap;
/** A map of such values: values, a manifest, any object in between. The one map type. */
export type GoMap = { [key: string]: GoValue };

export function isMap(value: unknown): value is GoMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Truthiness as Go templates judge it in `if`, `with`, `and`, `or`, `not`, and as Sprig's `empty`
 * and `default` judge emptiness: nil, false, 0, "", and empty lists and maps are all false.
 */
export function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  if (isMap(value)) return Object.keys(value).length > 0;
  return true;
}

/** Go's name for a value's kind, used to word errors the way Helm would. */
export function goKind(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (Array.isArray(value)) return 'slice';
  if (isMap(value)) return 'map';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int/float' : 'float64';
  return typeof value;
}

/** Structural equality of two plain values, used where Go compares basic kinds. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isMap(a) && isMap(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}
