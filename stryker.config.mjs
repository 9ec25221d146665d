// Mutation testing (`npm run mutate`): how much of src/coder and src/values the Helm-free tests
// (jest.mutate.config.js) catch. Results: reports/mutation/ and docs/testing.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  jest: { configFile: 'jest.mutate.config.js', enableFindRelatedTests: false },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: ['src/coder/**/*.ts', 'src/values/**/*.ts'],
  // Not 'perTest': the chart model is built once per test file (src/coder/chart.ts caches it), so
  // per-test coverage credits construction code to the first test of each file only, and mutants
  // there "survive" tests that would kill them. Every mutant runs the tests up to the first
  // failure (test/mutation/bail-environment.js skips the rest).
  coverageAnalysis: 'all',
  // One TypeScript checker and one Jest runner on a 2-core machine. More starve the runner of CPU,
  // and its runs then outlast the timeout measured in the dry run: false "timed out" detections.
  concurrency: 2,
  timeoutFactor: 2.5,
  timeoutMS: 10000,
  // Reuse earlier results for unchanged code and tests (reports/ is not committed).
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  tempDirName: '.stryker-tmp',
  // .tools stays in the sandbox: the values-file and --set suites run Helm as their reference.
  ignorePatterns: ['.cache', 'reports', 'test/control-plane', 'dist'],
};
