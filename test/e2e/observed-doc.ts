/** The observed tables in docs/high-availability.md, written between their markers. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './paths';

const HA_DOC = join(PACKAGE_ROOT, 'docs', 'high-availability.md');

/** Replaces what stands from `start` to `end` (both markers included) in `file` with `text`. */
export function writeBetweenMarkers(file: string, start: string, end: string, text: string): void {
  const doc = readFileSync(file, 'utf8');
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file} has no markers ${start} … ${end}`);
  writeFileSync(file, doc.slice(0, from) + text + doc.slice(to + end.length));
}

/**
 * One observed table of docs/high-availability.md: its markers (the table's text begins with
 * `start` and ends with `end`), and `publish`, which prints the table and, with
 * CODER_HA_WRITE_OBSERVED=1, writes it between the markers (`command` is what reproduces it).
 */
export function observedTable(name: string, command: string) {
  const start = `<!-- ${name}:start (written by \`CODER_HA_WRITE_OBSERVED=1 ${command}\`; do not edit) -->`;
  const end = `<!-- ${name}:end -->`;
  const publish = (text: string): void => {
    if (process.env.CODER_HA_WRITE_OBSERVED === '1') writeBetweenMarkers(HA_DOC, start, end, text);
    process.stderr.write(`${text}\n`);
  };
  return { start, end, publish };
}
