const { tmpdir } = require('node:os');
const { join } = require('node:path');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },
  // Helm runs as child processes; a slow machine must not turn that into flaky failures.
  testTimeout: 120000,
  // Most suites wait on Helm child processes: one worker per core minus one (Jest's default, one
  // on a 2-core machine) leaves the CPU idle half the time. Three keep two cores busy.
  maxWorkers: 3,
  globalSetup: '<rootDir>/jest.global-setup.js',
  globalTeardown: '<rootDir>/jest.global-teardown.js',
  // Jest's default cache directory, named here: the global setup moves TMPDIR to a directory of
  // the run's own (removed at the end), and a cache there would be lost after every run.
  cacheDirectory: join(tmpdir(), `jest_${process.getuid?.() ?? 0}`),
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
