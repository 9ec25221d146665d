/**
 * Scratch directories for a suite: made under the system's temporary directory and removed when
 * the suite ends, so that no run leaves files behind (jest.global-teardown.js fails a run that
 * does).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];
// Registered when a suite imports this module, at the suite's top level (Jest refuses a hook
// registered inside a test).
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A new empty directory named `<prefix>XXXXXX`, removed after the suite's last test. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
