/**
 * Strict JSON Schema definitions for Kubernetes types, generated from the official JavaScript
 * client's models (@kubernetes/client-node): property names and types from each model's
 * `attributeTypeMap`, required properties from its type declarations. Every object is closed
 * (`additionalProperties: false`), so an unknown field (a typo such as `fsgroup`) is an error.
 * Each client release is generated from one Kubernetes release's OpenAPI document, so installing
 * two releases of the client gives the schemas of two Kubernetes versions. The client types fields
 * with a fixed set of values as plain strings; those sets come from schema/kubernetes.enums.json,
 * read from the Kubernetes Go source (tools/build/kubernetes-enums.ts).
 *
 * The model files are read as text; no code of the client runs. That is why package.json may
 * override its HTTP library (undici) with one that accepts the Node the project runs on.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KUBERNETES_ENUMS_FILE } from '../../src/paths';
import { SchemaNode } from '../../src/values/schema';

/** A client release installed in node_modules: where its models are and how files are named. */
export interface ClientModels {
  /** The npm name it is installed under (an alias for a second release). */
  readonly packageName: string;
  /** Model class name → file base name (1.x+ keeps the class name; 0.x lower-cases its first letter). */
  readonly fileName: (model: string) => string;
  /** Folder of the models inside the package. */
  readonly modelsPath: readonly string[];
}

/** The newest client: Kubernetes 1.36 (also the source of the values schema's definitions). */
export const CLIENT_NEWEST: ClientModels = {
  packageName: '@kubernetes/client-node',
  fileName: (model) => model,
  modelsPath: ['dist', 'gen', 'models'],
};

/** The client generated from Kubernetes 1.28, the oldest release Chart.yaml's kubeVersion allows. */
export const CLIENT_OLDEST: ClientModels = {
  packageName: 'kubernetes-client-node-1-28',
  fileName: (model) => model[0].toLowerCase() + model.slice(1),
  modelsPath: ['dist', 'gen', 'model'],
};

/**
 * Fields the client types as strings that Kubernetes also accepts as numbers: resource
 * quantities (`cpu: 2`) are int-or-string on the wire.
 */
const QUANTITY_FIELDS: Readonly<Record<string, readonly string[]>> = {
  V1ResourceRequirements: ['limits', 'requests'],
  V1EmptyDirVolumeSource: ['sizeLimit'],
};

/**
 * A resource quantity as Kubernetes writes it (`2000m`, `4Gi`, `1.5`, `1e3`), not negative: the
 * API server refuses a negative request, limit or size at install time, after Helm rendered it.
 */
export const NON_NEGATIVE_QUANTITY_PATTERN =
  '^[+]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+|[numkMGTPE]|[KMGTPE]i)?$';
const QUANTITY: SchemaNode = { type: ['string', 'number'], pattern: NON_NEGATIVE_QUANTITY_PATTERN, minimum: 0 };

/**
 * Fields the API still declares but no release Chart.yaml's kubeVersion allows can use: the
 * in-tree volume plugins removed before Kubernetes 1.28 (the API server accepts such a volume with
 * a warning; the kubelet cannot mount it, so the pod never starts). Left out, they are refused as
 * unknown keys when the values are checked.
 */
const REMOVED_FIELDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  V1Volume: {
    scaleIO: 'removed in Kubernetes 1.22',
    flocker: 'removed in Kubernetes 1.25',
    quobyte: 'removed in Kubernetes 1.25',
    storageos: 'removed in Kubernetes 1.25',
    glusterfs: 'removed in Kubernetes 1.26',
  },
};

/**
 * Fields whose object Kubernetes accepts only partly: the metadata of an ephemeral volume's claim
 * template may hold labels and annotations only (the API server refuses any other field there).
 */
const LIMITED_FIELDS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  V1PersistentVolumeClaimTemplate: { metadata: ['labels', 'annotations'] },
};

interface Attribute {
  readonly name: string;
  readonly baseName: string;
  readonly type: string;
  readonly format?: string;
}

export const definitionRef = (model: string): string => `#/definitions/${model}`;

/** `<model>.<field>` → the values Kubernetes accepts there. */
export type FieldEnums = Readonly<Record<string, readonly string[]>>;

/** Per Kubernetes release (`1.28`), the fields with a fixed set of values. */
export function releaseFieldEnums(): Readonly<Record<string, FieldEnums>> {
  return (JSON.parse(readFileSync(KUBERNETES_ENUMS_FILE, 'utf8')) as { releases: Record<string, FieldEnums> }).releases;
}

/** The values any of the given releases accepts, per field: a value is refused only if all refuse it. */
export function acceptedByAny(releases: readonly FieldEnums[]): FieldEnums {
  const out: Record<string, string[]> = {};
  for (const release of releases) {
    for (const [field, values] of Object.entries(release)) {
      out[field] = [...new Set([...(out[field] ?? []), ...values])].sort();
    }
  }
  return out;
}

function packageDir(packageName: string): string {
  // The package's exports hide dist/, so locate it through package.json.
  return dirname(require.resolve(`${packageName}/package.json`));
}

export function clientVersion(client: ClientModels): string {
  return (JSON.parse(readFileSync(join(packageDir(client.packageName), 'package.json'), 'utf8')) as { version: string })
    .version;
}

export class KubernetesDefinitions {
  private readonly dir: string;
  private readonly definitions: Record<string, SchemaNode> = {};

  /**
   * @param enums the fixed value sets to apply: by default those any supported Kubernetes release
   * accepts (the values schema serves them all); a validator for one release passes its own.
   */
  public constructor(
    roots: readonly string[],
    private readonly client: ClientModels = CLIENT_NEWEST,
    private readonly enums: FieldEnums = acceptedByAny(Object.values(releaseFieldEnums())),
  ) {
    this.dir = join(packageDir(client.packageName), ...client.modelsPath);
    for (const root of roots) this.define(root);
  }

  /** The Kubernetes release the client was generated from, as `release-1.36`. */
  public kubernetesRelease(): string {
    const text = readFileSync(join(this.dir, `${this.client.fileName('V1Container')}.d.ts`), 'utf8');
    return /(?:OpenAPI spec version|version of the OpenAPI document): (\S+)/.exec(text)?.[1] ?? 'unknown';
  }

  public all(): Record<string, SchemaNode> {
    return Object.fromEntries(Object.entries(this.definitions).sort(([a], [b]) => a.localeCompare(b)));
  }

  /** `{ $comment, definitions }`, keys sorted, ready to be written as JSON. */
  public document(): { $comment: string; definitions: Record<string, SchemaNode> } {
    return {
      $comment: `Generated by \`npm run build\` from @kubernetes/client-node ${clientVersion(this.client)} (Kubernetes ${this.kubernetesRelease()}); do not edit.`,
      definitions: this.all(),
    };
  }

  private read(model: string, extension: 'js' | 'd.ts'): string {
    return readFileSync(join(this.dir, `${this.client.fileName(model)}.${extension}`), 'utf8');
  }

  private attributesOf(model: string): Attribute[] {
    const match = new RegExp(`${model}\\.attributeTypeMap = (\\[[\\s\\S]*?\\n\\]);`).exec(this.read(model, 'js'));
    if (!match) throw new Error(`no attributeTypeMap in ${model}.js`);
    return JSON.parse(match[1]) as Attribute[];
  }

  private requiredOf(model: string): string[] {
    return [...this.read(model, 'd.ts').matchAll(/^\s+'([^']+)': /gm)].map((m) => m[1]);
  }

  private define(model: string): void {
    if (model in this.definitions) return;
    this.definitions[model] = {}; // placeholder: recursive types refer back to it
    const required = this.requiredOf(model);
    const attributes = this.attributesOf(model);
    const properties: Record<string, SchemaNode> = {};
    for (const attribute of attributes) {
      if (REMOVED_FIELDS[model]?.[attribute.baseName]) continue;
      const limitedTo = LIMITED_FIELDS[model]?.[attribute.baseName];
      if (limitedTo) {
        properties[attribute.baseName] = nullable(this.limitedObject(attribute.type, limitedTo));
        continue;
      }
      const isQuantity = QUANTITY_FIELDS[model]?.includes(attribute.name) ?? false;
      const values = this.enums[`${model}.${attribute.baseName}`];
      const typed = this.typeSchema(attribute.type, attribute.format ?? '', isQuantity);
      const schema = values ? withEnum(typed, values) : typed;
      // Kubernetes reads an explicit null as "unset"; the official chart's defaults use it.
      properties[attribute.baseName] = required.includes(attribute.name) ? schema : nullable(schema);
    }
    const definition: Record<string, unknown> = { type: 'object', additionalProperties: false, properties };
    const requiredBaseNames = attributes.filter((a) => required.includes(a.name)).map((a) => a.baseName);
    if (requiredBaseNames.length) definition.required = requiredBaseNames;
    this.definitions[model] = definition as SchemaNode;
  }

  /** The model `type` as a closed object of only the fields `names`, written in place. */
  private limitedObject(type: string, names: readonly string[]): SchemaNode {
    const attributes = this.attributesOf(type).filter((attribute) => names.includes(attribute.baseName));
    if (attributes.length !== names.length) throw new Error(`${type} lacks one of ${names.join(', ')}`);
    const properties: Record<string, SchemaNode> = {};
    for (const attribute of attributes) {
      properties[attribute.baseName] = nullable(this.typeSchema(attribute.type, attribute.format ?? '', false));
    }
    return { type: 'object', additionalProperties: false, properties } as SchemaNode;
  }

  private typeSchema(type: string, format: string, isQuantity: boolean): SchemaNode {
    const array = /^Array<(.+)>$/.exec(type);
    if (array) return { type: 'array', items: this.typeSchema(array[1], format, isQuantity) };
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map) return { type: 'object', additionalProperties: this.typeSchema(map[1], format, isQuantity) };
    if (isQuantity && type === 'string') return QUANTITY;
    switch (type) {
      case 'string':
      case 'Date':
        return { type: 'string' };
      case 'boolean':
        return { type: 'boolean' };
      case 'number':
        // Older clients leave out the format: then any number passes.
        return format === 'int32' || format === 'int64' ? { type: 'integer' } : { type: 'number' };
      case 'IntOrString':
        return { type: ['integer', 'string'] };
      case 'any':
      case 'object':
        return {};
      default:
        if (!/^[A-Z][A-Za-z0-9]+$/.test(type)) throw new Error(`unsupported client type ${type}`);
        this.define(type);
        return { $ref: definitionRef(type) };
    }
  }
}

/** A string field (or the items of a list of them) limited to `values`. */
function withEnum(schema: SchemaNode, values: readonly string[]): SchemaNode {
  if (schema.type === 'array' && schema.items) return { ...schema, items: withEnum(schema.items, values) };
  if (schema.type !== 'string') throw new Error(`an enum on a ${JSON.stringify(schema.type)} field`);
  return { ...schema, enum: [...values] };
}

function nullable(schema: SchemaNode): SchemaNode {
  if (schema.enum) return { ...schema, type: [String(schema.type), 'null'], enum: [...schema.enum, null] };
  if (typeof schema.type === 'string') return { ...schema, type: [schema.type, 'null'] };
  if (Array.isArray(schema.type)) return { ...schema, type: [...schema.type, 'null'] };
  return schema; // references and `any` stay as they are
}
