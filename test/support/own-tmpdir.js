// Gives a Jest run a temporary directory of its own and checks, at the end, that the suites left
// nothing in it: a test removes what it makes (test/support/scratch.ts helps). Jest's workers start
// after the global setup and inherit TMPDIR, so Node's os.tmpdir() and every child process (Helm,
// git, gpg) write there.
const { mkdtempSync, readdirSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

function setup() {
  process.env.CODER_HA_RUN_TMPDIR = mkdtempSync(join(tmpdir(), 'coder-ha-run-'));
  process.env.TMPDIR = process.env.CODER_HA_RUN_TMPDIR;
}

function teardown() {
  const dir = process.env.CODER_HA_RUN_TMPDIR;
  if (!dir) return;
  const left = readdirSync(dir);
  rmSync(dir, { recursive: true, force: true });
  if (left.length > 0) {
    throw new Error(
      `the suites left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in the temporary directory ` +
        `(${left.slice(0, 10).join(', ')}): a test removes what it makes (test/support/scratch.ts)`,
    );
  }
}

module.exports = setup;
module.exports.teardown = teardown;
