/**
 * The bad-input catalogue: invalid values files under test/fixtures/invalid/ (each says where it
 * is refused in a `# rejected at: <path>` line) and `--set` forms. Every case must be refused by
 * ajv (or the chart's same cross-field rule), Helm 3 and Helm 4, naming that path. A case that a
 * cross-field rule refuses also says what its message must contain (`# says: <text>`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR } from './fixtures';

export interface InvalidCase {
  readonly name: string;
  readonly path: string;
  /**
   * For a refusal by one of the chart's cross-field rules (a guard), what its message must say
   * besides the path: the `# says: <text>` line, normally the advice on what to do instead.
   */
  readonly says?: string;
  readonly valuesTexts?: readonly string[];
  readonly setArgs?: readonly string[];
  readonly setStringArgs?: readonly string[];
}

export const INVALID_DIR = join(FIXTURES_DIR, 'invalid');
export const fileCases: InvalidCase[] = readdirSync(INVALID_DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((file) => {
    const text = readFileSync(join(INVALID_DIR, file), 'utf8');
    const path = /^# rejected at: (.+)$/m.exec(text)?.[1];
    if (!path) throw new Error(`${file} has no "# rejected at: <path>" line`);
    const says = /^# says: (.+)$/m.exec(text)?.[1];
    return { name: file, path, says, valuesTexts: [text] };
  });

export const setCases: InvalidCase[] = [
  { name: '--set-string replicaCount', path: 'coder.replicaCount', setStringArgs: ['coder.replicaCount=3'] },
  { name: '--set replicaCount=1.5', path: 'coder.replicaCount', setArgs: ['coder.replicaCount=1.5'] },
  { name: '--set replicaCount=-2', path: 'coder.replicaCount', setArgs: ['coder.replicaCount=-2'] },
  { name: '--set a typo', path: 'coder.replicaCont', setArgs: ['coder.replicaCont=2'] },
  { name: '--set an env item without name', path: 'coder.env[0].name', setArgs: ['coder.env[0].value=x'] },
  {
    name: '--set a node port out of range',
    path: 'coder.service.httpNodePort',
    setArgs: ['coder.service.httpNodePort=80'],
  },
  { name: '--set image=null', path: 'coder.image', setArgs: ['coder.image=null'] },
  { name: '--set pullPolicy lower case', path: 'coder.image.pullPolicy', setArgs: ['coder.image.pullPolicy=always'] },
];

export const invalidCases = [...fileCases, ...setCases];
