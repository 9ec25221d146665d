/** The observed tables in docs/high-availability.md, written between their markers. */
import { readFileSync, writeFileSync } from 'node:fs';

/** Replaces what stands from `start` to `end` (both markers included) in `file` with `text`. */
export function writeBetweenMarkers(file: string, start: string, end: string, text: string): void {
  const doc = readFileSync(file, 'utf8');
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file} has no markers ${start} … ${end}`);
  writeFileSync(file, doc.slice(0, from) + text + doc.slice(to + end.length));
}
