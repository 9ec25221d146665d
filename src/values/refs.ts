/**
 * References into what templates see: `.Values` (a construct cannot read a key the contract does
 * not declare: `ValuePath`, generated from the schema, checks it when compiling, and `schemaAt`
 * again when building), `.Release` and `.Chart`.
 */
import { Ref, Var } from '../expr/expr';
import { GoMap, GoValue } from '../expr/go-semantics';
import { ValuePath, Values } from '../generated/values';
import { schemaAt, SchemaNode } from './schema';

type Step<T, Key extends string> = Key extends keyof NonNullable<T> ? NonNullable<T>[Key] : never;
/** The type the generated `Values` gives the key at `Path` (`'coder.image.tag'` → `string`). */
export type ValueAt<Path extends string, T = Values> = Path extends `${infer Key}.${infer Rest}`
  ? ValueAt<Rest, Step<T, Key>>
  : Step<T, Path>;
/**
 * What a template holds for a value of TypeScript type T. Every key has a default, and a null
 * in the user's values deletes a key back to it, so a declared key is never nil.
 */
export type GoTypeOf<T> = [NonNullable<T>] extends [string]
  ? string
  : [NonNullable<T>] extends [number]
    ? number
    : [NonNullable<T>] extends [boolean]
      ? boolean
      : [NonNullable<T>] extends [readonly unknown[]]
        ? GoValue[]
        : [NonNullable<T>] extends [object]
          ? GoMap
          : GoValue;

/** A reference to a key of the values, typed as the values contract declares it. */
export function valueRef<Path extends ValuePath>(path: Path): Ref<GoTypeOf<ValueAt<Path>>> {
  const node = schemaAt(path);
  const declaredString = node.type === 'string' && typeof node.default === 'string';
  return new Ref<GoTypeOf<ValueAt<Path>>>('Values', path.split('.'), declaredString);
}

/**
 * The variable `range` binds to each item of the list at `path`, typed as the contract types the
 * items. It knows which of its fields are always strings (required, of type string), so that
 * templates write them with `quote`.
 */
export function listItem<Path extends ValuePath>(
  path: Path,
  name: string,
): Var<NonNullable<ValueAt<Path>> extends readonly (infer Item)[] ? GoTypeOf<Item> : never> {
  const items = schemaAt(path).items;
  if (!items) throw new Error(`values path ${path} is not declared as a list`);
  const stringAt = (fields: readonly string[]): boolean => {
    let node: SchemaNode | undefined = items;
    for (const field of fields) {
      const required: unknown = node?.required;
      if (!Array.isArray(required) || !required.includes(field)) return false;
      node = node?.properties?.[field];
    }
    return node?.type === 'string';
  };
  return new Var(name, [], stringAt);
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
  return <Sub extends SubPath<Prefix>>(path: Sub): Ref<GoTypeOf<ValueAt<`${Prefix}.${Sub}`>>> =>
    // The template literal type is a ValuePath by SubPath's construction; TypeScript cannot see it.
    valueRef(`${prefix}.${path}` as ValuePath) as Ref<GoTypeOf<ValueAt<`${Prefix}.${Sub}`>>>;
}
