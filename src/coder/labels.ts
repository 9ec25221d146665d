/** The labels every object carries, and the selector labels that tie pods to their owners. */
import { concat, defaultTo, empty, Expr, lit, not, pick } from '../expr/expr';
import { Guard, IncludeNode, NamedTemplate, ScalarNode, SpreadNode, spreadKey } from '../tree/nodes';
import { Authored } from '../tree/kube-object';
import { ValuePath } from '../generated/values';
import { chart, release, valueRef } from '../values/refs';
import { appName } from './conditions';
import { coderVersionLabel } from './image';
import { NOTHING, ruleGuard, valueAt } from './schema-rules';

/**
 * DO NOT ADD, REMOVE OR RENAME SELECTOR LABELS. A Deployment's selector is immutable: any change
 * makes `helm upgrade` from an existing release (ours or the official chart's) fail.
 */
const SELECTOR_LABELS: NamedTemplate = {
  name: 'coder-ha.selectorLabels',
  comment: 'The labels that tie coderd pods to their Deployment, Services, PDB and NetworkPolicy; immutable.',
  body: {
    'app.kubernetes.io/name': new ScalarNode(appName()),
    'app.kubernetes.io/instance': new ScalarNode(release.name),
  },
};

/** The label that carries the Coder version a pod runs (the Service selects it during a version upgrade). */
export const VERSION_LABEL = 'app.kubernetes.io/version';

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
const chartLabel = () => new ScalarNode(concat(chart.name, lit('-'), chart.version));
const releaseLabels = () => ({
  'app.kubernetes.io/part-of': 'coder',
  // The Coder version the release runs (from the image), not the chart's appVersion: they differ
  // whenever coder.image.tag is set.
  [VERSION_LABEL]: new ScalarNode(coderVersionLabel()),
  'app.kubernetes.io/managed-by': new ScalarNode(release.service),
});

/** The official chart's standard labels, in its order: helm.sh/chart, the selector labels, the rest. */
const STANDARD_LABELS: NamedTemplate = {
  name: 'coder-ha.labels',
  comment: 'The standard labels of every object the chart makes (the selector labels among them).',
  body: { 'helm.sh/chart': chartLabel(), [spreadKey()]: new IncludeNode(SELECTOR_LABELS), ...releaseLabels() },
};

/** A labels, annotations or selector map, as authored: literal entries and nodes. */
export type LabelMap = Authored<{ [key: string]: string }>;

/** The selector labels, as entries of a labels or matchLabels map (in an object, or inside a node). */
export const selectorLabels = (): LabelMap => ({ [spreadKey()]: new IncludeNode(SELECTOR_LABELS) });

/** The official chart's standard labels (selector labels included), as entries of a labels map. */
export const standardLabels = (): LabelMap => ({ [spreadKey()]: new IncludeNode(STANDARD_LABELS) });

/**
 * Labels of a Pod the chart runs beside coderd (the `helm test` check): the standard labels
 * without `app.kubernetes.io/name`, which every selector of the chart requires, so that neither
 * the Services nor the PodDisruptionBudget select it, whatever nameOverride and the release name
 * are. Selected, a running check would receive users' traffic and, having no controller, would
 * stop the disruption budget from allowing any eviction while it exists.
 */
export function auxiliaryPodLabels(component: string): LabelMap {
  // In the standard labels' order, the component where the name would be.
  return {
    'helm.sh/chart': chartLabel(),
    'app.kubernetes.io/instance': new ScalarNode(release.name),
    'app.kubernetes.io/component': component,
    ...releaseLabels(),
  };
}

/** A user map from values, or an empty map when the user set it to null. */
export const userMap = (path: ValuePath): Expr => defaultTo(lit({}), valueRef(path));

/**
 * The standard labels plus the user's labels from `userLabelsPath`. A guard (below, and the same
 * rule in the schema) refuses user labels that would replace the chart's own before anything is
 * rendered, so the user's map is written as it is.
 */
export function labelsWithUserLabels(userLabelsPath: ValuePath): LabelMap {
  return { ...standardLabels(), [spreadKey()]: new SpreadNode(valueRef(userLabelsPath)) };
}

/**
 * An object's annotations from values (`coder.annotations` …), left out when empty. They are the
 * entries of the metadata's annotations map: cdk8s copies that map, so it cannot be a node itself.
 */
export const userAnnotations = (path: ValuePath): LabelMap => ({ [spreadKey()]: new SpreadNode(valueRef(path)) });

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
      not(empty(pick(userMap(path), ...STANDARD_LABEL_KEYS))),
      // Each standard key refused by name (`not: {}` matches nothing), so that schema errors name the label.
      valueAt(path, {
        type: 'object',
        properties: Object.fromEntries(STANDARD_LABEL_KEYS.map((key) => [key, NOTHING])),
      }),
    ),
  );
}
