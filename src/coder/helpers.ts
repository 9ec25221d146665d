/**
 * The chart's named templates for expressions (`coder-ha.*` in `_helpers.tpl`): the expression
 * library's list helpers under the chart's prefix, and the helpers only this chart needs (the
 * Coder version of an image, the live Deployment's image, the literal values of coder.env).
 */
import { asString, bound, Expr, listBindingName, lit } from '../expr/expr';
import { GoValue, isMap } from '../expr/go-semantics';
import { HelperLibrary } from '../expr/helpers';

export const helpers = new HelperLibrary('coder-ha');

// The library's list functions under the chart's prefix, as the constructs call them.
export const namesOf = (list: Expr) => helpers.namesOf(list);
export const hasItemNamed = (list: Expr, name: string) => helpers.hasItemNamed(list, name);
export const duplicatesOf = (list: Expr<GoValue[]>) => helpers.duplicatesOf(list);
export const prefixEach = (list: Expr, prefix: string) => helpers.prefixEach(list, prefix);
export const omitEach = (list: Expr, key: string) => helpers.omitEach(list, key);
export const stringsAt = (list: Expr, key: string) => helpers.stringsAt(list, key);
export const missingFrom = (list: Expr<GoValue[]>, known: Expr<GoValue[]>) => helpers.missingFrom(list, known);
export const joinEach = (list: Expr, prefix: string, suffix: string, separator: string) =>
  helpers.joinEach(list, prefix, suffix, separator);

helpers.define('envValues', {
  comment: 'name -> value of each env item of `.` that has a literal value, as a JSON map.',
  body: [
    '{{- $values := dict -}}',
    '{{- range . -}}',
    '{{- if kindIs "string" .value -}}',
    '{{- $_ := set $values .name .value -}}',
    '{{- end -}}',
    '{{- end -}}',
    '{{- toJson $values -}}',
  ],
});

helpers.define('liveImage', {
  comment: 'The image of container .container in the live Deployment .name of .namespace; "" without one.',
  body: [
    '{{- $live := lookup "apps/v1" "Deployment" .namespace .name -}}',
    '{{- $image := "" -}}',
    '{{- range (dig "spec" "template" "spec" "containers" (list) $live) -}}',
    '{{- if eq .name $.container -}}',
    '{{- $image = .image -}}',
    '{{- end -}}',
    '{{- end -}}',
    '{{- $image -}}',
  ],
});

const IMAGE_VERSION = helpers.define('imageVersion', {
  comment:
    'The version the image reference `.` runs: its tag without a leading v (a digest after it ignored); without a tag its digest; else `.`.',
  body: [
    '{{- $reference := regexReplaceAll "@.*$" . "" -}}',
    '{{- if regexMatch ":[A-Za-z0-9_][A-Za-z0-9_.-]*$" $reference -}}',
    '{{- regexReplaceAll "^v([0-9])" (regexReplaceAll "^.*:" $reference "") "${1}" -}}',
    '{{- else -}}',
    '{{- regexReplaceAll "^[^@]*@" . "" -}}',
    '{{- end -}}',
  ],
});

helpers.define('imageVersionLabel', {
  comment:
    'The version the image reference `.` runs, as a label value (63 characters of [A-Za-z0-9_.-], alphanumeric at both ends).',
  body: [
    `{{- $version := regexReplaceAll "[^A-Za-z0-9_.-]" (include ${JSON.stringify(IMAGE_VERSION)} .) "-" -}}`,
    '{{- regexReplaceAll "^[^A-Za-z0-9]+|[^A-Za-z0-9]+$" (trunc 63 $version) "" -}}',
  ],
});

/** The string `value` of each item of an env list, by name (items with `valueFrom` are left out). */
export const envValues = (list: Expr): Expr<{ [name: string]: string }> => {
  const values = helpers.call('envValues', 'map', list, (items) => {
    if (items === null) return {};
    if (!Array.isArray(items)) throw new Error(`range can't iterate over ${JSON.stringify(items)}`);
    const out: { [name: string]: string } = {};
    for (const item of items) {
      if (isMap(item) && typeof item.value === 'string') out[asString(item.name, 'envValues')] = item.value;
    }
    return out;
  });
  const name = listBindingName(list, 'Values');
  return name ? bound(name, values) : values;
};

/**
 * The image of the container named `container` in the live Deployment `name` of `namespace`, or ""
 * when there is none: a first install, or a render without a cluster (Helm's `lookup` then finds
 * nothing).
 */
export const liveContainerImage = (namespace: Expr<string>, name: string, container: string): Expr<string> =>
  helpers.callWith('liveImage', 'text', { namespace, name: lit(name), container: lit(container) }, (args, scope) => {
    const live = scope.lookup?.('apps/v1', 'Deployment', asString(args.namespace, 'lookup'), name) ?? {};
    let containers: GoValue = live;
    for (const key of ['spec', 'template', 'spec', 'containers'])
      containers = isMap(containers) ? (containers[key] ?? null) : null;
    if (!Array.isArray(containers)) return '';
    let image = '';
    for (const item of containers) {
      if (isMap(item) && item.name === container && typeof item.image === 'string') image = item.image;
    }
    return image;
  });

/**
 * The version an image reference runs: its tag without a leading `v` before a digit (a digest
 * after the tag is ignored); the digest when there is no tag; else the reference itself. The last
 * `:` starts a tag only when no `/` follows it (`host:5000/coder` names a port, not a tag).
 */
export const imageVersion = (image: Expr<string>): Expr<string> =>
  helpers.call('imageVersion', 'text', image, (reference) => versionOf(asString(reference, IMAGE_VERSION)));

/** `version` as a Kubernetes label value: 63 characters at most, from `[A-Za-z0-9_.-]`, alphanumeric at both ends. */
export const imageVersionLabel = (image: Expr<string>): Expr<string> =>
  helpers.call('imageVersionLabel', 'text', image, (reference) =>
    versionOf(asString(reference, helpers.name('imageVersionLabel')))
      .replace(/[^A-Za-z0-9_.-]/g, '-')
      .slice(0, 63)
      .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, ''),
  );

function versionOf(reference: string): string {
  const withoutDigest = reference.replace(/@.*$/, '');
  if (/:[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(withoutDigest)) {
    return withoutDigest.replace(/^.*:/, '').replace(/^v([0-9])/, '$1');
  }
  return reference.replace(/^[^@]*@/, '');
}
