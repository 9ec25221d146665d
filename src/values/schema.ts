/** The values contract (schema/values.schema.json) and what is derived from it at run time. */
import { readFileSync } from 'node:fs';
import { GoValue, isMap } from '../expr/go-semantics';
import { SCHEMA_FILE } from '../paths';

export interface SchemaNode {
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly default?: GoValue;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly additionalProperties?: boolean | SchemaNode;
  readonly items?: SchemaNode;
  readonly enum?: readonly GoValue[];
  readonly [key: string]: unknown;
}

let cached: SchemaNode | undefined;

export function valuesSchema(): SchemaNode {
  cached ??= JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as SchemaNode;
  return cached;
}

/** The schema node at a dotted values path, or an error naming the first unknown segment. */
export function schemaAt(path: string, schema: SchemaNode = valuesSchema()): SchemaNode {
  let node = schema;
  const walked: string[] = [];
  for (const segment of path.split('.')) {
    const next = node.properties?.[segment];
    if (!next) {
      throw new Error(`values path ${path}: ${[...walked, segment].join('.')} is not declared in the schema`);
    }
    walked.push(segment);
    node = next;
  }
  return node;
}

/**
 * The chart's default values: every declared `default`, nested as the properties are.
 * An object with properties but no default of its own is built from its children.
 */
export function schemaDefaults(node: SchemaNode = valuesSchema()): GoValue {
  if (node.properties) {
    const out: { [key: string]: GoValue } = isMap(node.default) ? { ...node.default } : {};
    for (const [key, child] of Object.entries(node.properties)) {
      const value = schemaDefaults(child);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
  return node.default === undefined ? (undefined as unknown as GoValue) : structuredClone(node.default);
}
