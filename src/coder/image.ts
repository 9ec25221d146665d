/** The coderd image reference, shared by the Deployment and the version-upgrade rollout. */
import { bound, concat, defaultTo, lit } from '../expr/expr';
import { chart, valueRef } from '../values/refs';

/** `repo:tag`, the tag defaulting to `v<appVersion>` so that an install from git works as is. */
export const coderImage = () =>
  bound(
    'coderImage',
    concat(
      valueRef('coder.image.repo'),
      lit(':'),
      defaultTo(concat(lit('v'), chart.appVersion), valueRef('coder.image.tag')),
    ),
  );
