// The tests StrykerJS runs against each mutant of src/coder and src/values (`npm run mutate`):
// every suite that checks behaviour on the concrete render, with Helm left out
// (CODER_HA_WITHOUT_HELM=1). Helm renders the committed chart, which a mutant of src/ does not
// change, so Helm could only report disagreement, never behaviour (the values-file and --set
// suites still run Helm, as the reference for how Helm reads values). The suites are loaded by one
// file, test/mutation/all-suites.mutate.js, and a run ends at its first failure
// (test/mutation/bail-environment.js): see those files for why.
const { join } = require('node:path');
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  globalSetup: undefined,
  globalTeardown: undefined,
  testMatch: ['<rootDir>/test/mutation/all-suites.mutate.js'],
  // A path, not '<rootDir>/…': Stryker resolves the environment itself, without Jest's tokens.
  testEnvironment: join(__dirname, 'test', 'mutation', 'bail-environment.js'),
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }] },
};
