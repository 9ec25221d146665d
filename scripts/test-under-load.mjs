#!/usr/bin/env node
// `npm run test:under-load`: runs the whole `npm test` suite RUNS times in a row (default 20)
// beside BUSY processes that each keep one CPU core busy (default 2), and stops at the first
// failing run. A suite that passes here does not depend on timing: Helm processes that exit early,
// slow starts and timeouts all get their chance to show.
//   node scripts/test-under-load.mjs [--runs N] [--busy N] [-- extra jest arguments]
import { spawn, spawnSync } from 'node:child_process';
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

// Busy loops in their own processes, ended however this script ends.
const burners = Array.from({ length: busy }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
const stopBurners = () => burners.forEach((b) => b.kill('SIGKILL'));
process.on('exit', stopBurners);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

let passed = 0;
for (let run = 1; run <= runs; run++) {
  const started = Date.now();
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'test.mjs'), ...jestArgs], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 256 << 20,
  });
  const closing = (result.stderr ?? '').trim().split('\n').pop();
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
