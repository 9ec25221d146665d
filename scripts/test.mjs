#!/usr/bin/env node
// `npm test`: runs Jest (passing any extra arguments through), then prints one closing line in
// the plain "N passed, N failed" form, so the last line of a CI log is the count. A suite that
// broke outside its tests (a failing beforeAll, a crash) counts each of its tests as failed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const scratch = mkdtempSync(join(tmpdir(), 'coder-ha-jest-'));
const resultsFile = join(scratch, 'results.json');
const jest = require.resolve('jest/bin/jest');
const run = spawnSync(process.execPath, [jest, '--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)], {
  stdio: ['inherit', 'ignore', 'inherit'],
  // The suites start about 1,500 short Helm processes; with Go's collector off each finishes on
  // about a quarter less CPU (at about 10 MB more memory), which on a 2-core machine is time.
  // Only Helm gets it (tools/helm/tools.ts): the e2e control plane's servers run for minutes.
  env: { ...process.env, CODER_HA_HELM_GOGC: process.env.CODER_HA_HELM_GOGC ?? 'off' },
});
let code = run.status ?? 1;
try {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  const { passed, failed, skipped, brokenSuites } = tally(results);
  for (const suite of brokenSuites)
    process.stderr.write(`jest: ${suite} failed outside its tests; its tests count as failed\n`);
  if (failed > 0) code = code || 1;
  process.stderr.write(`\njest: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
} catch {
  process.stderr.write('\njest: no results were written (see the output above)\n');
  code = code || 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(code);

/**
 * Counts per test, trusting no test of a suite that broke outside its tests: an error in a
 * `beforeAll`, an unhandled 'error' event or a crash while loading leaves the suite "failed" while
 * Jest still lists its tests as passed (or lists none), and those tests did not really run.
 */
function tally(results) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const brokenSuites = [];
  for (const suite of results.testResults) {
    const tests = suite.assertionResults;
    const brokeOutsideTests = suite.status === 'failed' && !tests.some((t) => t.status === 'failed');
    if (brokeOutsideTests) {
      brokenSuites.push(suite.name);
      failed += Math.max(1, tests.length);
      continue;
    }
    for (const t of tests) {
      if (t.status === 'passed') passed++;
      else if (t.status === 'failed') failed++;
      else skipped++;
    }
  }
  return { passed, failed, skipped, brokenSuites };
}
