/**
 * How Helm combines values: files given later win, maps merge deeply, lists and scalars replace,
 * and a user's `null` deletes a key that the chart's defaults have.
 */
import { isMap, GoMap } from '../expr/go-semantics';

/** Merges user-supplied values files in order (Helm's `mergeMaps`: later wins, nulls kept). */
export function mergeUserValues(layers: readonly GoMap[]): GoMap {
  let merged: GoMap = {};
  for (const layer of layers) merged = mergeMaps(merged, layer);
  return merged;
}

function mergeMaps(base: GoMap, over: GoMap): GoMap {
  const out: GoMap = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isMap(value) && isMap(current) ? mergeMaps(current, value) : structuredClone(value);
  }
  return out;
}

/** Lays user values over the chart's defaults (Helm's `coalesceValues`). */
export function coalesceWithDefaults(defaults: GoMap, user: GoMap): GoMap {
  const out: GoMap = structuredClone(user);
  for (const [key, fallback] of Object.entries(defaults)) {
    if (!(key in out)) {
      out[key] = structuredClone(fallback);
    } else if (out[key] === null) {
      delete out[key];
    } else if (isMap(out[key]) && isMap(fallback)) {
      out[key] = coalesceWithDefaults(fallback, out[key] as GoMap);
    }
  }
  return out;
}
