// The test environment of mutation runs (jest.mutate.config.js): once a test or hook has failed,
// the tests and describe blocks after it are skipped. StrykerJS needs one failure to call a
// mutant detected, and its Jest runner cannot bail (Jest has no programmatic `bail`), so without
// this every mutant ran every test, about 18 s each. Stryker wraps this class with its own
// environment in the dry run; the dry run has no failure, so nothing is skipped there.
const { TestEnvironment } = require('jest-environment-node');

class BailAfterFirstFailureEnvironment extends TestEnvironment {
  failed = false;

  async handleTestEvent(event) {
    switch (event.name) {
      case 'test_fn_failure':
      case 'hook_failure':
        this.failed = true;
        break;
      // Skipping a describe block at its start skips its beforeAll hooks too.
      case 'run_describe_start':
        if (this.failed) event.describeBlock.mode = 'skip';
        break;
      case 'test_start':
        if (this.failed) event.test.mode = 'skip';
        break;
    }
  }
}

module.exports = BailAfterFirstFailureEnvironment;
