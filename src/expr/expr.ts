/**
 * The value-expression language. Every expression has two readings that must agree:
 * `eval` (TypeScript, Go template + Sprig semantics) and `toGo` (Go-template operand text).
 *
 * `toGo` always yields a self-contained operand: an atom (`$.Values.x`, `"text"`, `$item`) or a
 * parenthesised call, so it can be an argument anywhere. References go through `$` so that they
 * keep working inside `range` and `with`, which rebind `.`.
 */
import { deepEqual, goKind, GoValue, isMap, isTruthy } from './go-semantics';

export interface ReleaseInfo {
  readonly Name: string;
  readonly Namespace: string;
  readonly Service: string;
  readonly IsInstall: boolean;
  readonly IsUpgrade: boolean;
  readonly Revision: number;
}

export interface ChartInfo {
  readonly Name: string;
  readonly Version: string;
  readonly AppVersion: string;
}

/** What an expression is evaluated against: the same data Helm gives a template. */
export interface EvalScope {
  readonly Values: GoValue;
  readonly Release: ReleaseInfo;
  readonly Chart: ChartInfo;
  /** Variables bound by `range` (name without `$`). */
  readonly vars?: ReadonlyMap<string, GoValue>;
  /**
   * Helm's `lookup` of a live object. Without a cluster (`helm template`, a client-side dry run,
   * a render by a library) Helm's lookup finds nothing, which is what its absence means here.
   */
  readonly lookup?: (apiVersion: string, kind: string, namespace: string, name: string) => GoValue;
  /**
   * Helm's `.Capabilities.APIVersions.Has`: whether the cluster serves an API version or
   * `group/version/Kind`. Absent, every version is taken as served.
   */
  readonly apiServed?: (versionOrKind: string) => boolean;
}

export function withVar(scope: EvalScope, name: string, value: GoValue): EvalScope {
  const vars = new Map(scope.vars ?? []);
  vars.set(name, value);
  return { ...scope, vars };
}

export abstract class Expr<T extends GoValue = GoValue> {
  /** TypeScript reading: the value Helm would compute. */
  public abstract eval(scope: EvalScope): T;
  /**
   * Go-template reading: an operand usable as a function argument. Inside a template file that
   * computes values once at its top, `bindings` collects them and bound values read their variable.
   */
  public abstract toGo(bindings?: TemplateBindings): string;
  /**
   * Whether the value is a Go string whatever the values are (never nil, never a number), so a
   * template may write it with `quote` rather than `toJson`: the YAML reads the same.
   */
  public alwaysString(): boolean {
    return false;
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The template variables a template file binds once at its top (`{{- $name := EXPR }}`), collected
 * while the file is written: a Bound expression used in the file reads its variable instead of
 * computing again. Outside such a file (a named template, NOTES.txt) it is written in full.
 */
export class TemplateBindings {
  private readonly bound = new Map<string, { go: string; line: string; expr: Bound }>();

  /**
   * Runs `write` with new bindings, which it passes to every `toGo` of the file; returns what it
   * wrote, the binding lines and the bound expressions (which the top of the file evaluates,
   * whatever surrounds their uses).
   */
  public static collect<R>(write: (bindings: TemplateBindings) => R): { written: R; lines: string[]; bound: Bound[] } {
    const bindings = new TemplateBindings();
    const written = write(bindings);
    const all = [...bindings.bound.values()];
    return { written, lines: all.map((binding) => binding.line), bound: all.map((binding) => binding.expr) };
  }

  /** The variable that holds `bound` in this file, declared at its first use. */
  public reference(bound: Bound): string {
    const known = this.bound.get(bound.name);
    // Its own expression first: a binding that uses another comes after it.
    const go = known?.go ?? bound.inner.toGo(this);
    if (known && known.go !== go) throw new Error(`two expressions want the template variable $${bound.name}`);
    if (!known) {
      this.bound.set(bound.name, { go, line: `{{- $${bound.name} := ${withoutOuterParens(go)} }}`, expr: bound });
    }
    return `$${bound.name}`;
  }
}

/** `(f a b)` → `f a b` when the parentheses enclose the whole pipeline. */
export function withoutOuterParens(go: string): string {
  if (!go.startsWith('(') || !go.endsWith(')')) return go;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < go.length; i++) {
    const c = go[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0 && i < go.length - 1) return go;
  }
  return go.slice(1, -1);
}

/** An expression as the pipeline of an action (`if and a b`, not `if (and a b)`). */
export const pipelineOf = (expr: Expr, bindings?: TemplateBindings): string => withoutOuterParens(expr.toGo(bindings));

/**
 * A value computed once per template file under a readable name (`$envNames`), wherever the file
 * uses it. Only for expressions of values, the release and the chart: they mean the same at the
 * top of the file as where they are used.
 */
export class Bound<T extends GoValue = GoValue> extends Expr<T> {
  public constructor(
    public readonly name: string,
    public readonly inner: Expr<T>,
  ) {
    super();
    if (!IDENTIFIER.test(name)) throw new Error(`not a template variable name: ${name}`);
  }
  public eval(scope: EvalScope): T {
    return this.inner.eval(scope);
  }
  public toGo(bindings?: TemplateBindings): string {
    return bindings ? bindings.reference(this) : this.inner.toGo();
  }
  public override alwaysString(): boolean {
    return this.inner.alwaysString();
  }
}

/** `expr`, computed once per template file as `$name`. */
export const bound = <T extends GoValue>(name: string, expr: Expr<T>): Expr<T> => new Bound(name, expr);

/** The variable name for something about the list at a values path: a.volumeMounts → volumeMount + suffix. */
export function listBindingName(list: Expr, suffix: string): string | undefined {
  if (!(list instanceof Ref) || list.root !== 'Values') return undefined;
  const last = list.path[list.path.length - 1].replace(/s$/, '');
  return `${last}${suffix}`;
}

/** A Go string literal; JSON's escapes are a subset of Go's, so JSON quoting is exact. */
export function goString(text: string): string {
  return JSON.stringify(text);
}

function walk(start: GoValue, path: readonly string[], describe: string): GoValue {
  let current: GoValue = start;
  for (const segment of path) {
    if (current === null || current === undefined) {
      // Go templates fail the same way when a field is read through a nil map.
      throw new Error(`nil pointer evaluating interface {}.${segment} (in ${describe})`);
    }
    if (!isMap(current)) {
      throw new Error(`can't evaluate field ${segment} in type ${goKind(current)} (in ${describe})`);
    }
    current = segment in current ? current[segment] : null;
  }
  return current;
}

function pathText(root: string, path: readonly string[]): string {
  let text = root;
  for (const segment of path) {
    text = IDENTIFIER.test(segment) ? `${text}.${segment}` : `(index ${text} ${goString(segment)})`;
  }
  return text;
}

/** `$.Values.a.b`, `$.Release.Namespace`, `$.Chart.AppVersion`. */
export class Ref<T extends GoValue = GoValue> extends Expr<T> {
  public constructor(
    public readonly root: 'Values' | 'Release' | 'Chart',
    public readonly path: readonly string[],
    /** For `.Values`: the contract declares a string with a string default (never nil). */
    private readonly declaredString = false,
  ) {
    super();
  }
  public override alwaysString(): boolean {
    return this.root !== 'Values' || this.declaredString;
  }
  public eval(scope: EvalScope): T {
    const start = (this.root === 'Values' ? scope.Values : scope[this.root]) as unknown as GoValue;
    return walk(start, this.path, this.toGo()) as T;
  }
  public toGo(): string {
    return pathText(`$.${this.root}`, this.path);
  }
}

/** A variable bound by `range` (`$item`), optionally with a field path into it. */
export class Var<T extends GoValue = GoValue> extends Expr<T> {
  public constructor(
    public readonly name: string,
    public readonly path: readonly string[] = [],
    /** Whether the value at a path under the variable is always a string (the contract says). */
    private readonly stringAt: (path: readonly string[]) => boolean = () => false,
  ) {
    super();
    if (!IDENTIFIER.test(name)) throw new Error(`invalid template variable name ${name}`);
  }
  public field<U extends GoValue = GoValue>(...path: string[]): Var<U> {
    return new Var<U>(this.name, [...this.path, ...path], this.stringAt);
  }
  public override alwaysString(): boolean {
    return this.stringAt(this.path);
  }
  public eval(scope: EvalScope): T {
    if (!scope.vars?.has(this.name)) throw new Error(`undefined variable: $${this.name}`);
    return walk(scope.vars.get(this.name) as GoValue, this.path, this.toGo()) as T;
  }
  public toGo(): string {
    return pathText(`$${this.name}`, this.path);
  }
}

export class Lit<T extends GoValue = GoValue> extends Expr<T> {
  public constructor(public readonly value: T) {
    super();
  }
  public override alwaysString(): boolean {
    return typeof this.value === 'string';
  }
  public eval(): T {
    return this.value;
  }
  public toGo(): string {
    return literalGo(this.value);
  }
}

function literalGo(value: GoValue): string {
  if (value === null) return 'nil';
  if (typeof value === 'string') return goString(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`only safe integer literals are supported, got ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) return `(list${value.map((v) => ` ${literalGo(v)}`).join('')})`;
  const entries = Object.entries(value).map(([k, v]) => ` ${goString(k)} ${literalGo(v)}`);
  return `(dict${entries.join('')})`;
}

/** A Sprig/Go function call whose TypeScript reading is given by `impl`. */
/** When a call's value is always a string: always, never, or when some of its arguments are. */
type StringResult = boolean | ((args: readonly Expr[]) => boolean);

class Call<T extends GoValue> extends Expr<T> {
  public constructor(
    private readonly fn: string,
    private readonly args: readonly Expr[],
    private readonly impl: (scope: EvalScope, args: readonly Expr[]) => T,
    private readonly stringResult: StringResult = false,
  ) {
    super();
  }
  public override alwaysString(): boolean {
    return typeof this.stringResult === 'boolean' ? this.stringResult : this.stringResult(this.args);
  }
  public eval(scope: EvalScope): T {
    return this.impl(scope, this.args);
  }
  public toGo(bindings?: TemplateBindings): string {
    return `(${this.fn}${this.args.map((a) => ` ${a.toGo(bindings)}`).join('')})`;
  }
}

function comparable(value: GoValue, fn: string): GoValue {
  if (value !== null && typeof value === 'object') {
    throw new Error(`error calling ${fn}: non-comparable type ${goKind(value)}`);
  }
  return value;
}

// ---- Factories: the vocabulary the constructs use. -------------------------------------------

export const lit = <T extends GoValue>(value: T): Expr<T> => new Lit(value);

/** Sprig `default`: `value` unless it is empty (nil, false, 0, "", empty list or map). */
export const defaultTo = <T extends GoValue>(fallback: Expr<T>, value: Expr<T>): Expr<T> =>
  new Call<T>(
    'default',
    [fallback, value],
    (s, [f, v]) => {
      // Go evaluates every argument before the call (only `and` and `or` stop early), so a
      // fallback that fails makes `default` fail even when the value is set.
      const fallback = f.eval(s);
      const given = v.eval(s);
      return (isTruthy(given) ? given : fallback) as T;
    },
    ([f, v]) => f.alwaysString() && v.alwaysString(),
  );

export const eq = (a: Expr, b: Expr): Expr<boolean> =>
  new Call<boolean>('eq', [a, b], (s, [x, y]) => deepEqual(comparable(x.eval(s), 'eq'), comparable(y.eval(s), 'eq')));

export const ne = (a: Expr, b: Expr): Expr<boolean> =>
  new Call<boolean>('ne', [a, b], (s, [x, y]) => !deepEqual(comparable(x.eval(s), 'ne'), comparable(y.eval(s), 'ne')));

/** Go `and`: the first falsy argument, else the last (short-circuit, as Go 1.18+). */
export const and = (...args: Expr[]): Expr =>
  new Call('and', args, (s, xs) => {
    let last: GoValue = null;
    for (const x of xs) {
      last = x.eval(s);
      if (!isTruthy(last)) return last;
    }
    return last;
  });

/** Go `or`: the first truthy argument, else the last. */
export const or = (...args: Expr[]): Expr =>
  new Call('or', args, (s, xs) => {
    let last: GoValue = null;
    for (const x of xs) {
      last = x.eval(s);
      if (isTruthy(last)) return last;
    }
    return last;
  });

export const not = (x: Expr): Expr<boolean> => new Call<boolean>('not', [x], (s, [a]) => !isTruthy(a.eval(s)));

export const empty = (x: Expr): Expr<boolean> => new Call<boolean>('empty', [x], (s, [a]) => !isTruthy(a.eval(s)));

/** Sprig `ternary`: both branches are evaluated (as in Go), the condition picks one. */
export const ternary = <T extends GoValue>(whenTrue: Expr<T>, whenFalse: Expr<T>, cond: Expr): Expr<T> =>
  new Call<T>(
    'ternary',
    [whenTrue, whenFalse, cond],
    (s, [t, f, c]) => {
      const [tv, fv, cv] = [t.eval(s), f.eval(s), c.eval(s)];
      if (typeof cv !== 'boolean') throw new Error(`error calling ternary: condition is ${goKind(cv)}, not bool`);
      return (cv ? tv : fv) as T;
    },
    ([t, f]) => t.alwaysString() && f.alwaysString(),
  );

export function asString(value: GoValue, where: string): string {
  if (typeof value !== 'string') {
    throw new Error(`${where}: expected a string, got ${goKind(value)} ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * String concatenation of string operands, written as a person would: literal parts go into the
 * format (`printf "web.%s.svc" $.Release.Namespace`), every other part is a `%s`.
 */
class Concat extends Expr<string> {
  public constructor(private readonly parts: readonly Expr<string>[]) {
    super();
  }
  public override alwaysString(): boolean {
    return true;
  }
  public eval(scope: EvalScope): string {
    // Go's fmt prints a nil operand of `%s` as `%!s(<nil>)` rather than failing (a key left out
    // under --skip-schema-validation). Other non-strings are refused: the schema makes every
    // operand a string, and Go would print each kind in its own way.
    return this.parts
      .map((part) => {
        const value = part.eval(scope);
        return value === null ? '%!s(<nil>)' : asString(value, 'concat');
      })
      .join('');
  }
  public toGo(bindings?: TemplateBindings): string {
    const literal = (part: Expr<string>): string | undefined =>
      part instanceof Lit && typeof part.value === 'string' ? part.value : undefined;
    const format = this.parts.map((part) => literal(part)?.replaceAll('%', '%%') ?? '%s').join('');
    const operands = this.parts.filter((part) => literal(part) === undefined);
    if (operands.length === 0) return goString(this.parts.map(literal).join(''));
    return `(printf ${goString(format)}${operands.map((part) => ` ${part.toGo(bindings)}`).join('')})`;
  }
}

export const concat = (...parts: Expr<string>[]): Expr<string> => new Concat(parts);

/** Go `len`: items of a list or map, bytes of a string; nil is an error, as in Go. */
export const len = (list: Expr): Expr<number> =>
  new Call<number>('len', [list], (s, [l]) => {
    const value = l.eval(s);
    if (value === null) throw new Error('error calling len: len of nil pointer');
    if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
    if (Array.isArray(value)) return value.length;
    if (isMap(value)) return Object.keys(value).length;
    throw new Error(`error calling len: len of type ${goKind(value)}`);
  });

export const gt = (a: Expr<number>, b: Expr<number>): Expr<boolean> =>
  new Call<boolean>('gt', [a, b], (s, [x, y]) => {
    const [xv, yv] = [x.eval(s), y.eval(s)];
    if (typeof xv !== 'number' || typeof yv !== 'number') {
      throw new Error(`error calling gt: incompatible types for comparison (${goKind(xv)}, ${goKind(yv)})`);
    }
    return xv > yv;
  });

/** Sprig `has`: whether a list contains a value. */
export const has = (needle: Expr, list: Expr<GoValue[]>): Expr<boolean> =>
  new Call<boolean>('has', [needle, list], (s, [n, l]) => {
    const items = l.eval(s) ?? [];
    const wanted = n.eval(s);
    return (items as GoValue[]).some((item) => deepEqual(item, wanted));
  });

/** Sprig `omit`: a copy of a map without the given keys (nil is an error, as in Helm). */
export const omit = (map: Expr, ...keys: string[]): Expr =>
  new Call('omit', [map, ...keys.map((k) => lit(k))], (s, [m]) => {
    const value = m.eval(s);
    if (value === null) throw new Error('wrong type for value; expected map[string]interface {}; got interface {}');
    if (!isMap(value)) throw new Error(`error calling omit: expected a map, got ${goKind(value)}`);
    return Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k)));
  });

/** Sprig `pick`: the entries of a map at the given keys, those it has (a nil map is an error). */
export const pick = (map: Expr, ...keys: string[]): Expr<{ [key: string]: GoValue }> =>
  new Call<{ [key: string]: GoValue }>('pick', [map, ...keys.map((k) => lit(k))], (s, [m]) => {
    const value = m.eval(s);
    if (value === null) throw new Error('wrong type for value; expected map[string]interface {}; got interface {}');
    if (!isMap(value)) throw new Error(`error calling pick: expected a map, got ${goKind(value)}`);
    return Object.fromEntries(Object.entries(value).filter(([k]) => keys.includes(k)));
  });

/** Sprig `sub`: `a - b` of integers. */
export const sub = (a: Expr<number>, b: Expr<number>): Expr<number> =>
  new Call<number>('sub', [a, b], (s, [x, y]) => {
    const [xv, yv] = [x.eval(s), y.eval(s)];
    if (typeof xv !== 'number' || typeof yv !== 'number') {
      throw new Error(`error calling sub: expected numbers, got ${goKind(xv)} and ${goKind(yv)}`);
    }
    return Math.trunc(xv) - Math.trunc(yv);
  });

/** Sprig's variadic integer arithmetic (`add`, `mul`, `max`): each argument as `int` reads it. */
const integerCall =
  (fn: 'add' | 'mul' | 'max', combine: (a: number, b: number) => number) =>
  (...values: Expr<number>[]): Expr<number> =>
    new Call<number>(fn, values, (s, args) => {
      const ints = args.map((a) => toInt(a).eval(s));
      return ints.slice(1).reduce(combine, ints[0] ?? 0);
    });
export const add = integerCall('add', (a, b) => a + b);
export const mul = integerCall('mul', (a, b) => a * b);
export const max = integerCall('max', (a, b) => Math.max(a, b));

/**
 * Sprig `int` (spf13/cast's `ToInt`): a number as an integer (Go templates compare only numbers of
 * one kind). It never fails: nil and anything it cannot convert are 0, false and true are 0 and 1,
 * and a string is read as a Go integer literal (`0x1f`, `0o17`, `1_000`; a `.000` tail is dropped).
 */
export const toInt = (value: Expr): Expr<number> =>
  new Call<number>('int', [value], (s, [v]) => {
    const given = v.eval(s);
    if (typeof given === 'number') return Math.trunc(given);
    if (typeof given === 'boolean') return given ? 1 : 0;
    if (typeof given === 'string') return goIntegerLiteral(given.replace(/\.0+$/, '')) ?? 0;
    return 0;
  });

const INT64_MAX = 2n ** 63n - 1n;

/** Go's `strconv.ParseInt(text, 0, 64)`; undefined where it fails. */
function goIntegerLiteral(text: string): number | undefined {
  const match = /^([+-]?)(?:0([xX])([0-9a-fA-F_]+)|0([bB])([01_]+)|0([oO]?)([0-7_]+)|([1-9][0-9_]*|0))$/.exec(text);
  // An underscore separates digits: never two in a row, never last.
  if (!match || /__|_$/.test(text)) return undefined;
  const [, sign, hex, hexDigits, binary, binaryDigits, , octalDigits, decimal] = match;
  const prefixed = hex
    ? `0x${hexDigits}`
    : binary
      ? `0b${binaryDigits}`
      : octalDigits !== undefined
        ? `0o${octalDigits}`
        : decimal;
  const magnitude = BigInt(prefixed.replaceAll('_', ''));
  if (magnitude > INT64_MAX + (sign === '-' ? 1n : 0n)) return undefined;
  return Number(sign === '-' ? -magnitude : magnitude);
}

/** Sprig `toString` of an integer (`int` first: Go would print a float64 1000000 as 1e+06). */
export const intString = (value: Expr): Expr<string> =>
  new Call<string>('toString', [toInt(value)], (s, [v]) => String(v.eval(s)), true);

/** Sprig `contains`: whether `text` contains `part`. */
export const contains = (part: string, text: Expr<string>): Expr<boolean> =>
  new Call<boolean>('contains', [lit(part), text], (s, [, t]) => asString(t.eval(s), 'contains').includes(part));

/** Sprig `lower`. */
export const lower = (text: Expr<string>): Expr<string> =>
  new Call<string>('lower', [text], (s, [t]) => asString(t.eval(s), 'lower').toLowerCase(), true);

/**
 * A map or list whose leaves may be expressions (`dict` and `list` in Go), for defaults that
 * depend on the release, such as an anti-affinity on the release's own label.
 */
export type Structure =
  Expr | null | boolean | number | string | readonly Structure[] | { readonly [key: string]: Structure };

/** Sprig `list` of the items' values. */
export const listOf = (...items: Structure[]): Expr<GoValue[]> =>
  new Call<GoValue[]>('list', items.map(struct), (s, xs) => xs.map((x) => x.eval(s)));

export function struct(value: Structure): Expr {
  if (value instanceof Expr) return value;
  if (Array.isArray(value)) return listOf(...(value as Structure[]));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as { [key: string]: Structure });
    const args = entries.flatMap(([k, v]) => [lit(k), struct(v)]);
    return new Call('dict', args, (s) => Object.fromEntries(entries.map(([k, v]) => [k, struct(v).eval(s)])));
  }
  return lit(value as null | boolean | number | string);
}

/** Sprig `concat` of lists (not strings: see `concat` for those). */
export const concatLists = (...lists: Expr[]): Expr<GoValue[]> =>
  new Call<GoValue[]>('concat', lists, (s, xs) =>
    xs.flatMap((x) => {
      const value = x.eval(s) ?? [];
      if (!Array.isArray(value)) throw new Error(`error calling concat: expected a list, got ${goKind(value)}`);
      return value;
    }),
  );

/** Sprig `join` of a list of strings. */
export const join = (separator: string, list: Expr<GoValue[]>): Expr<string> =>
  new Call<string>('join', [lit(separator), list], (s, [sep, l]) =>
    ((l.eval(s) ?? []) as GoValue[]).map((item) => asString(item, 'join')).join(sep.eval(s) as string),
  );

/** Sprig `hasKey`: whether a map has a key (a nil map is an error, as in Helm). */
export const hasKey = (map: Expr, key: string): Expr<boolean> =>
  new Call<boolean>('hasKey', [map, lit(key)], (s, [m]) => {
    const value = m.eval(s);
    if (!isMap(value)) throw new Error(`error calling hasKey: expected a map, got ${goKind(value)}`);
    return key in value;
  });

/** Sprig `get`: a map's value at a key, or "" when the key is missing. */
/**
 * Sprig `get`: the value at `key`, or "" when the map has none. Typed by the map's values when the
 * expression says what they are (env values are strings); any value otherwise.
 */
export function get<V extends GoValue>(map: Expr<{ [key: string]: V }>, key: string): Expr<V>;
export function get(map: Expr, key: string): Expr;
export function get(map: Expr, key: string): Expr {
  return getCall(map, key);
}
const getCall = <V extends GoValue = GoValue>(map: Expr, key: string): Expr<V> =>
  new Call<V>('get', [map, lit(key)], (s, [m]) => {
    const value = m.eval(s);
    if (!isMap(value)) throw new Error(`error calling get: expected a map, got ${goKind(value)}`);
    return (key in value ? value[key] : '') as V;
  });

/**
 * Sprig `regexReplaceAll`. Only patterns whose RE2 and JavaScript meanings agree may be used;
 * `$1` in the replacement is Go's group reference.
 */
export const regexReplaceAll = (pattern: string, input: Expr<string>, replacement: string): Expr<string> =>
  new Call<string>(
    'regexReplaceAll',
    [lit(pattern), input, lit(replacement)],
    (s, [, i]) => {
      const text = asString(i.eval(s), 'regexReplaceAll');
      return text.replace(new RegExp(pattern, 'g'), (...groups: string[]) =>
        replacement.replace(/\$\{?(\d+)\}?/g, (_, n: string) => groups[Number(n)] ?? ''),
      );
    },
    true,
  );

/**
 * Whether the cluster serves `versionOrKind` (`group/version` or `group/version/Kind`), as
 * `.Capabilities.APIVersions.Has` says: during `helm upgrade` what the API server lists, else
 * the versions Helm knows (`helm template`, or `--api-versions`).
 */
export const apiServed = (versionOrKind: string): Expr<boolean> => new ApiServed(versionOrKind);

class ApiServed extends Expr<boolean> {
  public constructor(private readonly versionOrKind: string) {
    super();
  }
  public eval(scope: EvalScope): boolean {
    return scope.apiServed?.(this.versionOrKind) ?? true;
  }
  public toGo(): string {
    return `($.Capabilities.APIVersions.Has ${goString(this.versionOrKind)})`;
  }
}
