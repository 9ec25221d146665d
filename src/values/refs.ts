/**
 * References into what templates see: `.Values` (a construct cannot read a key the contract does
 * not declare: `ValuePath`, generated from the schema, checks it when compiling, and `schemaAt`
 * again when building), `.Release` and `.Chart`.
 */
import { Ref } from '../expr/expr';
import { GoValue } from '../expr/go-semantics';
import { ValuePath } from '../generated/values';
import { schemaAt } from './schema';

export function valueRef<T extends GoValue = GoValue>(path: ValuePath): Ref<T> {
  schemaAt(path);
  return new Ref<T>('Values', path.split('.'));
}

export const release = {
  name: new Ref<string>('Release', ['Name']),
  namespace: new Ref<string>('Release', ['Namespace']),
  service: new Ref<string>('Release', ['Service']),
} as const;

export const chart = {
  name: new Ref<string>('Chart', ['Name']),
  version: new Ref<string>('Chart', ['Version']),
  appVersion: new Ref<string>('Chart', ['AppVersion']),
} as const;

/** The paths under `Prefix`, without it (`SubPath<'coder.image'>` is `'repo' | 'tag' | …`). */
export type SubPath<Prefix extends string> = ValuePath extends infer Path
  ? Path extends `${Prefix}.${infer Rest}`
    ? Rest
    : never
  : never;

/** References relative to one section of the values (`under('coder.ingress')('host')`). */
export function under<Prefix extends string>(prefix: Prefix) {
  return <T extends GoValue = GoValue>(path: SubPath<Prefix>): Ref<T> => valueRef<T>(`${prefix}.${path}` as ValuePath);
}
