/**
 * A conformance corpus: for every `X.values.yaml` in a folder, this chart's render (Helm 4) in
 * each namespace compared with `X.<namespace>.reference.yaml` there (the official chart's render
 * of the same values). A difference the differences doc lists is documented; any other is not.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { helmSync } from '../helm/helm';
import { CHART_DIR } from '../../src/paths';
import { documentedDifferences, isDocumented, isDocumentedRefusal } from './allowlist';
import { compareRenders, Difference } from './compare';

export const CORPUS_NAMESPACES = ['default', 'coder'] as const;

export interface ScenarioResult {
  readonly scenario: string;
  readonly namespace: string;
  /** `compared`: both rendered; `refused`: ours refused (documented or not); `unmatched`: no reference render. */
  readonly outcome: 'compared' | 'refused' | 'unmatched';
  readonly fieldsCompared: number;
  readonly documented: readonly Difference[];
  readonly undocumented: readonly Difference[];
  /** For a refusal: Helm's first lines, and whether the differences doc lists it. */
  readonly refusal?: { readonly text: string; readonly documented: boolean };
}

export const corpusScenarios = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.values.yaml'))
    .map((f) => f.slice(0, -'.values.yaml'.length))
    .sort();

export function checkScenario(dir: string, scenario: string, namespace: string): ScenarioResult {
  const documented = documentedDifferences();
  const referenceFile = join(dir, `${scenario}.${namespace}.reference.yaml`);
  const valuesFile = join(dir, `${scenario}.values.yaml`);
  const run = helmSync(4, ['template', 'release-name', CHART_DIR, '--namespace', namespace, '-f', valuesFile]);
  const base = { scenario, namespace, fieldsCompared: 0, documented: [], undocumented: [] };
  if (run.status !== 0) {
    const text = run.stderr.trim().split('\n').slice(0, 3).join(' ');
    // A refusal is expected where the reference refuses too (no render) or the doc lists it.
    const expected = !existsSync(referenceFile) || isDocumentedRefusal(run.stderr, documented);
    return { ...base, outcome: 'refused', refusal: { text, documented: expected } };
  }
  if (!existsSync(referenceFile)) return { ...base, outcome: 'unmatched' };
  const result = compareRenders(readFileSync(referenceFile, 'utf8'), run.stdout, namespace);
  return {
    ...base,
    outcome: 'compared',
    fieldsCompared: result.fieldsCompared,
    documented: result.differences.filter((d) => isDocumented(d, documented)),
    undocumented: result.differences.filter((d) => !isDocumented(d, documented)),
  };
}

/** Differences and refusals the differences doc does not list. */
export const undocumentedCount = (result: ScenarioResult): number =>
  result.undocumented.length + (result.refusal && !result.refusal.documented ? 1 : 0);
