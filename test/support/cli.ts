/** Runs the `coder-chart` command as a user would: a separate process, stdout, stderr, exit code. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/paths';

export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function coderChart(args: readonly string[], cwd = PACKAGE_ROOT): CliRun {
  const run = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'lib', 'cli.js'), ...args], { cwd, encoding: 'utf8' });
  return { status: run.status ?? 1, stdout: run.stdout, stderr: run.stderr };
}
