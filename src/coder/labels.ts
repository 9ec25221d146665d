/** The labels every object carries, and the selector labels that tie pods to their owners. */
import { concat, defaultTo, lit, omit } from '../expr/expr';
import { SpreadNode, spreadKey } from '../tree/nodes';
import { TokenRegistry } from '../tree/tokens';
import { chart, release, valueRef } from '../values/refs';
import { CODER_NAME } from './names';

/**
 * DO NOT ADD, REMOVE OR RENAME SELECTOR LABELS. A Deployment's selector is immutable: any change
 * makes `helm upgrade` from an existing release (ours or the official chart's) fail.
 */
export function selectorLabels(tokens: TokenRegistry): Record<string, string> {
  return {
    'app.kubernetes.io/name': CODER_NAME,
    'app.kubernetes.io/instance': tokens.scalar(release.name),
  };
}

/** The official chart's standard labels (selector labels included). */
export function standardLabels(tokens: TokenRegistry): Record<string, string> {
  return {
    'helm.sh/chart': tokens.scalar(concat(chart.name, lit('-'), chart.version)),
    ...selectorLabels(tokens),
    'app.kubernetes.io/part-of': CODER_NAME,
    'app.kubernetes.io/version': tokens.scalar(chart.appVersion),
    'app.kubernetes.io/managed-by': tokens.scalar(release.service),
  };
}

/**
 * The standard labels plus the user's labels from `userLabelsPath`. The chart's own keys are
 * omitted from the user's map so that no label can be written twice.
 */
export function labelsWithUserLabels(tokens: TokenRegistry, userLabelsPath: string): Record<string, string> {
  const standard = standardLabels(tokens);
  return {
    ...standard,
    [spreadKey()]: tokens.node(
      new SpreadNode(omit(defaultTo(lit({}), valueRef(userLabelsPath)), ...Object.keys(standard))),
    ),
  };
}
