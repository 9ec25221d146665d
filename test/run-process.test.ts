/** The process runner under every Helm call: a child that exits early must not break the suite. */
import { runProcess } from '../tools/helm/run-process';
import { helm } from '../tools/helm/helm';

// Far more than a pipe buffer holds, so the write is still pending when the child exits.
const LARGE_INPUT = 'x'.repeat(8 << 20);

test('a child that exits before reading stdin gives its status, not an EPIPE error', async () => {
  const runs = await Promise.all(
    Array.from({ length: 10 }, () =>
      runProcess(process.execPath, ['-e', 'process.stderr.write("bye"); process.exit(3)'], { input: LARGE_INPUT }),
    ),
  );
  for (const run of runs) expect(run).toEqual({ status: 3, stdout: '', stderr: 'bye' });
});

test('a child that reads all of stdin gets it whole', async () => {
  const run = await runProcess(
    process.execPath,
    ['-e', 'let n = 0; process.stdin.on("data", (c) => (n += c.length)).on("end", () => console.log(n))'],
    { input: LARGE_INPUT },
  );
  expect(run).toEqual({ status: 0, stdout: `${LARGE_INPUT.length}\n`, stderr: '' });
});

test('Helm refusing its flags while given a large stdin reports the refusal', async () => {
  const run = await helm(3, ['template', '--no-such-flag'], LARGE_INPUT);
  expect(run.status).not.toBe(0);
  expect(run.stderr).toContain('no-such-flag');
});

test('a command that cannot start is an error', async () => {
  await expect(runProcess('/nonexistent/helm', [])).rejects.toThrow(/ENOENT/);
});
