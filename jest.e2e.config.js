/** @type {import('jest').Config} */
// The e2e suite (npm run test:e2e): a real control plane, one suite at a time.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.e2e.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 10 * 60 * 1000,
  maxWorkers: 1,
};
