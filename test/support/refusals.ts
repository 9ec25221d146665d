/**
 * How a refusal looks from each side. The concrete render refuses with a GuardError (a template
 * `fail`) or, for a guard the values schema states too, with an InvalidValuesError carrying the
 * same message; Helm refuses the latter as a schema error, before any template runs.
 */
import { GuardError } from '../../src/backends/concrete';
import { chartSchemaRules } from '../../src/coder/chart';
import { ReleaseOptions, renderManifests, ValueMap } from '../../src/render';
import { InvalidValuesError } from '../../src/values/validate';

/** What Helm 3 and 4 print when values fail the schema. */
export const SCHEMA_REFUSAL = "values don't meet the specifications of the schema";

export interface Refusal {
  readonly message: string;
  /** Refused by a rule of the values schema (Helm then prints a schema error, not the message). */
  readonly bySchema: boolean;
}

const ruleMessages = (): Set<string> => new Set(chartSchemaRules().map((rule) => rule.message));

/** The error as a refusal by the chart's rules, or undefined when it is something else. */
export function refusalOf(err: unknown): Refusal | undefined {
  if (err instanceof GuardError) return { message: err.message, bySchema: false };
  if (err instanceof InvalidValuesError && err.problems.every((p) => ruleMessages().has(p.message))) {
    return { message: err.message, bySchema: true };
  }
  return undefined;
}

/** The concrete render's refusal of these values, or undefined when it renders them. */
export function concreteRefusal(values: ValueMap, options: ReleaseOptions = {}): Refusal | undefined {
  try {
    renderManifests([values], options);
    return undefined;
  } catch (err) {
    const refusal = refusalOf(err);
    if (!refusal) throw err;
    return refusal;
  }
}

/** What Helm's stderr must contain for this refusal: the guard's words, or a schema error. */
export const helmSays = (refusal: Refusal, says: string = refusal.message): string =>
  refusal.bySchema ? SCHEMA_REFUSAL : says;
