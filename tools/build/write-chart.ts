/** Writes the built chart to disk, and compares it with what is there (the drift check). */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { chartFiles } from './chart-files';

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walkDir = (current: string): void => {
    for (const name of readdirSync(current)) {
      const full = join(current, name);
      if (statSync(full).isDirectory()) walkDir(full);
      else out.push(relative(dir, full));
    }
  };
  try {
    walkDir(dir);
  } catch {
    return [];
  }
  return out.sort();
}

/** Replaces `dir` with exactly the built chart (no stale file survives). */
export function writeChart(dir: string): string[] {
  const files = chartFiles();
  rmSync(dir, { recursive: true, force: true });
  for (const [path, text] of files) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  return [...files.keys()].sort();
}

/** Paths that differ between `dir` and a fresh build (missing, extra or changed). */
export function chartDrift(dir: string): string[] {
  const files = chartFiles();
  const onDisk = listFiles(dir);
  const drift: string[] = [];
  for (const [path, text] of files) {
    if (!onDisk.includes(path)) drift.push(`missing: ${path}`);
    else if (readFileSync(join(dir, path), 'utf8') !== text) drift.push(`changed: ${path}`);
  }
  for (const path of onDisk) if (!files.has(path)) drift.push(`extra: ${path}`);
  return drift;
}
