/**
 * Walks the values contract as users meet it: the keys the chart declares (with their paths), and
 * every object schema reachable from them, Kubernetes definitions included.
 */
import { SchemaNode } from '../../src/values/schema';

export interface DeclaredKey {
  /** `coder.image.tag`; a key inside list items is written `coder.listenerset.listeners[].port`. */
  readonly path: string;
  readonly node: SchemaNode;
}

export interface ObjectSchema {
  /** Where it was reached: a values path, or `#/definitions/V1Probe`. */
  readonly where: string;
  readonly node: SchemaNode;
}

const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'] as const;

/** The branches of `allOf`/`anyOf`/`oneOf` that are inline (not `$ref`s). */
function inlineBranches(node: SchemaNode): SchemaNode[] {
  return SUBSCHEMA_LISTS.flatMap((k) => ((node[k] as SchemaNode[] | undefined) ?? []).filter((b) => !b.$ref));
}

const refersToDefinition = (node: SchemaNode): boolean =>
  ((node.allOf as SchemaNode[] | undefined) ?? []).some((branch) => branch.$ref !== undefined);

/** The chart's own keys: properties reached through properties and list items, never through a `$ref`. */
export function declaredKeys(schema: SchemaNode): DeclaredKey[] {
  const keys: DeclaredKey[] = [];
  const visit = (node: SchemaNode, path: string): void => {
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      const childPath = path ? `${path}.${name}` : name;
      keys.push({ path: childPath, node: child });
      visit(child, childPath);
    }
    if (node.items) visit(node.items, `${path}[]`);
    // Beside a `$ref`, an inline branch only tightens the referenced type's own keys.
    if (!refersToDefinition(node)) for (const branch of inlineBranches(node)) visit(branch, path);
  };
  visit(schema, '');
  return keys;
}

/** Whether a schema node declares a type, itself or in every one of its alternatives. */
export function hasType(node: SchemaNode): boolean {
  if (node.type !== undefined || node.$ref !== undefined || node.enum !== undefined) return true;
  const alternatives = [...((node.oneOf as SchemaNode[]) ?? []), ...((node.anyOf as SchemaNode[]) ?? [])];
  if (alternatives.length > 0) return alternatives.every(hasType);
  return ((node.allOf as SchemaNode[]) ?? []).some(hasType);
}

const isObjectSchema = (node: SchemaNode): boolean =>
  node.type === 'object' || (Array.isArray(node.type) && node.type.includes('object')) || !!node.properties;

/** Every object schema reachable from the root, each definition once. */
export function objectSchemas(schema: SchemaNode): ObjectSchema[] {
  const definitions = (schema.definitions ?? {}) as Record<string, SchemaNode>;
  const found: ObjectSchema[] = [];
  const seenDefinitions = new Set<string>();
  const visit = (node: SchemaNode, where: string): void => {
    const ref = node.$ref as string | undefined;
    if (ref) {
      const name = ref.replace('#/definitions/', '');
      if (seenDefinitions.has(name)) return;
      seenDefinitions.add(name);
      const target = definitions[name];
      if (!target) throw new Error(`${where}: $ref ${ref} does not resolve`);
      visit(target, ref);
      return;
    }
    // A node that refers to a definition is as closed as that definition (visited below); its
    // inline branches only tighten the definition's own keys.
    const refining = refersToDefinition(node);
    if (isObjectSchema(node) && !refining) found.push({ where, node });
    for (const [name, child] of Object.entries(node.properties ?? {})) visit(child, `${where}.${name}`);
    for (const [pattern, child] of Object.entries((node.patternProperties ?? {}) as Record<string, SchemaNode>))
      visit(child, `${where}[/${pattern}/]`);
    if (typeof node.additionalProperties === 'object') visit(node.additionalProperties, `${where}[*]`);
    if (node.items) visit(node.items, `${where}[]`);
    for (const list of SUBSCHEMA_LISTS)
      ((node[list] as SchemaNode[] | undefined) ?? [])
        .filter((branch) => !refining || branch.$ref)
        .forEach((branch) => visit(branch, where));
  };
  visit(schema, '(root)');
  return found;
}

/**
 * Closed: unknown keys are refused. Either `additionalProperties: false` (with or without
 * `patternProperties` that declare the allowed keys and their value type), or a map whose
 * values all have a declared type (`additionalProperties: {type: …}`).
 */
export function isClosed(node: SchemaNode): boolean {
  if (node.additionalProperties === false) {
    const patterns = Object.values((node.patternProperties ?? {}) as Record<string, SchemaNode>);
    return patterns.every(hasType);
  }
  return typeof node.additionalProperties === 'object' && hasType(node.additionalProperties);
}
