/** The scenario fixtures under test/fixtures/ (one values file per scenario a user wants). */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseValuesYaml } from '../../src/values/read-values';
import { ValueMap } from '../../src/render';

export const FIXTURES_DIR = join(__dirname, '..', 'fixtures');

export interface Fixture {
  readonly name: string;
  /** The values file on disk. */
  readonly path: string;
  readonly text: string;
  readonly values: ValueMap;
}

/** Values text read as Helm reads it (YAML 1.1 scalars). */
export function readValuesText(text: string, where: string): ValueMap {
  return parseValuesYaml(text, where);
}

export function loadFixtures(dir: string = FIXTURES_DIR): Fixture[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      return { name: basename(file, '.yaml'), path: join(dir, file), text, values: readValuesText(text, file) };
    });
}

export const NAMESPACES = ['default', 'coder'] as const;
