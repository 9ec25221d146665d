/**
 * Validation of (coalesced) values against the values contract with ajv, reported one line per
 * problem: the path, what was expected, what was given, and for an unknown key the nearest
 * known key.
 */
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { isMap } from '../expr/go-semantics';
import { SchemaNode, valuesSchema } from './schema';

export interface ValuesProblem {
  /** Path of the offending value, as `coder.image.tag` or `coder.env[2].name` (`(root)` for the top). */
  readonly path: string;
  readonly message: string;
}

export class InvalidValuesError extends Error {
  public constructor(public readonly problems: readonly ValuesProblem[]) {
    super(['values do not match the chart schema:', ...problems.map(formatProblem)].join('\n'));
  }
}

/** One line per problem: the path, then the message (a rule's message, which starts with it, alone). */
export const formatProblem = (p: ValuesProblem): string =>
  p.message.startsWith(`${p.path} `) ? `  ${p.message}` : `  ${p.path}: ${p.message}`;

/**
 * A cross-field rule of the chart stated in JSON Schema draft-07, so that the values schema itself
 * refuses what the chart's template `fail` refuses: `helm lint`, `helm install`, editors with a
 * YAML language server and ajv then all refuse it. The schema is anchored at the values root and
 * holds for acceptable values; when it does not, the problem is reported at `path` with `message`.
 */
export interface SchemaRule {
  readonly path: string;
  readonly message: string;
  readonly schema: SchemaNode;
}

/**
 * The values contract with the rules added: each rule one `allOf` entry, carrying its message as
 * `$comment` for whoever reads the schema (validators ignore it).
 */
export function schemaWithRules(rules: readonly SchemaRule[], schema: SchemaNode = valuesSchema()): SchemaNode {
  if (rules.length === 0) return schema;
  return { ...schema, allOf: rules.map((rule) => ({ $comment: rule.message, ...rule.schema })) };
}

/** What Helm prints for a broken rule: its message, led by the key it names. */
export const ruleAdvice = (rule: SchemaRule): string =>
  rule.message.startsWith(rule.path) ? rule.message : `${rule.path}: ${rule.message}`;

/**
 * The values contract as Helm gets it: each rule stated so that it fails exactly when the rule
 * does, by requiring a property named after the rule's advice (`coder.replicaCount is above 1,
 * but no external Postgres is configured: … Set CODER_PG_CONNECTION_URL …`). Stated plainly, a
 * rule fails with the schema's own words ("Must be less than or equal to 1"), which never say
 * what to do; a missing property's name Helm 3 and Helm 4 both print whole. (The root refuses
 * unknown keys, so no values can hold such a property.) ajv, for the CLI and the library, gets
 * the rules plainly (`schemaWithRules`) and reports each rule's message at its path.
 */
export function schemaWithAdvice(rules: readonly SchemaRule[], schema: SchemaNode = valuesSchema()): SchemaNode {
  if (rules.length === 0) return schema;
  // No `$comment` beside it: the required property says the message already, and Helm compiles
  // every byte of the schema on each run.
  const advised = (rule: SchemaRule): SchemaNode => ({
    if: { not: rule.schema },
    then: { required: [ruleAdvice(rule)] },
  });
  return { ...schema, allOf: rules.map(advised) };
}

const compiled = new Map<readonly SchemaRule[], ValidateFunction>();

function validator(rules: readonly SchemaRule[]): ValidateFunction {
  let validate = compiled.get(rules);
  if (!validate) {
    const ajv = new Ajv({
      allErrors: true,
      strict: true,
      // Kubernetes types use `["integer", "string"]` (int-or-string) and nullable scalars.
      allowUnionTypes: true,
      coerceTypes: false,
      useDefaults: false,
      verbose: true,
    });
    validate = ajv.compile(schemaWithRules(rules));
    compiled.set(rules, validate);
  }
  return validate;
}

function segmentsOf(error: ErrorObject): string[] {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'additionalProperties') segments.push(String(error.params.additionalProperty));
  if (error.keyword === 'required') segments.push(String(error.params.missingProperty));
  return segments;
}

export function formatPath(segments: readonly string[]): string {
  if (segments.length === 0) return '(root)';
  return segments
    .map((s, i) => {
      if (/^\d+$/.test(s)) return `[${s}]`;
      const plain = /^[A-Za-z_][\w-]*$/.test(s);
      return plain ? (i ? `.${s}` : s) : `[${JSON.stringify(s)}]`;
    })
    .join('');
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `a list (${JSON.stringify(value).slice(0, 60)})`;
  if (isMap(value)) return `a map (${JSON.stringify(value).slice(0, 60)})`;
  return `${typeof value === 'number' && !Number.isInteger(value) ? 'number' : typeof value} ${JSON.stringify(value)}`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The known key closest to `unknown`, when it is close enough to be a likely typo. */
export function nearestKey(unknown: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = key.toLowerCase() === unknown.toLowerCase() ? 0 : editDistance(unknown, key);
    if (!best || distance < best.distance) best = { key, distance };
  }
  if (!best) return undefined;
  return best.distance <= Math.max(2, Math.floor(unknown.length / 3)) ? best.key : undefined;
}

function messageOf(error: ErrorObject): string {
  const given = describeValue(error.data);
  switch (error.keyword) {
    case 'additionalProperties': {
      const patterns = Object.keys(((error.parentSchema as SchemaNode | undefined)?.patternProperties ?? {}) as object);
      if (patterns.length) return `is not a valid key here (expected a match for ${patterns.join(' or ')})`;
      const known = Object.keys(((error.parentSchema as SchemaNode | undefined)?.properties ?? {}) as object);
      const suggestion = nearestKey(String(error.params.additionalProperty), known);
      const hint = suggestion
        ? `; did you mean "${suggestion}"?`
        : known.length
          ? `; known keys: ${known.join(', ')}`
          : '';
      return `unknown key${hint}`;
    }
    case 'required': {
      const property = (error.parentSchema as SchemaNode | undefined)?.properties?.[
        String(error.params.missingProperty)
      ];
      return property?.default !== undefined
        ? `must not be null: leave it out to keep the default ${JSON.stringify(property.default)}`
        : 'is required';
    }
    case 'type':
      return `expected ${String(error.params.type).replace(/,/g, ' or ')}, got ${given}`;
    case 'enum':
      return `expected one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${given}`;
    case 'const':
      return `expected ${JSON.stringify(error.params.allowedValue)}, got ${given}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `expected ${String(error.params.comparison)} ${String(error.params.limit)}, got ${given}`;
    case 'pattern':
      return `expected a string matching ${String(error.params.pattern)}, got ${given}`;
    case 'minLength':
      return `expected at least ${String(error.params.limit)} character(s), got ${given}`;
    case 'maxLength':
      return `expected at most ${String(error.params.limit)} characters, got ${given}`;
    case 'minItems':
      return `expected at least ${String(error.params.limit)} item(s), got ${given}`;
    case 'uniqueItems':
      return `expected unique items, got a repeat (items ${String(error.params.j)} and ${String(error.params.i)})`;
    case 'oneOf':
      return `expected ${oneOfSummary(error.parentSchema as SchemaNode)}, got ${given}`;
    default:
      return `${error.message ?? error.keyword}, got ${given}`;
  }
}

function oneOfSummary(schema: SchemaNode | undefined): string {
  const branches = (schema?.oneOf ?? []) as SchemaNode[];
  const parts = branches.map((branch) => {
    if ('const' in branch) return JSON.stringify(branch.const);
    const range =
      branch.minimum !== undefined && branch.maximum !== undefined
        ? ` ${String(branch.minimum)}–${String(branch.maximum)}`
        : '';
    return `${String(branch.type)}${range}`;
  });
  return parts.length ? parts.join(' or ') : 'one of the allowed forms';
}

/** The rule an error comes from (by its `allOf` entry at the root), if any. */
function ruleOf(error: ErrorObject, rules: readonly SchemaRule[]): SchemaRule | undefined {
  const index = /^#\/allOf\/(\d+)(\/|$)/.exec(error.schemaPath)?.[1];
  return index === undefined ? undefined : rules[Number(index)];
}

/** ajv's errors as problems, without the noise of combinators; a rule's errors as its message. */
function problemsOf(errors: readonly ErrorObject[], rules: readonly SchemaRule[]): ValuesProblem[] {
  // A oneOf failure is reported once, by the oneOf itself, not by each branch.
  const oneOfPaths = errors
    .filter((e) => e.keyword === 'oneOf')
    .map((e) => e.schemaPath.replace(/\/oneOf$/, '/oneOf/'));
  const kept = errors.filter((e) => !oneOfPaths.some((prefix) => e.schemaPath.startsWith(prefix)));
  const seen = new Set<string>();
  const problems: ValuesProblem[] = [];
  for (const error of kept) {
    const rule = ruleOf(error, rules);
    if (!rule && (error.keyword === 'allOf' || error.keyword === 'anyOf' || error.keyword === 'if')) continue;
    const problem = rule
      ? { path: rule.path, message: rule.message }
      : { path: formatPath(segmentsOf(error)), message: messageOf(error) };
    const key = `${problem.path}\u0000${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  }
  return problems;
}

/** Problems with values against the values contract and the given rules; none when valid. */
export function checkValuesWith(values: unknown, rules: readonly SchemaRule[]): ValuesProblem[] {
  const validate = validator(rules);
  if (validate(values)) return [];
  return problemsOf(validate.errors ?? [], rules);
}
