/**
 * Structural edits on the plain JSON that `chart.toJson()` returns. Each edit checks that its
 * target exists, so an edit that would silently do nothing (a wrong path) fails the build.
 */
import { isMap } from '../expr/go-semantics';

type Json = unknown;
type Container = { [key: string]: Json } | Json[];

function describe(path: readonly (string | number)[]): string {
  return `/${path.join('/')}`;
}

function parentOf(root: Json, path: readonly (string | number)[]): Container {
  let current: Json = root;
  for (const segment of path.slice(0, -1)) {
    if (Array.isArray(current) && typeof segment === 'number' && segment < current.length) current = current[segment];
    else if (isMap(current) && typeof segment === 'string' && segment in current) current = current[segment];
    else throw new Error(`patch target ${describe(path)} does not exist (missing at ${JSON.stringify(segment)})`);
  }
  if (!Array.isArray(current) && !isMap(current)) throw new Error(`patch target ${describe(path)} has no container`);
  return current as Container;
}

/** Sets a value; its parent must already exist. */
export function setAt(root: Json, path: readonly (string | number)[], value: Json): void {
  const parent = parentOf(root, path);
  (parent as Record<string | number, Json>)[path[path.length - 1]] = value;
}

/** Removes a value that must be there (a library default the values contract does not want). */
export function removeAt(root: Json, path: readonly (string | number)[]): void {
  const parent = parentOf(root, path);
  const last = path[path.length - 1];
  if (Array.isArray(parent)) {
    if (typeof last !== 'number' || last >= parent.length) throw new Error(`nothing to remove at ${describe(path)}`);
    parent.splice(last, 1);
  } else {
    if (typeof last !== 'string' || !(last in parent)) throw new Error(`nothing to remove at ${describe(path)}`);
    delete parent[last];
  }
}

export function getAt(root: Json, path: readonly (string | number)[]): Json {
  const parent = parentOf(root, path) as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (!(last in parent)) throw new Error(`nothing at ${describe(path)}`);
  return parent[last];
}
