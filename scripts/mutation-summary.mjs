#!/usr/bin/env node
// Writes the mutation score per file and every surviving mutant from StrykerJS's JSON report
// (reports/mutation/mutation.json) into docs/testing.md, between the mutation markers.
// `npm run mutate` runs it after Stryker. Why a survivor survives is written in
// docs/mutation-survivors.md, one table row per `file:line` (or `file:first-last`), and shown
// beside it; a survivor in src/coder without an explanation makes this script exit 1 (kill it
// with a test, or explain it).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const report = JSON.parse(readFileSync(join(root, 'reports', 'mutation', 'mutation.json'), 'utf8'));
const docPath = join(root, 'docs', 'testing.md');
const START = '<!-- mutation:start -->';
const END = '<!-- mutation:end -->';

const survivorsDoc = join(root, 'docs', 'mutation-survivors.md');
/**
 * `src/coder/x.ts:12` -> why the mutants on that line survive, from docs/mutation-survivors.md,
 * where a row names one line (`x.ts:12`) or a range of them (`x.ts:11-67`, for a block such as a
 * template text that only Helm reads).
 */
const explanations = new Map();
for (const line of readFileSync(survivorsDoc, 'utf8').split('\n')) {
  const cells = /^\|\s*`([^`]+):(\d+)(?:-(\d+))?`\s*\|(.*)\|\s*$/.exec(line);
  if (!cells) continue;
  const [, file, first, last, why] = cells;
  for (let n = Number(first); n <= Number(last ?? first); n++) explanations.set(`${file}:${n}`, why.trim());
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const counted = (mutants) => {
  const detected = mutants.filter((m) => DETECTED.has(m.status)).length;
  const undetected = mutants.filter((m) => UNDETECTED.has(m.status)).length;
  const timedOut = mutants.filter((m) => m.status === 'Timeout').length;
  const invalid = mutants.filter((m) => ['CompileError', 'RuntimeError'].includes(m.status)).length;
  const score = detected + undetected === 0 ? 100 : (100 * detected) / (detected + undetected);
  return { detected, undetected, timedOut, invalid, score };
};

const files = Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b));
const all = counted(files.flatMap(([, f]) => f.mutants));
const rows = files.map(([name, f]) => {
  const c = counted(f.mutants);
  return `| \`${name}\` | ${c.score.toFixed(1)} % | ${c.detected} (${c.timedOut} by timeout) | ${c.undetected} | ${c.invalid} |`;
});

const unexplained = [];
const survivors = files.flatMap(([name, f]) => {
  const lines = f.source.split('\n');
  return f.mutants
    .filter((m) => UNDETECTED.has(m.status))
    .sort((a, b) => a.location.start.line - b.location.start.line)
    .map((m) => {
      const line = m.location.start.line;
      const code = lines[line - 1].trim().replace(/\|/g, '\\|').slice(0, 90);
      const replacement = String(m.replacement ?? '')
        .replace(/\s+/g, ' ')
        .replace(/\|/g, '\\|')
        .slice(0, 60);
      const why = explanations.get(`${name}:${line}`) ?? '';
      if (!why && name.startsWith('src/coder/')) unexplained.push(`${name}:${line}`);
      return `| \`${name}:${line}\` | ${m.status} | ${m.mutatorName} | \`${code}\` → \`${replacement}\` | ${why} |`;
    });
});

const section = [
  START,
  `Last run: ${new Date().toISOString().slice(0, 10)}, ${files.length} files. Score = detected / (detected + undetected);`,
  'mutants that do not compile (found by the TypeScript checker) are left out of it.',
  '',
  `**Overall: ${all.score.toFixed(1)} %** (${all.detected} detected, ${all.timedOut} of them by timeout; ${all.undetected} survived or not covered; ${all.invalid} invalid).`,
  '',
  '| file | score | detected | survived | invalid |',
  '|---|---|---|---|---|',
  ...rows,
  '',
  `### Surviving mutants (${survivors.length})`,
  '',
  'Why each survivor in src/coder survives, or the test that now kills it, is in',
  '[mutation-survivors.md](mutation-survivors.md).',
  '',
  '| where | status | mutator | code → mutant | why it survives |',
  '|---|---|---|---|---|',
  ...survivors,
  END,
].join('\n');

const doc = readFileSync(docPath, 'utf8');
const start = doc.indexOf(START);
const end = doc.indexOf(END);
if (start < 0 || end < start) throw new Error(`${docPath} has no ${START} … ${END} section`);
writeFileSync(docPath, doc.slice(0, start) + section + doc.slice(end + END.length));
process.stderr.write(
  `mutation summary: ${all.score.toFixed(1)} %, ${survivors.length} survivors, written to docs/testing.md\n`,
);
if (unexplained.length > 0) {
  process.stderr.write(
    `${unexplained.length} survivor(s) in src/coder have no explanation in docs/mutation-survivors.md ` +
      `(kill each with a test, or add a row for its file:line):\n  ${[...new Set(unexplained)].join('\n  ')}\n`,
  );
  process.exit(1);
}
