/** The coderd image reference, and the Coder version it runs, shared by the Deployment, the labels and the upgrade rollout. */
import { concat, defaultTo, Expr, lit, regexReplaceAll } from '../expr/expr';
import { helpers, imageVersionLabel } from './helpers';
import { chart, valueRef } from '../values/refs';

/** The tag as given, defaulting to `v<appVersion>` so that an install from git works as is. */
const imageTag = (): Expr<string> => defaultTo(concat(lit('v'), chart.appVersion), valueRef('coder.image.tag'));

/**
 * `repo:tag`, or `repo@sha256:…` when the tag value is a digest alone (`@sha256:…`): a colon
 * before the `@` would make a reference the kubelet refuses.
 */
const imageReference = (): Expr<string> =>
  concat(valueRef('coder.image.repo'), regexReplaceAll('^([^@])', imageTag(), ':${1}'));
export const coderImage = (): Expr<string> =>
  helpers.value('coderImage', 'string', 'The coderd image reference: repo:tag, or repo@digest.', imageReference());

/**
 * The Coder version the release runs, as a label value (`2.36.1`; `sha256-…` for an image given by
 * digest alone): what `app.kubernetes.io/version` says, and what the Service selects during a
 * version upgrade. A mirror (another registry, the same tag) or a digest pinned beside the tag is
 * the same version. Written where it is used (not bound at the file's top), so that a file reads the
 * image only where it renders the label.
 */
export const coderVersionLabel = (): Expr<string> => imageVersionLabel(imageReference());
