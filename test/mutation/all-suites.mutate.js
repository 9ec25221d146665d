// The one Jest file of mutation runs (jest.mutate.config.js): it loads the Helm-free suites in
// turn, each inside a describe block named after it. Jest gives every test file its own module
// registry, so as 17 files each mutant loaded cdk8s, cdk8s-plus-28 and the chart model 17 times
// (about 7 s of its 18); as one file it loads them once. With bail-environment.js the suites that
// detect the most mutants the soonest come first: the first failure ends the run.
const SUITES = [
  'values-checker',
  'values-reading',
  'features',
  'values-contract',
  'kubernetes-validity',
  'high-availability',
  'behaviour',
  'guards',
  'upgrade-invariants',
  'version-upgrade',
  'operator-features',
  'randomized-parity',
  'examples',
  'library',
  'bindings',
  'schema-rules',
  'schema-contract',
  'conformance',
  'ha-report',
  // These two run Helm, as the reference for how Helm itself reads values files and --set
  // (src/values/read-values.ts, set-values.ts): a mutant changes our reader, never Helm's.
  'set-values',
  'values-file',
];

// Loaded here first, at the root, so that its scratch folder's afterAll runs after every suite
// rather than at the end of the first suite that loads it.
require('../support/helm-chart');

for (const suite of SUITES) {
  describe(suite, () => {
    require(`../${suite}.test`);
  });
}
