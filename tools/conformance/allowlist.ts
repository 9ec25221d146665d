/** The documented differences (docs/differences-from-official-chart.md), as match rules. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/paths';
import { Difference } from './compare';

export interface DocumentedDifference {
  readonly kind: string;
  readonly path: string;
  readonly why: string;
}

export const DIFFERENCES_DOC = join(PACKAGE_ROOT, 'docs', 'differences-from-official-chart.md');

export function documentedDifferences(text: string = readFileSync(DIFFERENCES_DOC, 'utf8')): DocumentedDifference[] {
  return text
    .split('\n')
    .filter((line) => /^\|[^-]/.test(line) && !/^\|\s*kind\s*\|/.test(line))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    )
    .filter((cells) => cells.length === 3)
    .map(([kind, path, why]) => ({ kind, path, why }));
}

const glob = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );

export function isDocumented(difference: Difference, documented: readonly DocumentedDifference[]): boolean {
  const kind = difference.object.split('/')[0];
  return documented.some(
    (d) => d.kind !== '(refused)' && glob(d.kind).test(kind) && glob(d.path).test(difference.path),
  );
}

/** Whether a refusal (Helm's error text) names a values key documented as refused on purpose. */
export function isDocumentedRefusal(errorText: string, documented: readonly DocumentedDifference[]): boolean {
  return documented
    .filter((d) => d.kind === '(refused)')
    .some((d) => errorText.includes(d.path.split('.').pop() as string));
}
