/** Reading and comparing rendered manifests in tests. */
import { loadAll } from 'js-yaml';
import { GoMap, isMap } from '../../src/expr/go-semantics';

/** A manifest or any map in it. */
export type Obj = GoMap;

/** Parses multi-document YAML (as `helm template` prints it), dropping empty documents. */
export function parseManifests(text: string): Obj[] {
  return loadAll(text).filter((doc): doc is Obj => isMap(doc));
}

export function objectKey(obj: Obj): string {
  const meta = (obj.metadata ?? {}) as Obj;
  return `${String(obj.kind)}/${String(meta.namespace ?? '')}/${String(meta.name ?? '')}`;
}

/** Objects in a canonical order (kind, namespace, name), for order-insensitive comparison. */
export function byKey(objects: readonly Obj[]): Obj[] {
  return [...objects].sort((a, b) => objectKey(a).localeCompare(objectKey(b)));
}

export function findObject(objects: readonly Obj[], kind: string, name?: string): Obj {
  const found = objects.find(
    (o) => o.kind === kind && (name === undefined || (o.metadata as Obj | undefined)?.name === name),
  );
  if (!found) throw new Error(`no ${kind}${name ? ` named ${name}` : ''} among ${objects.map(objectKey).join(', ')}`);
  return found;
}

/** The coderd container of a rendered Deployment. */
export function coderContainer(deployment: Obj): Obj {
  const spec = ((deployment.spec as Obj).template as Obj).spec as Obj;
  const containers = spec.containers as Obj[];
  const container = containers.find((c) => c.name === 'coder');
  if (!container) throw new Error('the Deployment has no coder container');
  return container;
}

export function envNames(container: Obj): string[] {
  return ((container.env ?? []) as Obj[]).map((e) => String(e.name));
}

export function asObj(value: unknown): Obj {
  if (!isMap(value)) throw new Error(`expected a map, got ${JSON.stringify(value)}`);
  return value;
}
