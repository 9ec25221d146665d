/** Runs the real Helm binaries; every test and script goes through here. */
import { spawnSync } from 'node:child_process';
import { runProcess } from './run-process';
import { helmBinary, helmEnv, HelmMajor } from './tools';

export interface HelmResult {
  readonly major: HelmMajor;
  readonly args: readonly string[];
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class HelmError extends Error {
  public constructor(public readonly result: HelmResult) {
    super(`helm ${result.major} ${result.args.join(' ')} exited ${result.status}:\n${result.stderr.trim()}`);
  }
}

export function helmSync(major: HelmMajor, args: readonly string[]): HelmResult {
  const run = spawnSync(helmBinary(major), args, { env: helmEnv(major), encoding: 'utf8', maxBuffer: 256 << 20 });
  if (run.error) throw run.error;
  return { major, args, status: run.status ?? 1, stdout: run.stdout, stderr: run.stderr };
}

/** Asynchronous form, so that test suites can run many Helm processes at once. */
export async function helm(major: HelmMajor, args: readonly string[], input?: string): Promise<HelmResult> {
  const run = await runProcess(helmBinary(major), args, { env: helmEnv(major), input });
  return { major, args, ...run };
}

export function ensureOk(result: HelmResult): HelmResult {
  if (result.status !== 0) throw new HelmError(result);
  return result;
}
