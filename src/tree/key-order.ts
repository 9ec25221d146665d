/**
 * The conventional order of a manifest's first keys. Objects are written in the order their
 * constructs author them, except what cdk8s orders itself: it writes an object's metadata with its
 * keys sorted, which puts `labels` before `name`. In every map, `name`, `namespace`, `labels` and
 * `annotations` come first, in that order (metadata, containers, ports, env entries); the other
 * keys keep their order. Maps inside nodes are written by the chart in this order already.
 */
import { isTreeMap, Tree, TreeMap } from './nodes';

const FIRST = ['name', 'namespace', 'labels', 'annotations'];

export function conventionalOrder<T extends Tree>(tree: T): T {
  if (Array.isArray(tree)) return tree.map((item) => conventionalOrder(item)) as T;
  if (!isTreeMap(tree)) return tree;
  const ordered = [...FIRST.filter((key) => key in tree), ...Object.keys(tree).filter((key) => !FIRST.includes(key))];
  const out: TreeMap = {};
  for (const key of ordered) out[key] = conventionalOrder(tree[key]);
  return out as T;
}
