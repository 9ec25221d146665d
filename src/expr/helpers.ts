/**
 * Functions Go templates lack (map over a list, collect names, find repeats), written once as
 * named templates that expressions call through `include`, under the name prefix of the chart
 * that uses them (`<prefix>.names`). A library also defines a chart's own helpers: it knows
 * their Go source and how the concrete back-end computes the same value; the chart writes every
 * definition into `_helpers.tpl` (`definitions()`).
 */
import {
  asString,
  bound,
  EvalScope,
  Expr,
  goString,
  has,
  listBindingName,
  lit,
  pipelineOf,
  TemplateBindings,
} from './expr';
import { deepEqual, goKind, GoValue, isMap, isTruthy } from './go-semantics';

/** How Go reads what a helper writes: `include` returns text, which JSON carries back to a value. */
type Result = 'text' | 'map' | 'list';

/** One named template: its comment, and its body lines, which see their argument as `.`. */
export interface HelperSource {
  readonly comment: string;
  readonly body: readonly string[];
}

const reading = (result: Result, include: string): string =>
  result === 'map' ? `(fromJson ${include})` : result === 'list' ? `(fromJsonArray ${include})` : include;

/** `include` of a named template with one argument (`.` is the argument itself). */
class HelperCall<T extends GoValue> extends Expr<T> {
  public constructor(
    private readonly helper: string,
    private readonly result: Result,
    private readonly argument: Expr,
    private readonly compute: (value: GoValue, scope: EvalScope) => T,
  ) {
    super();
  }
  public eval(scope: EvalScope): T {
    return this.compute(this.argument.eval(scope), scope);
  }
  public toGo(bindings?: TemplateBindings): string {
    return reading(this.result, `(include ${goString(this.helper)} ${this.argument.toGo(bindings)})`);
  }
  public override alwaysString(): boolean {
    return this.result === 'text';
  }
}

/** `include` of a named template with named arguments (`.` is a dict of them). */
class DictHelperCall<T extends GoValue> extends Expr<T> {
  public constructor(
    private readonly helper: string,
    private readonly result: Result,
    private readonly args: Readonly<Record<string, Expr>>,
    private readonly compute: (args: Record<string, GoValue>, scope: EvalScope) => T,
  ) {
    super();
  }
  public eval(scope: EvalScope): T {
    const values = Object.fromEntries(Object.entries(this.args).map(([k, v]) => [k, v.eval(scope)]));
    return this.compute(values, scope);
  }
  public toGo(bindings?: TemplateBindings): string {
    const args = Object.entries(this.args).map(([k, v]) => ` ${goString(k)} ${v.toGo(bindings)}`);
    return reading(this.result, `(include ${goString(this.helper)} (dict${args.join('')}))`);
  }
  public override alwaysString(): boolean {
    return this.result === 'text';
  }
}

/** How a shared value comes back from `include`, which returns text: as itself, an int or a bool. */
export type SharedKind = 'string' | 'int' | 'bool';
type KindValue<K extends SharedKind> = K extends 'string' ? string : K extends 'int' ? number : boolean;

/**
 * A value of the chart's root context computed by a named template (`include NAME $`), so that
 * every file that needs it says how it is computed once, in `_helpers.tpl`.
 */
class SharedValue<K extends SharedKind> extends Expr<KindValue<K>> {
  public constructor(
    private readonly helper: string,
    private readonly kind: K,
    private readonly inner: Expr,
  ) {
    super();
  }
  public eval(scope: EvalScope): KindValue<K> {
    const value = this.inner.eval(scope);
    return (this.kind === 'bool' ? isTruthy(value) : value) as KindValue<K>;
  }
  public toGo(): string {
    const include = `(include ${goString(this.helper)} $)`;
    return this.kind === 'int' ? `(int ${include})` : this.kind === 'bool' ? `(eq ${include} "true")` : include;
  }
  public override alwaysString(): boolean {
    return this.kind === 'string';
  }
}

/** The items of a list for `range`: nil ranges over nothing; anything else but a list is an error. */
function itemsOf(value: GoValue): GoValue[] {
  if (value === null) return [];
  if (!Array.isArray(value)) throw new Error(`range can't iterate over ${JSON.stringify(value)}`);
  return value;
}

const lines = (comment: string, ...body: string[]): HelperSource => ({ comment, body });

export class HelperLibrary {
  private readonly sources = new Map<string, HelperSource>();

  /** `prefix` names the library's templates (`<prefix>.names`): a chart's own name, so that they cannot collide. */
  public constructor(public readonly prefix: string) {
    this.define(
      'names',
      lines(
        'The `name` of each item of the list given as `.`, as a JSON list.',
        '{{- $names := list -}}',
        '{{- range . -}}',
        '{{- $names = append $names .name -}}',
        '{{- end -}}',
        '{{- toJson $names -}}',
      ),
    );
    this.define(
      'joinEach',
      lines(
        'prefix + item + suffix for each string in .items, joined with .separator.',
        '{{- $parts := list -}}',
        '{{- range .items -}}',
        '{{- $parts = append $parts (printf "%s%s%s" $.prefix . $.suffix) -}}',
        '{{- end -}}',
        '{{- join $.separator $parts -}}',
      ),
    );
    this.define(
      'prefixEach',
      lines(
        '.prefix + item for each string in .items, as a JSON list.',
        '{{- $out := list -}}',
        '{{- range .items -}}',
        '{{- $out = append $out (printf "%s%s" $.prefix .) -}}',
        '{{- end -}}',
        '{{- toJson $out -}}',
      ),
    );
    this.define(
      'omitEach',
      lines(
        'Each map of .items without the key .key, as a JSON list.',
        '{{- $out := list -}}',
        '{{- range .items -}}',
        '{{- $out = append $out (omit . $.key) -}}',
        '{{- end -}}',
        '{{- toJson $out -}}',
      ),
    );
    this.define(
      'stringsAt',
      lines(
        'The string values of .key in the maps of .items, in order, as a JSON list.',
        '{{- $out := list -}}',
        '{{- range .items -}}',
        '{{- $value := index . $.key -}}',
        '{{- if kindIs "string" $value -}}',
        '{{- $out = append $out $value -}}',
        '{{- end -}}',
        '{{- end -}}',
        '{{- toJson $out -}}',
      ),
    );
    this.define(
      'missingFrom',
      lines(
        'The items of .items that are not in .known, each once, as a JSON list.',
        '{{- $out := list -}}',
        '{{- range .items -}}',
        '{{- if and (not (has . $.known)) (not (has . $out)) -}}',
        '{{- $out = append $out . -}}',
        '{{- end -}}',
        '{{- end -}}',
        '{{- toJson $out -}}',
      ),
    );
    this.define(
      'duplicates',
      lines(
        'The strings that occur more than once in the list given as `.`, as a JSON list.',
        '{{- $seen := dict -}}',
        '{{- $repeated := list -}}',
        '{{- range . -}}',
        '{{- if and (hasKey $seen .) (not (has . $repeated)) -}}',
        '{{- $repeated = append $repeated . -}}',
        '{{- end -}}',
        '{{- $_ := set $seen . true -}}',
        '{{- end -}}',
        '{{- toJson $repeated -}}',
      ),
    );
  }

  /** The full name of one of this library's templates. */
  public name(short: string): string {
    return `${this.prefix}.${short}`;
  }

  /** Adds a named template; its full name, for a body that includes it. */
  public define(short: string, source: HelperSource): string {
    const name = this.name(short);
    if (this.sources.has(name)) throw new Error(`the helper ${name} is defined twice`);
    this.sources.set(name, source);
    return name;
  }

  /**
   * A value that several template files use, computed from the root context (`$`) by a named
   * template written once; each file binds it at its top as `$short`. `string` values come back as
   * they are, `int` through `int`, `bool` as whether it is truthy. Asking again for the same value
   * returns it; the same name with another computation is an error.
   */
  public value<K extends SharedKind>(short: string, kind: K, comment: string, expr: Expr): Expr<KindValue<K>> {
    // Values it uses itself are bound at the top of its body: each is computed once per call.
    const { written: pipeline, lines } = TemplateBindings.collect((bindings) => pipelineOf(expr, bindings));
    const result = kind === 'bool' ? `{{- if ${pipeline} }}true{{ end -}}` : `{{- ${pipeline} -}}`;
    const body = [...lines, result];
    const name = this.name(short);
    const known = this.sources.get(name);
    if (!known) this.define(short, { comment, body });
    else if (known.body.join('\n') !== body.join('\n'))
      throw new Error(`the value ${name} is defined twice, differently`);
    return bound(short, new SharedValue(name, kind, expr));
  }

  /** Every named template of the library, name → body (its comment first), in definition order. */
  public definitions(): Readonly<Record<string, string>> {
    return Object.fromEntries(
      [...this.sources].map(([name, { comment, body }]) => [name, [`{{- /* ${comment} */ -}}`, ...body].join('\n')]),
    );
  }

  /** A helper of one argument: `include` in Go, `compute` in the concrete back-end. */
  public call<T extends GoValue>(
    short: string,
    result: Result,
    argument: Expr,
    compute: (value: GoValue, scope: EvalScope) => T,
  ): Expr<T> {
    return new HelperCall(this.known(short), result, argument, compute);
  }

  /** A helper of named arguments, given to it as a dict. */
  public callWith<T extends GoValue>(
    short: string,
    result: Result,
    args: Readonly<Record<string, Expr>>,
    compute: (args: Record<string, GoValue>, scope: EvalScope) => T,
  ): Expr<T> {
    return new DictHelperCall(this.known(short), result, args, compute);
  }

  /**
   * The `name` of every item of a list of maps (an env list), as a list of strings; computed
   * once per template file when the list is a values key.
   */
  public namesOf(list: Expr): Expr<GoValue[]> {
    const names = this.call('names', 'list', list, (value) =>
      itemsOf(value).map((item) => {
        if (item === null) throw new Error('nil pointer evaluating interface {}.name');
        if (!isMap(item)) throw new Error(`can't evaluate field name in type ${goKind(item)}`);
        return 'name' in item ? item.name : null;
      }),
    );
    const binding = listBindingName(list, 'Names');
    return binding ? bound(binding, names) : names;
  }

  /** Whether a list of maps has an item whose `name` is `name`. */
  public hasItemNamed(list: Expr, name: string): Expr<boolean> {
    return has(lit(name), this.namesOf(list));
  }

  /** The values that occur more than once in a list of strings, each once, in first-repeat order. */
  public duplicatesOf(list: Expr<GoValue[]>): Expr<GoValue[]> {
    return this.call('duplicates', 'list', list, (value) => {
      const seen = new Set<string>();
      const repeated: string[] = [];
      for (const item of (value ?? []) as GoValue[]) {
        const key = asString(item, 'duplicatesOf');
        if (seen.has(key) && !repeated.includes(key)) repeated.push(key);
        seen.add(key);
      }
      return repeated;
    });
  }

  /** `prefix + item` for each string of a list, as a list. */
  public prefixEach(list: Expr, prefix: string): Expr<GoValue[]> {
    return this.callWith('prefixEach', 'list', { items: list, prefix: lit(prefix) }, ({ items }) =>
      itemsOf(items ?? []).map((item) => `${prefix}${asString(item, 'prefixEach')}`),
    );
  }

  /** Each map of a list without `key`, as a list (Sprig `omit` on every item). */
  public omitEach(list: Expr, key: string): Expr<GoValue[]> {
    return this.callWith('omitEach', 'list', { items: list, key: lit(key) }, ({ items }) =>
      itemsOf(items ?? []).map((item) => {
        if (!isMap(item)) throw new Error(`error calling omit: expected a map, got ${goKind(item)}`);
        return Object.fromEntries(Object.entries(item).filter(([name]) => name !== key));
      }),
    );
  }

  /** The string values of `key` in the maps of a list, in order (items where it is not a string are skipped). */
  public stringsAt(list: Expr, key: string): Expr<GoValue[]> {
    return this.callWith('stringsAt', 'list', { items: list, key: lit(key) }, ({ items }) =>
      itemsOf(items ?? []).flatMap((item) => (isMap(item) && typeof item[key] === 'string' ? [item[key]] : [])),
    );
  }

  /** The strings of `list` that are not in `known`, each once. */
  public missingFrom(list: Expr<GoValue[]>, known: Expr<GoValue[]>): Expr<GoValue[]> {
    return this.callWith('missingFrom', 'list', { items: list, known }, (args) => {
      const knownItems = (args.known ?? []) as GoValue[];
      const missing: GoValue[] = [];
      for (const item of (args.items ?? []) as GoValue[]) {
        if (!knownItems.some((k) => deepEqual(k, item)) && !missing.some((m) => deepEqual(m, item))) missing.push(item);
      }
      return missing;
    });
  }

  /** `prefix + item + suffix` for each string of a list, joined with `separator`. */
  public joinEach(list: Expr, prefix: string, suffix: string, separator: string): Expr<string> {
    const args = { items: list, prefix: lit(prefix), suffix: lit(suffix), separator: lit(separator) };
    return this.callWith('joinEach', 'text', args, ({ items }) =>
      itemsOf(items ?? [])
        .map((item) => `${prefix}${asString(item, 'joinEach')}${suffix}`)
        .join(separator),
    );
  }

  private known(short: string): string {
    const name = this.name(short);
    if (!this.sources.has(name)) throw new Error(`no helper ${name} is defined`);
    return name;
  }
}
