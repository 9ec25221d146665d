/**
 * The conventional key order of Kubernetes manifests, whatever order the constructs produced
 * (cdk8s sorts an ApiObject's keys, which puts `labels` before `name`): in every map, `name` then
 * `namespace` first (metadata, containers, ports, env entries); `template` last (a Deployment's
 * replicas, selector and strategy come before its pod template). Maps inside nodes are written by
 * the chart in this order already and are left as they are.
 */
import { isTreeMap, Tree, TreeMap } from './nodes';

const FIRST = ['name', 'namespace'];
const LAST = ['template'];

export function conventionalOrder<T extends Tree>(tree: T): T {
  if (Array.isArray(tree)) return tree.map((item) => conventionalOrder(item)) as T;
  if (!isTreeMap(tree)) return tree;
  const keys = Object.keys(tree);
  const ordered = [
    ...FIRST.filter((key) => key in tree),
    ...keys.filter((key) => !FIRST.includes(key) && !LAST.includes(key)),
    ...LAST.filter((key) => key in tree),
  ];
  const out: TreeMap = {};
  for (const key of ordered) out[key] = conventionalOrder(tree[key]);
  return out as T;
}
