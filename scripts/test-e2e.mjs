#!/usr/bin/env node
// `npm run test:e2e`: says what it needs when Go is missing, then runs the e2e suite (which builds
// the control plane on first use) with the same closing count line as `npm test`.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const go = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
if (go.error || go.status !== 0) {
  process.stderr.write(
    'npm run test:e2e needs Go (1.26 or newer, with access to the Go module proxy) on PATH: it builds\n' +
      'kube-apiserver, kube-controller-manager, kube-scheduler and etcd from test/control-plane.\n' +
      "Install Go (for example Debian's golang-go package, or a release from go.dev) and run it again.\n" +
      '`npm test` does not need Go.\n',
  );
  process.exit(1);
}
process.stderr.write(`test:e2e: using ${go.stdout.trim()}\n`);
const run = spawnSync(
  process.execPath,
  [join(root, 'scripts', 'test.mjs'), '--config', 'jest.e2e.config.js', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exit(run.status ?? 1);
