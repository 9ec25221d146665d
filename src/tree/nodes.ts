/**
 * The structural forms of a manifest tree. A tree is plain JSON in which value-dependent spots
 * are nodes; both back-ends walk the same tree (template text, or concrete objects).
 */
import { SchemaRule } from '../values/validate';
import { Expr, Var } from '../expr/expr';
import { GoValue } from '../expr/go-semantics';

export type Tree = null | boolean | number | string | Tree[] | TreeMap | Node;
export interface TreeMap {
  [key: string]: Tree;
}

export abstract class Node {
  /** Which kind of node this is: what the visitors below dispatch on. */
  public abstract readonly kind: NodeKind;
}

/** A whole scalar (or any value) computed from an expression; emitted as `{{ toJson X }}`. */
export class ScalarNode extends Node {
  public readonly kind = 'scalar';
  public constructor(public readonly expr: Expr) {
    super();
  }
}

/** A map or list passed through from values; emitted as `toYaml X | nindent N`. */
export class BlockNode extends Node {
  public readonly kind = 'block';
  public constructor(public readonly expr: Expr) {
    super();
  }
}

/** A map entry present only when `cond` is truthy (`{{- if cond }}`). */
export class OptionalNode extends Node {
  public readonly kind = 'optional';
  public constructor(
    public readonly cond: Expr,
    public readonly value: Tree,
    /** Why the entry is there, for a reader of the template (a comment line above it). */
    public readonly comment?: string,
  ) {
    super();
  }
}

/**
 * A key's value chosen by a condition: `whenTrue` when `cond` is truthy, else `whenFalse`
 * (`{{- if cond }} key: … {{- else }} key: … {{- end }}`), so that a default is written as the
 * YAML it is rather than as an expression that builds it.
 */
export class ChoiceNode extends Node {
  public readonly kind = 'choice';
  public constructor(
    public readonly cond: Expr,
    public readonly whenTrue: Tree,
    public readonly whenFalse: Tree,
  ) {
    super();
  }
}

/**
 * A map entry present only when `expr` is not empty, whose value is `expr` itself
 * (`{{- with X }} key: {{ toYaml . | nindent N }}{{- end }}`).
 */
export class WithNode extends Node {
  public readonly kind = 'with';
  public constructor(public readonly expr: Expr) {
    super();
  }
}

/**
 * Extra entries of a map, taken from a map in values (user labels beside the chart's labels).
 * It sits in a TreeMap under a key made by `spreadKey`, which is never written out.
 */
export class SpreadNode extends Node {
  public readonly kind = 'spread';
  public constructor(public readonly expr: Expr) {
    super();
  }
}

let spreadCount = 0;
const SPREAD_KEY_PREFIX = '\u0000spread-';
/**
 * A unique key for a node that adds entries to a map (a SpreadNode or an IncludeNode): keys are
 * written in the order they were authored, so the entries land where the key stands.
 */
export const spreadKey = (): string => `${SPREAD_KEY_PREFIX}${spreadCount++}`;
export const isSpreadKey = (key: string): boolean => key.startsWith(SPREAD_KEY_PREFIX);

/**
 * A named template (`{{- define NAME }}` in _helpers.tpl): entries written once and included by
 * every object that carries them, as the standard labels are in the official chart. Its body
 * may use `$` for the chart's root context, which every `include` passes.
 */
export interface NamedTemplate {
  readonly name: string;
  /** One line for _helpers.tpl: what the entries are and who uses them. */
  readonly comment: string;
  readonly body: TreeMap;
}

/** The entries of a named template, added to a map at this point (`{{- include NAME $ | nindent N }}`). */
export class IncludeNode extends Node {
  public readonly kind = 'include';
  public constructor(public readonly template: NamedTemplate) {
    super();
  }
}

/** A list item present only when `cond` is truthy. */
export class OptionalItemNode extends Node {
  public readonly kind = 'optionalItem';
  public constructor(
    public readonly cond: Expr,
    public readonly item: Tree,
  ) {
    super();
  }
}

/** The items of a list from values, spliced into a built-in list at this point. */
export class SpliceNode extends Node {
  public readonly kind = 'splice';
  public constructor(public readonly list: Expr) {
    super();
  }
}

/** One item per element of a list from values (`{{- range $var := LIST }}`). */
export class MapListNode<T extends GoValue = GoValue> extends Node {
  public readonly kind = 'mapList';
  public readonly item: Tree;
  public constructor(
    public readonly list: Expr,
    public readonly variable: Var<T>,
    item: (each: Var<T>) => Tree,
  ) {
    super();
    this.item = item(variable);
  }
}

/**
 * A render-time check: when `when` is truthy, rendering fails with `message`. With `rule`, the
 * values schema states the same check (when JSON Schema can), so that it refuses first.
 */
export interface Guard {
  readonly when: Expr;
  readonly message: Expr<string>;
  readonly rule?: SchemaRule;
  /**
   * For a guard JSON Schema cannot state (it compares values, or needs the release): what it
   * refuses, in one line, for the docs that list what `helm lint` does not catch.
   */
  readonly renderOnly?: string;
}

/**
 * One manifest per template file, optionally rendered only when `cond` holds; or, with `each`,
 * one manifest per element of a list from values (`cond` and `tree` may use its variable).
 */
export interface Document {
  /** Template file name under `templates/`. */
  readonly file: string;
  /** The TypeScript file that writes it (`sourceFileOf(__filename)`), named in the template's banner. */
  readonly source: string;
  readonly tree: TreeMap;
  readonly cond?: Expr;
  readonly each?: { readonly list: Expr; readonly variable: Var };
}

/**
 * User-written manifests from a values list, each rendered with Helm's `tpl` (strings as they
 * are, maps as YAML first).
 */
export interface UserTemplates {
  readonly file: string;
  readonly list: Expr;
}

/** Everything the chart renders: its documents in order, and the guards checked before any. */
export interface ChartModel {
  readonly documents: readonly Document[];
  readonly guards: readonly Guard[];
  readonly userTemplates?: UserTemplates;
}

/** Every kind of node; a switch over `kind` on this union is checked for exhaustiveness. */
export type AnyNode =
  | ScalarNode
  | BlockNode
  | OptionalNode
  | ChoiceNode
  | WithNode
  | SpreadNode
  | IncludeNode
  | OptionalItemNode
  | SpliceNode
  | MapListNode;
export type NodeKind = AnyNode['kind'];
type NodeOfKind<K extends NodeKind> = Extract<AnyNode, { kind: K }>;

/**
 * Where a node may stand: as the value of a key ('value'), in a map as entries of its own under a
 * spreadKey ('entries'), or as a list item ('item'). The one place that decides it: both
 * back-ends check a node here before they visit it.
 */
export const PLACEMENT = {
  scalar: ['value', 'item'],
  block: ['value', 'item'],
  optional: ['value'],
  choice: ['value'],
  with: ['value'],
  spread: ['entries'],
  include: ['entries'],
  optionalItem: ['item'],
  splice: ['item'],
  mapList: ['item'],
} as const satisfies { readonly [K in NodeKind]: readonly Position[] };
export type Position = 'value' | 'entries' | 'item';

type KindsAt<P extends Position> = {
  [K in NodeKind]: P extends (typeof PLACEMENT)[K][number] ? K : never;
}[NodeKind];

/**
 * What a back-end does with each kind of node that may stand at position P. A new node kind, once
 * in PLACEMENT, makes every visitor of its positions fail to compile until it handles the kind.
 */
export type VisitorAt<P extends Position, R> = { readonly [K in KindsAt<P>]: (node: NodeOfKind<K>) => R };
/** What a walk does with every kind of node, wherever it stands. */
export type NodeVisitor<R> = { readonly [K in NodeKind]: (node: NodeOfKind<K>) => R };

const POSITION_TEXT: Record<Position, string> = {
  value: 'as the value of a key',
  entries: 'among the entries of a map',
  item: 'as a list item',
};

/** Dispatches `node` to the visitor, after checking that its kind may stand at `position`. */
export function visitAt<P extends Position, R>(position: P, node: Node, visitor: VisitorAt<P, R>, where: string): R {
  const any = node as AnyNode;
  if (!(PLACEMENT[any.kind] as readonly Position[]).includes(position)) {
    throw new Error(
      `${/^[aeiou]/.test(any.kind) ? 'an' : 'a'} ${any.kind} node cannot stand ${POSITION_TEXT[position]} (at ${where})`,
    );
  }
  return (visitor as unknown as Record<NodeKind, (n: AnyNode) => R>)[any.kind](any);
}

export function visitNode<R>(node: Node, visitor: NodeVisitor<R>): R {
  const any = node as AnyNode;
  return (visitor as unknown as Record<NodeKind, (n: AnyNode) => R>)[any.kind](any);
}

/** Where a node in a map stands: keyless entries under a spreadKey, otherwise a key's value. */
export const positionInMap = (key: string): 'value' | 'entries' => (isSpreadKey(key) ? 'entries' : 'value');

export const isNode = (tree: Tree): tree is Node => tree instanceof Node;
export const isTreeMap = (tree: Tree): tree is TreeMap =>
  typeof tree === 'object' && tree !== null && !Array.isArray(tree) && !(tree instanceof Node);

/** The trees a node holds (an optional entry's value, a named template's body …). */
const childrenOf: NodeVisitor<Tree[]> = {
  scalar: () => [],
  block: () => [],
  optional: (node) => [node.value],
  choice: (node) => [node.whenTrue, node.whenFalse],
  with: () => [],
  spread: () => [],
  include: (node) => [node.template.body],
  optionalItem: (node) => [node.item],
  splice: () => [],
  mapList: (node) => [node.item],
};

/** Calls `visit` for every node in `tree`, parents before children, in document order. */
export function forEachNode(tree: Tree, visit: (node: AnyNode) => void): void {
  if (isNode(tree)) {
    visit(tree as AnyNode);
    for (const child of visitNode(tree, childrenOf)) forEachNode(child, visit);
  } else if (Array.isArray(tree)) {
    for (const item of tree) forEachNode(item, visit);
  } else if (isTreeMap(tree)) {
    for (const value of Object.values(tree)) forEachNode(value, visit);
  }
}

/** Every named template the documents include, directly or through another, once each. */
export function namedTemplatesOf(model: ChartModel): NamedTemplate[] {
  const found = new Map<string, NamedTemplate>();
  for (const doc of model.documents) {
    forEachNode(doc.tree, (node) => {
      if (node.kind !== 'include') return;
      const known = found.get(node.template.name);
      if (known && known !== node.template) throw new Error(`two named templates are called ${node.template.name}`);
      found.set(node.template.name, node.template);
    });
  }
  return [...found.values()];
}
