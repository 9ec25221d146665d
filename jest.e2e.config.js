/** @type {import('jest').Config} */
// The e2e suite (npm run test:e2e): each file starts its own control plane; two files run at
// once (the long observed suites wait mostly on timers). The binaries are built first, once.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.e2e.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 10 * 60 * 1000,
  globalSetup: '<rootDir>/test/e2e/global-setup.ts',
  testSequencer: '<rootDir>/test/e2e/sequencer.mjs',
  maxWorkers: 2,
};
