/** `npm test`'s closing count: a suite that breaks outside its tests is never counted as passing. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/paths';
import { scratchDir } from './support/scratch';

const SUITES = {
  // A setup that throws: Jest fails both tests of the block.
  'setup-throws.test.js': `
    describe('block', () => {
      beforeAll(async () => { throw new Error('setup broke'); });
      test('one', () => {});
      test('two', () => {});
    });
    test('outside the block', () => {});`,
  // A setup whose child process raises an unhandled 'error' event: Jest marks the suite failed
  // yet lists both tests as passed.
  'setup-crashes.test.js': `
    const { spawn } = require('node:child_process');
    describe('block', () => {
      beforeAll(() => new Promise((done) => {
        const child = spawn(process.execPath, ['-e', 'process.exit(1)']);
        child.on('close', done);
        child.stdin.end('x'.repeat(8 << 20));
      }));
      test('one', () => {});
      test('two', () => {});
    });`,
  'healthy.test.js': `test('fine', () => {});`,
};

/**
 * `npm test`'s runner (scripts/test.mjs) on a directory of its own that holds `suites`, with that
 * directory as the temporary directory, so that nothing the inner run writes escapes it.
 */
function runTestsOn(suites: Record<string, string>, config: object = {}) {
  const dir = scratchDir('coder-ha-runner-');
  for (const [name, text] of Object.entries(suites)) writeFileSync(join(dir, name), text);
  return spawnSync(
    process.execPath,
    [join(PACKAGE_ROOT, 'scripts', 'test.mjs'), '--rootDir', dir, '--config', JSON.stringify(config), '--runInBand'],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, TMPDIR: dir } },
  );
}

test('a failing beforeAll or a crash during setup is reported as failed tests, and the run fails', () => {
  const run = runTestsOn(SUITES);
  const closing = run.stderr.trim().split('\n').pop();
  expect({ status: run.status, closing }).toEqual({ status: 1, closing: 'jest: 2 passed, 4 failed, 0 skipped' });
  expect(run.stderr).toContain('setup-crashes.test.js failed outside its tests');
});

test('a run whose suites leave files in the temporary directory fails, and names them', () => {
  const run = runTestsOn(
    {
      'leaves-a-file.test.js': `const { writeFileSync } = require('node:fs');
       const { join } = require('node:path');
       test('writes a scratch file and forgets it', () => writeFileSync(join(require('node:os').tmpdir(), 'forgotten.txt'), 'x'));`,
      'healthy.test.js': `test('fine', () => {});`,
    },
    {
      globalSetup: join(PACKAGE_ROOT, 'test', 'support', 'own-tmpdir.js'),
      globalTeardown: join(PACKAGE_ROOT, 'jest.global-teardown.js'),
    },
  );
  expect(run.status).toBe(1);
  expect(run.stderr).toContain('the suites left 1 entry in the temporary directory (forgotten.txt)');
});
