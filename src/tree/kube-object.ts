/**
 * Kubernetes objects authored once, with the typed props of cdk8s-plus-28's `k8s` module, in which
 * any field may hold a tree node (a value decided at render time), and read back as trees
 * (`TemplateObject`, the one adapter between cdk8s and the chart's trees).
 *
 * Why not the `k8s.Kube*` classes themselves: their `toJson` re-reads the synthesized JSON field by
 * field through typed converters, which keep only the fields each type declares, so a node standing
 * where an object or a list belongs (the user's securityContext, an env list with optional entries)
 * would be dropped. The object is therefore an `ApiObject` with the class's apiVersion and kind and
 * the class's props type.
 */
import { ApiObject, ApiObjectProps, GroupVersionKind } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  BlockNode,
  ChoiceNode,
  IncludeNode,
  MapListNode,
  Node,
  OptionalItemNode,
  OptionalNode,
  ScalarNode,
  SpliceNode,
  SpreadNode,
  Tree,
  TreeMap,
  WithNode,
} from './nodes';

/** Nodes that may be a key's value. */
type ValueNode = ScalarNode | BlockNode | OptionalNode | ChoiceNode | WithNode;
/** Nodes that add entries to a map, under a `spreadKey`. */
type EntriesNode = SpreadNode | IncludeNode;
/** Nodes that may be list items. */
type ItemNode = ScalarNode | BlockNode | OptionalItemNode | SpliceNode | MapListNode;

/**
 * The fields whose name in cdk8s-plus-28's `k8s` props differs from their name in Kubernetes JSON
 * (the `Kube*` converters rename them). Objects here are authored with the JSON names, as every
 * manifest is written; a test checks this table against the converters of the installed library.
 */
export const JSON_FIELD_NAMES = {
  clientIp: 'clientIP',
  clusterIp: 'clusterIP',
  datasetUuid: 'datasetUUID',
  diskUri: 'diskURI',
  downwardApi: 'downwardAPI',
  externalId: 'externalID',
  hostIp: 'hostIP',
  hostIpc: 'hostIPC',
  hostPid: 'hostPID',
  insecureSkipTlsVerify: 'insecureSkipTLSVerify',
  loadBalancerIp: 'loadBalancerIP',
  nodeId: 'nodeID',
  nonResourceUrLs: 'nonResourceURLs',
  openApiv3Schema: 'openAPIV3Schema',
  pdId: 'pdID',
  podCidr: 'podCIDR',
  podCidRs: 'podCIDRs',
  providerId: 'providerID',
  ref: '$ref',
  scaleIo: 'scaleIO',
  schema: '$schema',
  setHostnameAsFqdn: 'setHostnameAsFQDN',
  storagePolicyId: 'storagePolicyID',
  targetCpuUtilizationPercentage: 'targetCPUUtilizationPercentage',
  targetWwNs: 'targetWWNs',
  volumeId: 'volumeID',
  xKubernetesEmbeddedResource: 'x-kubernetes-embedded-resource',
  xKubernetesIntOrString: 'x-kubernetes-int-or-string',
  xKubernetesListMapKeys: 'x-kubernetes-list-map-keys',
  xKubernetesListType: 'x-kubernetes-list-type',
  xKubernetesMapType: 'x-kubernetes-map-type',
  xKubernetesPreserveUnknownFields: 'x-kubernetes-preserve-unknown-fields',
  xKubernetesValidations: 'x-kubernetes-validations',
} as const;
type JsonName<K> = K extends keyof typeof JSON_FIELD_NAMES ? (typeof JSON_FIELD_NAMES)[K] : K;

/**
 * A Kubernetes type as it is written in a manifest (JSON field names), with a node allowed
 * wherever the values decide: a key's value, a list item, entries of a map. Int-or-string and
 * quantity fields are the plain number or string they serialize to (the union classes exist for
 * the `Kube*` converters).
 */
export type Authored<T> = T extends NumberOrString
  ? NumberOrString extends T
    ? string | number
    : AuthoredObject<T>
  : T extends string | number | boolean
    ? T
    : T extends readonly (infer U)[]
      ? (Authored<U> | ItemNode)[]
      : T extends object
        ? AuthoredObject<T>
        : T;
type AuthoredObject<T> = {
  readonly [K in keyof T as JsonName<K>]: Authored<T[K]> | ValueNode | (string extends K ? EntriesNode : never);
};
/**
 * The union classes, told apart from objects that merely have a `value` field (an autoscaler's
 * scaling policy has one too): a type is one when each is assignable to the other.
 */
type NumberOrString = k8s.IntOrString | k8s.Quantity;

/** A `k8s.Kube*` class: its apiVersion and kind, and (through its constructor) its props type. */
export interface KubeKind<P> {
  readonly GVK: GroupVersionKind;
  new (scope: Construct, id: string, props: P): ApiObject;
}

/** An object of a kind the `k8s` module declares, e.g. `kubeObject(this, 'Resource', k8s.KubeService, {…})`. */
export function kubeObject<P>(scope: Construct, id: string, kind: KubeKind<P>, props: Authored<P>): TemplateObject {
  return customObject<P>(scope, id, kind.GVK, props);
}

/** An object of a kind the `k8s` module does not declare (a ServiceMonitor, a Gateway API route). */
export function customObject<P>(
  scope: Construct,
  id: string,
  gvk: GroupVersionKind,
  props: Authored<P>,
): TemplateObject {
  return new TemplateObject(scope, id, gvk, props as object);
}

/**
 * The one adapter between cdk8s and the chart's trees: an `ApiObject` (cdk8s's construct for a
 * Kubernetes object: its place in the construct tree, its id, apiVersion and kind) whose document
 * is read from the props as authored, by `tree()`.
 *
 * Why not `ApiObject.toJson()`: synthesis makes plain JSON of the object. It resolves every value
 * (a node, which is decided at render time, is not JSON), leaves out null entries and sorts the
 * keys. A template object holds nodes, and its keys are written in the order they were authored,
 * as a manifest author writes them (`name` before `labels`, `apiVersion` before `kind`). So the
 * tree is the authored props themselves, with the entries left `undefined` (a field the author
 * left unset) dropped, as cdk8s drops them.
 *
 * What this leaves out of cdk8s: JSON patches and the metadata API (`addLabel`…) do not reach the
 * tree, so both are refused rather than ignored; and cdk8s synthesis (`app.synth()`) of a template
 * object is refused, since its values are only known once the chart renders. `CoderChart` gives
 * cdk8s users the rendered objects instead.
 */
export class TemplateObject extends ApiObject {
  private readonly authored: TreeMap;
  private readonly metadataAtStart: string;

  public constructor(scope: Construct, id: string, gvk: GroupVersionKind, props: object) {
    // The only loose step: the props are typed by `Authored<P>` in the factories above.
    super(scope, id, { ...gvk, ...props } as ApiObjectProps);
    this.authored = authoredTree({ apiVersion: gvk.apiVersion, kind: gvk.kind, ...props }, this.node.path);
    this.metadataAtStart = this.metadataAdditions();
  }

  /** The object as a tree: the authored props, in their order, with its nodes where they were placed. */
  public tree(): TreeMap {
    if (this.metadataAdditions() !== this.metadataAtStart)
      throw new Error(
        `${this.node.path}: labels or annotations added through cdk8s's metadata API do not reach the template; author them in the props`,
      );
    if (this.hasJsonPatches())
      throw new Error(`${this.node.path}: a JSON patch does not reach the template; author the field in the props`);
    return this.authored;
  }

  public override toJson(): never {
    throw new Error(
      `${this.node.path} is a template object: its values are decided when the chart renders, so cdk8s cannot synthesize it. Use CoderChart for rendered objects.`,
    );
  }

  /** What cdk8s's metadata holds beyond the authored name (its labels, annotations …), as text. */
  private metadataAdditions(): string {
    const { labels, annotations, finalizers, ownerReferences } = this.metadata as unknown as Record<string, unknown>;
    return JSON.stringify([labels, annotations, finalizers, ownerReferences]);
  }

  private hasJsonPatches(): boolean {
    return ((this as unknown as { patches: unknown[] }).patches ?? []).length > 0;
  }
}

const isPlainObject = (item: unknown): item is Record<string, unknown> =>
  typeof item === 'object' && item !== null && [Object.prototype, null].includes(Object.getPrototypeOf(item));

/**
 * Authored props as a tree: entries whose value is `undefined` are left out; anything that is not
 * JSON or a node (a class instance such as `k8s.Quantity`, a function) is refused with its path.
 */
function authoredTree(value: unknown, path: string): TreeMap {
  const walk = (item: unknown, at: string): Tree => {
    if (item instanceof Node) return item;
    if (item === null || typeof item === 'string' || typeof item === 'boolean' || typeof item === 'number') return item;
    if (Array.isArray(item)) return item.map((element, i) => walk(element, `${at}/${i}`));
    if (isPlainObject(item)) {
      const out: TreeMap = {};
      for (const [key, entry] of Object.entries(item)) if (entry !== undefined) out[key] = walk(entry, `${at}/${key}`);
      return out;
    }
    throw new Error(
      `${path}: ${at} holds a ${typeof item === 'object' ? (item.constructor?.name ?? 'object') : typeof item}, which a manifest cannot hold`,
    );
  };
  return walk(value, '') as TreeMap;
}
