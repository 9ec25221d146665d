// The tests StrykerJS runs against each mutant of src/coder and src/values (`npm run mutate`):
// every suite that checks behaviour on the concrete render, with Helm left out
// (CODER_HA_WITHOUT_HELM=1). Helm renders the committed chart, which a mutant of src/ does not
// change, so Helm could only report disagreement, never behaviour.
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  globalSetup: undefined,
  testMatch: [
    'behaviour',
    'bindings',
    'conformance',
    'examples',
    'features',
    'guards',
    'ha-report',
    'high-availability',
    'kubernetes-validity',
    'library',
    'operator-features',
    'randomized-parity',
    'schema-contract',
    'schema-rules',
    'upgrade-invariants',
    'values-contract',
    'version-upgrade',
  ].map((name) => `<rootDir>/test/${name}.test.ts`),
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }] },
};
