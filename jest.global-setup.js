// Compiles src/ into lib/ once before the suites, so that tests which run the `coder-chart`
// command as a user would (node lib/cli.js) always run the current code.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async () => {
  execFileSync(
    process.execPath,
    [join(__dirname, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: __dirname,
      stdio: 'inherit',
    },
  );
};
