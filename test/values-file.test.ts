/**
 * A values file reads the same in `coder-chart` as in Helm 3 and Helm 4: the same values when it is
 * well formed, and a refusal at the same line when it is not. Helm's reading is observed, not
 * restated: a one-template chart prints `.Values` as JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { helm } from '../tools/helm/helm';
import { HelmMajor } from '../tools/helm/tools';
import { parseValuesYaml, ValuesFileError } from '../src/values/read-values';
import { scratchDir } from './support/scratch';

const HELMS: readonly HelmMajor[] = [3, 4];
const scratch = scratchDir('coder-values-file-');
const echoChart = join(scratch, 'echo');
mkdirSync(join(echoChart, 'templates'), { recursive: true });
writeFileSync(join(echoChart, 'Chart.yaml'), 'apiVersion: v2\nname: echo\nversion: 0.1.0\n');
writeFileSync(join(echoChart, 'templates', 'values.txt'), '{{ toJson .Values }}\n');

let fileCount = 0;
function valuesFile(text: string): string {
  const file = join(scratch, `values-${(fileCount += 1)}.yaml`);
  writeFileSync(file, text);
  return file;
}

/** What Helm makes of the file: its values as JSON, or the line its error names (0: none). */
async function helmReads(major: HelmMajor, file: string): Promise<{ values: unknown } | { line: number }> {
  const run = await helm(major, ['template', 'echo', echoChart, '-f', file]);
  if (run.status === 0) return { values: JSON.parse(run.stdout.replace(/^---\n# Source: .*\n/, '')) as unknown };
  const line = /yaml: line (\d+):/.exec(run.stderr);
  expect(run.stderr).toMatch(/yaml: /);
  return { line: line ? Number(line[1]) : 0 };
}

function oursReads(file: string, text: string): { values: unknown } | { line: number } {
  try {
    return { values: parseValuesYaml(text, file) };
  } catch (err) {
    expect(err).toBeInstanceOf(ValuesFileError);
    const message = (err as Error).message;
    expect(message).toContain(file);
    const line = /yaml: line (\d+):/.exec(message);
    return { line: line ? Number(line[1]) : 0 };
  }
}

/** Well-formed files whose reading depends on YAML 1.1 and go-yaml's habits. */
const WELL_FORMED: Record<string, string> = {
  'YAML 1.1 scalars': 'a: yes\nb: off\nc: 0775\nd: 1_000\ne: 2001-12-14\nf: "on"\ng: ~\nh: 0x1F\n',
  'a repeated key: the last one wins':
    'coder:\n  image:\n    tag: a\n    tag: b\n  replicaCount: 1\n  replicaCount: 2\n',
  'explicit tags': 'a: !!str 1\nb: !!binary aGk=\nc: !!timestamp 2001-01-01\nd: !mine z\ne: !!float 1\n',
  'standard tags go-yaml converts':
    'a: !!float 1\nb: !!int "3"\nc: !!str yes\nd: !!int 0x1F\ne: !!float .5\nf: !!float 1_000.5\n',
  'keys that are not strings': '1: a\ntrue: b\nn: c\n',
  'anchors and aliases': 'base: &base {a: 1}\ncopy: *base\nmerged:\n  <<: *base\n  b: 2\n',
  'a leading document marker': '---\ncoder:\n  replicaCount: 1\n',
  'an empty file': '',
  'block scalars': 'a: |\n  one\n  two\nb: >-\n  folded\n  text\n',
};

/** Malformed files, one per kind of mistake go-yaml reports; each must be refused at Helm's line. */
const MALFORMED: Record<string, string> = {
  'an unclosed flow sequence at the end': 'coder:\n  image:\n    tag: [\n',
  'an unclosed flow sequence before a value': 'coder:\n  replicaCount: [3\n',
  'an unclosed flow map': 'coder:\n  a: {x: 1\nb: 2\n',
  'nested unclosed flows': 'coder:\n  a: [b: {c\n',
  'a flow sequence broken by a block entry': 'coder:\n  a: [1,\n  - 2]\n',
  'a key indented under a value': 'coder:\n  a: 1\n   b: 2\n',
  'a key indented further under a value': 'coder:\n  a: 1\n    b: 2\n',
  'two keys on one line': 'a: b: c\n',
  'a key under a top-level value': 'coder: 1\ncoder2: 2\n  x: 3\n',
  'an unclosed double quote': 'coder:\n  a: "unterminated\n',
  'an unclosed quote in a list': 'coder:\n  env:\n    - name: X\n      value: "y\n    - name: Z\n',
  'an unclosed single quote over blank lines': "coder:\n  a: 'x\n\n\nb: 1\n",
  'a tab as indentation': 'coder:\n\ta: 1\n',
  'a list item among keys': 'coder:\n  - a\n  b: 1\n',
  'a list after a map': 'key: value\n- item\n',
  'a key dedented by one': 'coder:\n  a: 1\n b: 2\n',
  'a key dedented out of a block scalar': 'x: |\n  ok\n bad: 1\n',
  'a reserved character': 'coder:\n  a: @bad\n',
  'a backquote': 'coder:\n  a: `bad\n',
  'an unknown escape': 'coder:\n  a: "\\q"\n',
  'two anchors': 'coder:\n  a: &x &y 1\n',
  'two tags': 'coder:\n  a: !x !y 1\n',
  'a stray closing bracket': 'coder:\n  a: 1\n  ]\n',
  'a key without a colon at the end': 'coder:\n  a: b\n  c\n',
  'a key without a colon after a list': 'coder:\n  a:\n  - 1\n  b\n',
  'list items at two indents': 'coder:\n  a:\n    - 1\n   - 2\n',
  'text after a quoted value': 'coder:\n  a: "x"y\n',
  'an alias before its anchor': 'coder:\n  a: *x\n  b: &x 1\n',
  'an alias without an anchor': 'coder:\n  a: *nope\n',
  'a value that does not fit its tag': 'a: &x 1\nb: !!int foo\n',
  'a float tag on text': 'a: !!float x\n',
  'a bool tag on a number': 'a: !!bool 1\n',
  'a null tag on text': 'a: !!null x\n',
  'an int tag on a fraction': 'a: !!int 1.5\n',
  'a list as a key': 'coder:\n  [a]: 1\n',
};

/** Ours and both Helms read `text` alike: the same values, or a refusal at the same line. */
async function expectReadAlike(text: string, outcome: 'values' | 'line'): Promise<void> {
  const file = valuesFile(text);
  const ours = oursReads(file, text);
  expect(ours).toHaveProperty(outcome);
  for (const major of HELMS)
    expect({ helm: major, ...ours }).toEqual({ helm: major, ...(await helmReads(major, file)) });
}

describe('a well-formed values file reads as Helm reads it', () => {
  test.each(Object.entries(WELL_FORMED))('%s', (_, text) => expectReadAlike(text, 'values'));
});

describe('a malformed values file is refused at the line Helm names', () => {
  test.each(Object.entries(MALFORMED))('%s', (_, text) => expectReadAlike(text, 'line'));
});

test('several YAML documents are refused: Helm 3 reads the first and Helm 4 the last', async () => {
  const text = 'coder:\n  replicaCount: 1\n---\ncoder:\n  replicaCount: 2\n';
  const file = valuesFile(text);
  expect(await helmReads(3, file)).toEqual({ values: { coder: { replicaCount: 1 } } });
  expect(await helmReads(4, file)).toEqual({ values: { coder: { replicaCount: 2 } } });
  expect(() => parseValuesYaml(text, file)).toThrow(/several YAML documents .* keep one/);
});
