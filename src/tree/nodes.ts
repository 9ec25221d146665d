/**
 * The structural forms of a manifest tree. A tree is plain JSON in which value-dependent spots
 * are nodes; both back-ends walk the same tree (template text, or concrete objects).
 */
import { SchemaRule } from '../values/validate';
import { Expr, Var } from '../expr/expr';

export type Tree = null | boolean | number | string | Tree[] | TreeMap | Node;
export interface TreeMap {
  [key: string]: Tree;
}

export abstract class Node {
  protected readonly brand = 'node';
}

/** A whole scalar (or any value) computed from an expression; emitted as `{{ toJson X }}`. */
export class ScalarNode extends Node {
  public constructor(public readonly expr: Expr) {
    super();
  }
}

/** A map or list passed through from values; emitted as `toYaml X | nindent N`. */
export class BlockNode extends Node {
  public constructor(public readonly expr: Expr) {
    super();
  }
}

/** A map entry present only when `cond` is truthy (`{{- if cond }}`). */
export class OptionalNode extends Node {
  public constructor(
    public readonly cond: Expr,
    public readonly value: Tree,
  ) {
    super();
  }
}

/**
 * A map entry present only when `expr` is not empty, whose value is `expr` itself
 * (`{{- with X }} key: {{ toYaml . | nindent N }}{{- end }}`).
 */
export class WithNode extends Node {
  public constructor(public readonly expr: Expr) {
    super();
  }
}

/**
 * Extra entries of a map, taken from a map in values (user labels beside the chart's labels).
 * It sits in a TreeMap under a key made by `spreadKey`, which is never written out.
 */
export class SpreadNode extends Node {
  public constructor(public readonly expr: Expr) {
    super();
  }
}

let spreadCount = 0;
/** A unique placeholder key for a SpreadNode. */
export const spreadKey = (): string => `\u0000spread-${spreadCount++}`;

/** A list item present only when `cond` is truthy. */
export class OptionalItemNode extends Node {
  public constructor(
    public readonly cond: Expr,
    public readonly item: Tree,
  ) {
    super();
  }
}

/** The items of a list from values, spliced into a built-in list at this point. */
export class SpliceNode extends Node {
  public constructor(public readonly list: Expr) {
    super();
  }
}

/** One item per element of a list from values (`{{- range $var := LIST }}`). */
export class MapListNode extends Node {
  public readonly item: Tree;
  public constructor(
    public readonly list: Expr,
    public readonly variable: Var,
    item: (each: Var) => Tree,
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

export const isNode = (tree: Tree): tree is Node => tree instanceof Node;
export const isTreeMap = (tree: Tree): tree is TreeMap =>
  typeof tree === 'object' && tree !== null && !Array.isArray(tree) && !(tree instanceof Node);
