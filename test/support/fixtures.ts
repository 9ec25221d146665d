/** The scenario fixtures under test/fixtures/ (one values file per scenario a user wants). */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { load } from 'js-yaml';
import { isMap } from '../../src/expr/go-semantics';
import { ValueMap } from '../../src/render';

export const FIXTURES_DIR = join(__dirname, '..', 'fixtures');

export interface Fixture {
  readonly name: string;
  readonly text: string;
  readonly values: ValueMap;
}

export function readValuesText(text: string, where: string): ValueMap {
  const parsed = load(text);
  if (parsed === null || parsed === undefined) return {};
  if (!isMap(parsed)) throw new Error(`${where} is not a YAML map`);
  return parsed;
}

export function loadFixtures(dir: string = FIXTURES_DIR): Fixture[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      return { name: basename(file, '.yaml'), text, values: readValuesText(text, file) };
    });
}

export const NAMESPACES = ['default', 'coder'] as const;
