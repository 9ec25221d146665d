/**
 * Drop-in: every official scenario in test/conformance/official renders here, in both namespaces,
 * as the official chart renders it, except for the differences docs/differences-from-official-chart.md
 * lists with their reasons (or is refused where the doc says why).
 */
import { join } from 'node:path';
import { formatDifference } from '../tools/conformance/compare';
import { checkScenario, CORPUS_NAMESPACES, corpusScenarios } from '../tools/conformance/corpus';
import { testWithHelm } from './support/render-both';

const CORPUS = join(__dirname, 'conformance', 'official');
const scenarios = corpusScenarios(CORPUS);

test('the corpus holds the official scenarios, the newest ones included', () => {
  expect(scenarios.length).toBeGreaterThanOrEqual(33);
  expect(scenarios).toEqual(
    expect.arrayContaining(['default_values', 'single_stack_ipv6', 'gomemlimit_override', 'listenerset_redirect']),
  );
});

describe.each(scenarios)('%s', (scenario) => {
  testWithHelm.each([...CORPUS_NAMESPACES])('namespace %s: only documented differences', (namespace) => {
    const result = checkScenario(CORPUS, scenario, namespace);
    expect({
      undocumented: result.undocumented.map(formatDifference),
      refusal: result.refusal && !result.refusal.documented ? result.refusal.text : undefined,
    }).toEqual({ undocumented: [], refusal: undefined });
    // A comparison that compared nothing would pass whatever we render.
    if (result.outcome === 'compared') expect(result.fieldsCompared).toBeGreaterThan(50);
  });
});
