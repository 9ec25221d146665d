// Compiles src/ into lib/ once before the suites, so that tests which run the `coder-chart`
// command as a user would (node lib/cli.js) always run the current code; and gives the run a
// temporary directory of its own, which jest.global-teardown.js checks is left empty.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');
const ownTmpdir = require('./test/support/own-tmpdir');

module.exports = async () => {
  ownTmpdir();
  execFileSync(
    process.execPath,
    [join(__dirname, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: __dirname,
      stdio: 'inherit',
    },
  );
};
