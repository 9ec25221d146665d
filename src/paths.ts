/** Locations inside the package; `src/` and the compiled `lib/` both sit one level below it. */
import { join } from 'node:path';

export const PACKAGE_ROOT = join(__dirname, '..');
export const SCHEMA_FILE = join(PACKAGE_ROOT, 'schema', 'values.schema.json');
export const KUBERNETES_DEFINITIONS_FILE = join(PACKAGE_ROOT, 'schema', 'kubernetes.definitions.json');
export const KUBERNETES_ENUMS_FILE = join(PACKAGE_ROOT, 'schema', 'kubernetes.enums.json');
export const CHART_META_FILE = join(PACKAGE_ROOT, 'Chart.yaml');
export const CHART_DIR = join(PACKAGE_ROOT, 'charts', 'coder');
/** Generated TypeScript types of the values contract (src/, so the constructs compile against them). */
export const GENERATED_VALUES_TYPES_FILE = join(PACKAGE_ROOT, 'src', 'generated', 'values.ts');
