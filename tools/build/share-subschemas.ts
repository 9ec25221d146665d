/**
 * The values schema as Helm compiles it, with each subschema that appears more than once written
 * once: Helm compiles values.schema.json on every `helm template`/`install`, and Helm 4's compiler
 * (santhosh-tekuri/jsonschema) compiles every occurrence of a subschema again, while a `$ref`
 * target is compiled once. The rules across keys repeat the same conditions ("autoscaling is
 * on", "a chart label is set") in many rules; each such repeat becomes a `$ref` to one entry of
 * `definitions`. A repeated subschema with a regular expression (`pattern`, `patternProperties`)
 * is shared whatever its size: compiling the expression is the costly part. Repeats inside the
 * definitions (the Kubernetes types) count too. Validation is unchanged: a `$ref` alone in a
 * draft-07 schema stands for its target, and only whole subschemas are replaced.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [key: string]: Json };

/** Keywords whose value is one subschema, a list of subschemas, or a map of names to subschemas. */
const ONE = ['not', 'if', 'then', 'else', 'items', 'additionalProperties', 'contains', 'propertyNames'];
const LIST = ['allOf', 'anyOf', 'oneOf'];
const MAP = ['properties', 'patternProperties', 'definitions'];

/** Below this many nodes a subschema is cheaper to compile again than to reach through a `$ref`. */
const MIN_NODES = 4;
const SHARED_PREFIX = 'shared-';

const isSchema = (value: Json | undefined): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Each subschema position below `schema`: a getter and a setter, so that it can be replaced. */
function childSlots(schema: Schema, withDefinitions = true): { get: () => Json; set: (value: Json) => void }[] {
  const slots: { get: () => Json; set: (value: Json) => void }[] = [];
  for (const key of ONE) {
    if (isSchema(schema[key])) slots.push({ get: () => schema[key], set: (v) => (schema[key] = v) });
  }
  for (const key of LIST) {
    const list = schema[key];
    if (Array.isArray(list)) list.forEach((_, i) => slots.push({ get: () => list[i], set: (v) => (list[i] = v) }));
  }
  for (const key of MAP) {
    if (key === 'definitions' && !withDefinitions) continue;
    const map = schema[key];
    if (isSchema(map)) {
      for (const name of Object.keys(map)) slots.push({ get: () => map[name], set: (v) => (map[name] = v) });
    }
  }
  return slots;
}

/** Whether a subschema is worth a `$ref`: big enough, or holding a regular expression to compile. */
const worthSharing = (schema: Schema): boolean =>
  nodeCount(schema) >= MIN_NODES || typeof schema.pattern === 'string' || isSchema(schema.patternProperties);

/** Every subschema position to share in: below the root, and below each entry of `definitions` (not the entries). */
function sharingSlots(schema: Schema): { get: () => Json; set: (value: Json) => void }[] {
  const entries = isSchema(schema.definitions) ? Object.values(schema.definitions).filter(isSchema) : [];
  return [...childSlots(schema, false), ...entries.flatMap((entry) => childSlots(entry))];
}

function nodeCount(schema: Json): number {
  if (!isSchema(schema)) return 0;
  return 1 + childSlots(schema).reduce((sum, slot) => sum + nodeCount(slot.get()), 0);
}

/** The schema with every repeated subschema worth sharing moved into definitions. */
export function shareRepeatedSubschemas(input: Schema): Schema {
  const schema = structuredClone(input);
  const definitions = (isSchema(schema.definitions) ? schema.definitions : {}) as Schema;
  // Count every subschema but the entries of definitions (which are $ref targets already).
  const counts = new Map<string, number>();
  const count = (node: Json) => {
    if (!isSchema(node)) return;
    const text = JSON.stringify(node);
    counts.set(text, (counts.get(text) ?? 0) + 1);
    for (const slot of childSlots(node)) count(slot.get());
  };
  for (const slot of sharingSlots(schema)) count(slot.get());
  const names = new Map<string, string>();
  // Outermost first: a repeat inside a repeat is shared with it.
  const share = (node: Json): Json => {
    if (!isSchema(node)) return node;
    const text = JSON.stringify(node);
    if ((counts.get(text) ?? 0) > 1 && worthSharing(node)) {
      let name = names.get(text);
      if (!name) {
        name = `${SHARED_PREFIX}${names.size + 1}`;
        names.set(text, name);
        definitions[name] = node;
        for (const slot of childSlots(node)) slot.set(share(slot.get()));
      }
      return { $ref: `#/definitions/${name}` };
    }
    for (const slot of childSlots(node)) slot.set(share(slot.get()));
    return node;
  };
  for (const slot of sharingSlots(schema)) slot.set(share(slot.get()));
  if (names.size > 0) schema.definitions = definitions;
  return schema;
}
