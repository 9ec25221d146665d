/** Runs a child process with text on stdin and collects its output, whatever order things happen in. */
import { spawn } from 'node:child_process';

export interface ProcessResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * A child may exit without reading all of stdin (Helm does when its flags are wrong, or when
 * it fails before it reads `-f -`). Writing to the closed pipe then raises EPIPE on stdin: that
 * is not a failure of the run, whose exit status and stderr say what happened, so it is ignored.
 * Any other stdin error is still reported.
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { readonly env?: NodeJS.ProcessEnv; readonly input?: string } = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let stdinError: NodeJS.ErrnoException | undefined;
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') stdinError = error;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (stdinError) {
        reject(stdinError);
        return;
      }
      resolve({
        status: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.end(options.input ?? '');
  });
}
