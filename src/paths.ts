/** Locations inside the package, found from wherever this module runs (src/, lib/ or lib-tools/src/). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The nearest directory above this module that holds the package's package.json and Chart.yaml. */
function packageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'Chart.yaml'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package root (package.json beside Chart.yaml) above ${start}`);
  }
}

export const PACKAGE_ROOT = packageRoot(__dirname);
export const SCHEMA_FILE = join(PACKAGE_ROOT, 'schema', 'values.schema.json');
export const KUBERNETES_DEFINITIONS_FILE = join(PACKAGE_ROOT, 'schema', 'kubernetes.definitions.json');
export const KUBERNETES_ENUMS_FILE = join(PACKAGE_ROOT, 'schema', 'kubernetes.enums.json');
export const CHART_META_FILE = join(PACKAGE_ROOT, 'Chart.yaml');
export const CHART_DIR = join(PACKAGE_ROOT, 'charts', 'coder');
/** Generated TypeScript types of the values contract (src/, so the constructs compile against them). */
export const GENERATED_VALUES_TYPES_FILE = join(PACKAGE_ROOT, 'src', 'generated', 'values.ts');

/**
 * The TypeScript source of a module, from its __filename wherever it runs: `src/coder/service.ts`
 * for src/coder/service.ts itself, lib/coder/service.js or lib-tools/src/coder/service.js.
 */
export function sourceFileOf(filename: string): string {
  const relative = filename
    .slice(PACKAGE_ROOT.length + 1)
    .split('\\')
    .join('/');
  return relative
    .replace(/^lib-tools\//, '')
    .replace(/^lib\//, 'src/')
    .replace(/\.js$/, '.ts');
}
