/** The values contract (schema/values.schema.json) and what is derived from it at run time. */
import { readFileSync } from 'node:fs';
import { GoMap, GoValue } from '../expr/go-semantics';
import { KUBERNETES_DEFINITIONS_FILE, SCHEMA_FILE } from '../paths';

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

/**
 * The whole values contract: schema/values.schema.json (written by hand) with the generated
 * Kubernetes definitions (schema/kubernetes.definitions.json) that its `$ref`s point at.
 */
export function valuesSchema(): SchemaNode {
  if (!cached) {
    const source = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as SchemaNode;
    const kubernetes = JSON.parse(readFileSync(KUBERNETES_DEFINITIONS_FILE, 'utf8')) as { definitions: object };
    cached = { ...source, definitions: { ...kubernetes.definitions, ...(source.definitions as object | undefined) } };
  }
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
  if (node.properties && node.default === undefined) {
    const out: GoMap = {};
    for (const [key, child] of Object.entries(node.properties)) {
      const value = schemaDefaults(child);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
  return node.default === undefined ? (undefined as unknown as GoValue) : structuredClone(node.default);
}
