/** The library API of coder-ha-chart. */
export { CoderChart } from './library';
export type { CoderChartProps } from './library';
export type { Values, ValuePath } from './generated/values';
export { renderManifests, resolveValues, manifestsToYaml, scopeFor, checkGuards, checkValues } from './render';
export type { ValueMap, ReleaseOptions } from './render';
export { GuardError, NeedsHelmError } from './backends/concrete';
export type { Manifest } from './backends/concrete';
export { InvalidValuesError } from './values/validate';
export type { ValuesProblem } from './values/validate';
export { chartMeta } from './chart-meta';
