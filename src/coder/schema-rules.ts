/**
 * Guards that the values schema states too. JSON Schema draft-07 can say "when this key is set,
 * that one must be" (`if`/`then`), "no item of this list is named X" (`not`/`contains`) and "no
 * key of this map is one of these" (`properties` whose schemas match nothing); each guard of that
 * shape carries the same rule as schema, which the chart's values.schema.json gathers under its
 * root `allOf`. Helm checks the schema before it renders, so `helm lint` refuses these values (a
 * template `fail` is only logged as INFO by `helm lint`), and so do editors that read the schema.
 * The template `fail` stays, for `--skip-schema-validation`.
 */
import { Expr, lit } from '../expr/expr';
import { Guard } from '../tree/nodes';
import { SchemaNode } from '../values/schema';

function nested(path: string, schema: SchemaNode, present: boolean): SchemaNode {
  return path
    .split('.')
    .reverse()
    .reduce<SchemaNode>(
      (inner, key) => ({ type: 'object', ...(present ? { required: [key] } : {}), properties: { [key]: inner } }),
      schema,
    );
}

/**
 * The value at a dotted path matches `schema` if it is there. An absent value (null deletes a key)
 * is what templates read as empty, so this is the form for "must be empty or …".
 */
export const valueAt = (path: string, schema: SchemaNode): SchemaNode => nested(path, schema, false);

/** The value at a dotted path is there and matches `schema`: the form for "is on", "is set". */
export const valueIs = (path: string, schema: SchemaNode): SchemaNode => nested(path, schema, true);

/** Every schema given must hold. */
export const allOf = (...schemas: SchemaNode[]): SchemaNode => (schemas.length === 1 ? schemas[0] : { allOf: schemas });

/** A list item (an env var, a port) with this `name`, and whatever else `rest` requires of it. */
export const itemNamed = (name: string, rest: SchemaNode = {}): SchemaNode => ({
  type: 'object',
  required: ['name', ...((rest.required as string[] | undefined) ?? [])],
  properties: { name: { const: name }, ...rest.properties },
  ...Object.fromEntries(Object.entries(rest).filter(([key]) => key !== 'required' && key !== 'properties')),
});

/** A list with no item matching `item`. */
export const noItem = (item: SchemaNode): SchemaNode => ({ type: 'array', not: { contains: item } });

/** A schema no value matches (JSON Schema's `false`, as an object). */
export const NOTHING: SchemaNode = { not: {} };

/** An empty string. */
export const EMPTY_STRING: SchemaNode = { type: 'string', maxLength: 0 };

/** A non-empty string (Go's `empty` is true for ""). */
export const NON_EMPTY_STRING: SchemaNode = { type: 'string', minLength: 1 };

/** A list with at least one item. */
export const NON_EMPTY_LIST: SchemaNode = { type: 'array', minItems: 1 };

/** The key must be true (a boolean switch turned on). */
export const TURNED_ON: SchemaNode = { const: true };

/** When `condition` holds for the values, so must `then`. */
export const whenThen = (condition: SchemaNode, then: SchemaNode): SchemaNode => ({ if: condition, then });

/**
 * A guard stated twice: as a template condition (`when` refuses) and as schema (`holds` accepts),
 * both reported at `path` with `message`. Tests hold the two to the same verdict.
 */
export function ruleGuard(path: string, message: string, when: Expr, holds: SchemaNode): Guard {
  return { when, message: lit(message), rule: { path, message, schema: holds } };
}
