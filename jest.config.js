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
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
