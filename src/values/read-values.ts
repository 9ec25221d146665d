/**
 * Reads a values file as Helm does: YAML 1.1 scalars (Helm parses values with go-yaml v2), so
 * `on`, `yes` and `y` are booleans, `0775` is octal, `1_000` is a thousand, while a date stays a
 * string (Helm converts values through JSON). Reading it as YAML 1.2 would make `coder-chart`
 * disagree with `helm template` on the same file.
 */
import { parse } from 'yaml';
import { GoValue, isMap } from '../expr/go-semantics';

type ValueMap = { [key: string]: GoValue };

export class ValuesFileError extends Error {}

export function parseValuesYaml(text: string, where: string): ValueMap {
  let parsed: unknown;
  try {
    parsed = parse(text, {
      version: '1.1',
      customTags: (tags) => tags.filter((tag) => typeof tag !== 'object' || tag.tag !== 'tag:yaml.org,2002:timestamp'),
    });
  } catch (err) {
    throw new ValuesFileError(`cannot read values file ${where}: ${(err as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isMap(parsed)) throw new ValuesFileError(`values file ${where} must hold a YAML map at the top`);
  return parsed;
}
