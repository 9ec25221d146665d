/**
 * The official Coder chart at a pinned version, from the coder module that test/coder downloads
 * (`helm/coder` with its `helm/libcoder` dependency), laid out as Helm needs it: libcoder inside
 * the chart's charts/ folder. Copied once into `.cache/official-chart/<version>`.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/paths';

/**
 * Where Go keeps the coder module of `version`, downloading it when the cache lacks it. (`go list
 * -m` would not: on a machine whose module cache has only its go.mod, its Dir is empty.)
 */
export function coderModuleDir(version: string): string {
  const out = execFileSync('go', ['mod', 'download', '-json', 'github.com/coder/coder/v2'], {
    cwd: join(PACKAGE_ROOT, 'test', 'coder', version),
    encoding: 'utf8',
    env: { ...process.env, GOFLAGS: '-mod=readonly' },
  });
  const dir = (JSON.parse(out) as { Dir?: string; Error?: string }).Dir;
  if (!dir) throw new Error(`go mod download found no directory for github.com/coder/coder/v2 ${version}:\n${out}`);
  return dir;
}

export function officialChartDir(version: string): string {
  const dir = join(PACKAGE_ROOT, '.cache', 'official-chart', version, 'coder');
  if (existsSync(join(dir, 'Chart.yaml'))) return dir;
  const source = join(coderModuleDir(version), 'helm');
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(join(dir, '..'), { recursive: true });
  cpSync(join(source, 'coder'), partial, { recursive: true });
  cpSync(join(source, 'libcoder'), join(partial, 'charts', 'libcoder'), { recursive: true });
  // The module cache is read-only; the copy must be writable to be removed later.
  execFileSync('chmod', ['-R', 'u+w', partial]);
  renameSync(partial, dir);
  return dir;
}
