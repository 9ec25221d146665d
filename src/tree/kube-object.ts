/**
 * Kubernetes objects authored once, with the typed props of cdk8s-plus-28's `k8s` module, in which
 * any field may hold a tree node (a value decided at render time), and read back as trees through
 * an App resolver.
 *
 * Why not the `k8s.Kube*` classes themselves: their `toJson` re-reads the synthesized JSON field by
 * field through typed converters, which keep only the fields each type declares, so a node standing
 * where an object or a list belongs (the user's securityContext, an env list with optional entries)
 * would be dropped. The object is therefore an `ApiObject` with the class's apiVersion and kind and
 * the class's props type; what cdk8s does for it (metadata, resolvers, JSON patches) is unchanged.
 */
import { ApiObject, ApiObjectProps, App, GroupVersionKind, IResolver, ResolutionContext } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { isMap } from '../expr/go-semantics';
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
export function kubeObject<P>(scope: Construct, id: string, kind: KubeKind<P>, props: Authored<P>): ApiObject {
  return customObject<P>(scope, id, kind.GVK, props);
}

/** An object of a kind the `k8s` module does not declare (a ServiceMonitor, a Gateway API route). */
export function customObject<P>(scope: Construct, id: string, gvk: GroupVersionKind, props: Authored<P>): ApiObject {
  // The only loose step: the props are typed by P above; ApiObject takes any metadata and fields.
  return new ApiObject(scope, id, { ...gvk, ...(props as object) } as ApiObjectProps);
}

/** What a node stands as in the JSON: NUL, which no manifest value contains, then its number. */
const PLACEHOLDER_PREFIX = '\u0000node-';

/**
 * Carries tree nodes through cdk8s's synthesis. `ApiObject.toJson()` refuses anything that is not
 * plain JSON, so this resolver (the App's first) stands in a placeholder string for each node it
 * meets, and `treeOf` puts the nodes back once the object is synthesized. Nodes inside a node are
 * the node's own business and are not visited here.
 */
export class TreeNodeResolver implements IResolver {
  private readonly pending: Node[] = [];

  public resolve(context: ResolutionContext): void {
    if (context.value instanceof Node) {
      this.pending.push(context.value);
      context.replaceValue(`${PLACEHOLDER_PREFIX}${this.pending.length - 1}`);
    }
  }

  /** Forgets the nodes of an object whose synthesis failed. */
  public begin(): void {
    this.pending.length = 0;
  }

  /** The synthesized JSON with every placeholder replaced by its node; every node must be found. */
  public restore(json: unknown): TreeMap {
    const found = new Set<number>();
    const walk = (value: unknown, path: string): Tree => {
      if (typeof value === 'string') {
        if (!value.includes(PLACEHOLDER_PREFIX)) return value;
        const index = Number(value.slice(PLACEHOLDER_PREFIX.length));
        if (!value.startsWith(PLACEHOLDER_PREFIX) || !Number.isInteger(index) || !(index in this.pending)) {
          throw new Error(`a node was used inside a string at ${path}`);
        }
        found.add(index);
        return this.pending[index];
      }
      if (Array.isArray(value)) return value.map((item, i) => walk(item, `${path}/${i}`));
      if (isMap(value)) {
        const out: TreeMap = {};
        for (const [key, item] of Object.entries(value)) out[key] = walk(item, `${path}/${key}`);
        return out;
      }
      if (value === null || typeof value === 'boolean' || typeof value === 'number') return value;
      throw new Error(`unexpected ${typeof value} in a synthesized object at ${path}`);
    };
    const tree = walk(json, '') as TreeMap;
    const lost = this.pending.map((_, i) => i).filter((i) => !found.has(i));
    this.pending.length = 0;
    if (lost.length > 0) throw new Error(`${lost.length} node(s) placed in the object did not reach its JSON`);
    return tree;
  }
}

/** An App whose objects may hold tree nodes. */
export const treeApp = (): App => new App({ resolvers: [new TreeNodeResolver()] });

/**
 * The object as a tree, its keys in the order they were authored. cdk8s sorts an object's keys
 * unless CDK8S_DISABLE_SORT is set (its documented switch), so synthesis runs with it set; the
 * metadata's keys come sorted whatever the switch says, and `conventionalOrder` orders them.
 */
export function treeOf(object: ApiObject): TreeMap {
  const resolver = App.of(object).resolvers.find((r): r is TreeNodeResolver => r instanceof TreeNodeResolver);
  if (!resolver)
    throw new Error(`${object.node.path} is not in an App made by treeApp(): its nodes cannot be read back`);
  const before = process.env.CDK8S_DISABLE_SORT;
  process.env.CDK8S_DISABLE_SORT = 'true';
  try {
    resolver.begin();
    return resolver.restore(object.toJson());
  } finally {
    if (before === undefined) delete process.env.CDK8S_DISABLE_SORT;
    else process.env.CDK8S_DISABLE_SORT = before;
  }
}
