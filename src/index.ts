/** The library API of coder-ha-chart. */
export { renderManifests, resolveValues, manifestsToYaml, scopeFor } from './render';
export type { ValueMap, ReleaseOptions } from './render';
export { GuardError } from './backends/concrete';
export type { Manifest } from './backends/concrete';
export { InvalidValuesError, checkValues } from './values/validate';
export type { ValuesProblem } from './values/validate';
export { chartMeta } from './chart-meta';
