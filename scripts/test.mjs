#!/usr/bin/env node
// `npm test`: runs Jest (passing any extra arguments through), then prints one closing line in
// the plain "N passed, N failed" form, so the last line of a CI log is the count.
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
});
let code = run.status ?? 1;
try {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  const skipped = results.numPendingTests + results.numTodoTests;
  const failed = results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0);
  process.stderr.write(`\njest: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`);
} catch {
  process.stderr.write('\njest: no results were written (see the output above)\n');
  code = code || 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(code);
