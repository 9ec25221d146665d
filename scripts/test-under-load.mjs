#!/usr/bin/env node
// `npm run test:under-load`: runs the whole `npm test` suite RUNS times in a row (default 20)
// beside BUSY processes that each keep one CPU core busy (default 2), and stops at the first
// failing run. A suite that passes here does not depend on timing: Helm processes that exit early,
// slow starts and timeouts all get their chance to show.
//   node scripts/test-under-load.mjs [--runs N] [--busy N] [-- extra jest arguments]
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function option(name, fallback) {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`${name} takes a whole number, got ${process.argv[at + 1]}\n`);
    process.exit(2);
  }
  return value;
}

const runs = option('--runs', 20);
const busy = option('--busy', 2);
const separator = process.argv.indexOf('--');
const jestArgs = separator < 0 ? [] : process.argv.slice(separator + 1);

// Busy loops in their own processes. The suite runs asynchronously, so that a signal reaches this
// script at once and the busy loops and the running suite end with it.
const burners = Array.from({ length: busy }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
let suite;
function stopAll() {
  for (const burner of burners) burner.kill('SIGKILL');
  // The suite runs in its own process group: Jest and the Helm processes under it end too.
  if (suite?.exitCode === null) {
    try {
      process.kill(-suite.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
process.on('exit', stopAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => process.exit(130));

/** One whole `npm test` run: its exit status and what it wrote to stderr (the closing line last). */
function runSuite() {
  return new Promise((resolve, reject) => {
    suite = spawn(process.execPath, [join(root, 'scripts', 'test.mjs'), ...jestArgs], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    const stderr = [];
    suite.stderr.on('data', (chunk) => stderr.push(chunk));
    suite.on('error', reject);
    suite.on('close', (status) => resolve({ status: status ?? 1, stderr: Buffer.concat(stderr).toString('utf8') }));
  });
}

let passed = 0;
for (let run = 1; run <= runs; run++) {
  const started = Date.now();
  const result = await runSuite();
  const closing = result.stderr.trim().split('\n').pop();
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  process.stderr.write(`run ${run}/${runs} (${seconds} s, ${busy} busy processes): ${closing}\n`);
  if (result.status !== 0) {
    process.stderr.write(result.stderr);
    process.stderr.write(`\ntest:under-load: run ${run} failed after ${passed} passing run(s)\n`);
    process.exit(1);
  }
  passed++;
}
process.stderr.write(
  `\ntest:under-load: ${passed} passed, 0 failed (whole-suite runs beside ${busy} busy processes)\n`,
);
process.exit(0);
