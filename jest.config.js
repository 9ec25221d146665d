/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // Helm runs as child processes; a slow machine must not turn that into flaky failures.
  testTimeout: 120000,
  globalSetup: '<rootDir>/jest.global-setup.js',
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
