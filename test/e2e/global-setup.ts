/**
 * Jest's globalSetup for the e2e suite: builds, once and before any worker starts, the binaries
 * the selected e2e files need (the control plane, kwok, and coderd at the versions the real-coderd
 * files run). The files run in parallel workers, and two of them building into the same cache at
 * once would clash; each file still calls the builds itself, which then only find them cached.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildControlPlane } from './control-plane';
import { buildKwok } from './kwok';
import { buildCoder, CODER_PREVIOUS_VERSION, CODER_VERSION } from './real-coder/coderd-build';

/** The coderd versions each e2e file runs; files not listed run none. */
const CODER_VERSIONS_OF: Record<string, readonly string[]> = {
  'real-coder.e2e.ts': [CODER_VERSION],
  'real-upgrade.e2e.ts': [CODER_PREVIOUS_VERSION, CODER_VERSION],
  'real-liveness.e2e.ts': [CODER_VERSION],
};

/** The part of Jest's global config read here (Jest 30 names it testPathPatterns). */
interface SelectingConfig {
  readonly testPathPatterns: { readonly patterns: readonly string[] };
}

/** The e2e files this run selects: all of them, or those the command line's patterns match. */
function selectedFiles(config: SelectingConfig): string[] {
  const dir = __dirname;
  const files = readdirSync(dir).filter((f) => f.endsWith('.e2e.ts'));
  const patterns = config.testPathPatterns.patterns;
  if (patterns.length === 0) return files;
  return files.filter((f) => patterns.some((p) => new RegExp(p, 'i').test(join(dir, f))));
}

export default function globalSetup(config: SelectingConfig): void {
  const files = selectedFiles(config);
  const report: Record<string, number> = {};
  const plane = buildControlPlane();
  report.controlPlaneSeconds = plane.seconds;
  report.kwokSeconds = buildKwok();
  const versions = [...new Set(files.flatMap((f) => CODER_VERSIONS_OF[f] ?? []))].sort();
  for (const version of versions) report[`coder ${version} seconds`] = buildCoder(version);
  process.stderr.write(`\ne2e builds (before the workers start): ${JSON.stringify(report)}\n`);
}
