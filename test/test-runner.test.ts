/** `npm test`'s closing count: a suite that breaks outside its tests is never counted as passing. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/paths';

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

test('a failing beforeAll or a crash during setup is reported as failed tests, and the run fails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coder-ha-runner-'));
  try {
    for (const [name, text] of Object.entries(SUITES)) writeFileSync(join(dir, name), text);
    const run = spawnSync(
      process.execPath,
      [join(PACKAGE_ROOT, 'scripts', 'test.mjs'), '--rootDir', dir, '--config', '{}', '--runInBand'],
      { cwd: dir, encoding: 'utf8', env: { ...process.env, TMPDIR: dir } },
    );
    const closing = run.stderr.trim().split('\n').pop();
    expect({ status: run.status, closing }).toEqual({ status: 1, closing: 'jest: 2 passed, 4 failed, 0 skipped' });
    expect(run.stderr).toContain('setup-crashes.test.js failed outside its tests');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a run whose suites leave files in the temporary directory fails, and names them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coder-ha-runner-'));
  try {
    writeFileSync(
      join(dir, 'leaves-a-file.test.js'),
      `const { writeFileSync } = require('node:fs');
       const { join } = require('node:path');
       test('writes a scratch file and forgets it', () => writeFileSync(join(require('node:os').tmpdir(), 'forgotten.txt'), 'x'));`,
    );
    writeFileSync(join(dir, 'healthy.test.js'), `test('fine', () => {});`);
    const config = {
      globalSetup: join(PACKAGE_ROOT, 'test', 'support', 'own-tmpdir.js'),
      globalTeardown: join(PACKAGE_ROOT, 'jest.global-teardown.js'),
    };
    const run = spawnSync(
      process.execPath,
      [join(PACKAGE_ROOT, 'scripts', 'test.mjs'), '--rootDir', dir, '--config', JSON.stringify(config), '--runInBand'],
      { cwd: dir, encoding: 'utf8', env: { ...process.env, TMPDIR: dir } },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('the suites left 1 entry in the temporary directory (forgotten.txt)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
