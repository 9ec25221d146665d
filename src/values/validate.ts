/** Validation of (coalesced) values against the values contract with ajv. */
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { valuesSchema } from './schema';

export interface ValuesProblem {
  /** JSON path of the offending value, as `coder.image.tag` (`(root)` for the top). */
  readonly path: string;
  readonly message: string;
}

export class InvalidValuesError extends Error {
  public constructor(public readonly problems: readonly ValuesProblem[]) {
    super(['values do not match the chart schema:', ...problems.map((p) => `  ${p.path}: ${p.message}`)].join('\n'));
  }
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: true, coerceTypes: false, useDefaults: false });
    compiled = ajv.compile(valuesSchema());
  }
  return compiled;
}

function pathOf(error: ErrorObject): string {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'additionalProperties') segments.push(String(error.params.additionalProperty));
  if (error.keyword === 'required') segments.push(String(error.params.missingProperty));
  return segments.length
    ? segments.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : (i ? '.' : '') + s)).join('')
    : '(root)';
}

function messageOf(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') return 'is not a known key';
  if (error.keyword === 'enum')
    return `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  return error.message ?? error.keyword;
}

export function checkValues(values: unknown): ValuesProblem[] {
  const validate = validator();
  if (validate(values)) return [];
  return (validate.errors ?? []).map((error) => ({ path: pathOf(error), message: messageOf(error) }));
}

export function assertValidValues(values: unknown): void {
  const problems = checkValues(values);
  if (problems.length) throw new InvalidValuesError(problems);
}
