/** The labels every object carries, and the selector labels that tie pods to their owners. */
import { concat, defaultTo, Expr, hasKey, lit, omit, or } from '../expr/expr';
import { Guard, SpreadNode, spreadKey } from '../tree/nodes';
import { TokenRegistry } from '../tree/tokens';
import { ValuePath } from '../generated/values';
import { chart, release, valueRef } from '../values/refs';
import { appName } from './conditions';
import { NOTHING, ruleGuard, valueAt } from './schema-rules';

/**
 * DO NOT ADD, REMOVE OR RENAME SELECTOR LABELS. A Deployment's selector is immutable: any change
 * makes `helm upgrade` from an existing release (ours or the official chart's) fail.
 */
export function selectorLabels(tokens: TokenRegistry): Record<string, string> {
  return {
    'app.kubernetes.io/name': tokens.scalar(appName()),
    'app.kubernetes.io/instance': tokens.scalar(release.name),
  };
}

/** The keys of the official chart's standard labels. */
export const STANDARD_LABEL_KEYS = [
  'helm.sh/chart',
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/part-of',
  'app.kubernetes.io/version',
  'app.kubernetes.io/managed-by',
] as const;

/** The standard labels that say which chart and release made an object, without the selector labels. */
function provenanceLabels(tokens: TokenRegistry) {
  return {
    'helm.sh/chart': tokens.scalar(concat(chart.name, lit('-'), chart.version)),
    'app.kubernetes.io/part-of': 'coder',
    'app.kubernetes.io/version': tokens.scalar(chart.appVersion),
    'app.kubernetes.io/managed-by': tokens.scalar(release.service),
  };
}

/** The official chart's standard labels (selector labels included). */
export function standardLabels(tokens: TokenRegistry): Record<string, string> {
  const { 'helm.sh/chart': chartLabel, ...provenance } = provenanceLabels(tokens);
  // The official chart's order: helm.sh/chart, the selector labels, then the rest.
  const labels: Record<(typeof STANDARD_LABEL_KEYS)[number], string> = {
    'helm.sh/chart': chartLabel,
    ...(selectorLabels(tokens) as Record<'app.kubernetes.io/name' | 'app.kubernetes.io/instance', string>),
    ...provenance,
  };
  return labels;
}

/**
 * Labels of a Pod the chart runs beside coderd (the `helm test` check): the standard labels
 * without `app.kubernetes.io/name`, which every selector of the chart requires, so that neither
 * the Services nor the PodDisruptionBudget select it, whatever nameOverride and the release name
 * are. Selected, a running check would receive users' traffic and, having no controller, would
 * stop the disruption budget from allowing any eviction while it exists.
 */
export function auxiliaryPodLabels(tokens: TokenRegistry, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/instance': tokens.scalar(release.name),
    'app.kubernetes.io/component': component,
    ...provenanceLabels(tokens),
  };
}

/** A user map from values, or an empty map when the user set it to null. */
export const userMap = (path: ValuePath): Expr => defaultTo(lit({}), valueRef(path));

/**
 * The standard labels plus the user's labels from `userLabelsPath`. A guard (below) refuses user
 * labels that would replace the chart's own, so the `omit` only keeps the template well-formed.
 */
export function labelsWithUserLabels(tokens: TokenRegistry, userLabelsPath: ValuePath): Record<string, string> {
  const standard = standardLabels(tokens);
  return {
    ...standard,
    [spreadKey()]: tokens.node(new SpreadNode(omit(userMap(userLabelsPath), ...Object.keys(standard)))),
  };
}

/** Every values key that adds labels beside the chart's standard ones. */
export const USER_LABEL_PATHS = [
  'coder.labels',
  'coder.podLabels',
  'coder.serviceAccount.labels',
  'coder.metrics.serviceMonitor.labels',
] as const;

export function labelGuards(): Guard[] {
  return USER_LABEL_PATHS.map((path) =>
    ruleGuard(
      path,
      `${path} must not set the chart's own labels (${STANDARD_LABEL_KEYS.join(', ')}): they select the pods and identify the release. Use another key.`,
      or(...STANDARD_LABEL_KEYS.map((key) => hasKey(userMap(path), key))),
      // Each standard key refused by name (`not: {}` matches nothing), so that schema errors name the label.
      valueAt(path, {
        type: 'object',
        properties: Object.fromEntries(STANDARD_LABEL_KEYS.map((key) => [key, NOTHING])),
      }),
    ),
  );
}
