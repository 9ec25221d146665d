/**
 * The enterprise `coder` binary, built from source (github.com/coder/coder/v2 through the Go
 * module proxy) at the versions pinned in test/coder/<version>/go.mod, and cached under
 * `.cache/coder` keyed by version, Go version and build recipe: a second run only checks that the
 * binary is there.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../../src/paths';

const MODULES_DIR = join(PACKAGE_ROOT, 'test', 'coder');
const MAIN_PACKAGE = 'github.com/coder/coder/v2/enterprise/cmd/coder';
/** Bump when the build recipe changes, so that binaries of the old recipe are not reused. */
const BUILD_RECIPE = 'r1';

/** The pinned versions: one Go module per version under test/coder ("v2.36.1", "v2.26.0"). */
export function pinnedCoderVersions(): string[] {
  return readdirSync(MODULES_DIR)
    .filter((entry) => /^v\d+\.\d+\.\d+$/.test(entry))
    .sort();
}

/** The version the real-coderd scenarios run, and the one the upgrade scenarios start from. */
export const CODER_VERSION = 'v2.36.1';
export const CODER_PREVIOUS_VERSION = 'v2.26.0';

function goVersion(): string {
  return execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
}

export function coderBinary(version: string): string {
  return join(PACKAGE_ROOT, '.cache', 'coder', `coder-${version}_${goVersion()}_${BUILD_RECIPE}`, 'coder');
}

/**
 * Builds `version` when the cache lacks it; returns the seconds it took (0 when cached). The
 * version is stamped as Coder's release build does (buildinfo.tag, without the "v" that Coder
 * adds itself), so that the binary reports it and writes it to the `replicas` table. Without the
 * `embed` build tag the web UI is a stub page, which the API tests do not need. CGO is off, as in
 * Coder's "slim" release binaries.
 */
export function buildCoder(version: string): number {
  const binary = coderBinary(version);
  if (existsSync(binary)) return 0;
  const moduleDir = join(MODULES_DIR, version);
  if (!existsSync(join(moduleDir, 'go.mod'))) {
    throw new Error(`no Go module pins coder ${version}: expected ${moduleDir}/go.mod (see test/coder/README.md)`);
  }
  const start = Date.now();
  const partial = `${binary}.partial`;
  rmSync(partial, { force: true });
  mkdirSync(join(binary, '..'), { recursive: true });
  const ldflags = `-s -w -X github.com/coder/coder/v2/buildinfo.tag=${version.replace(/^v/, '')}`;
  execFileSync('go', ['build', '-trimpath', '-ldflags', ldflags, '-o', partial, MAIN_PACKAGE], {
    cwd: moduleDir,
    stdio: 'inherit',
    env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' },
  });
  renameSync(partial, binary);
  return (Date.now() - start) / 1000;
}

/** What the binary says of itself: "Coder v2.36.1+… " (its first line). */
export function coderVersionLine(version: string): string {
  return execFileSync(coderBinary(version), ['version'], { encoding: 'utf8' }).split('\n')[0].trim();
}

/**
 * The coder version an image runs: the tag of `ghcr.io/coder/coder:v2.36.1` (a digest after the
 * tag is allowed), or undefined for an image that is not Coder's or has no version tag.
 */
export function coderVersionOfImage(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon <= slash) return undefined;
  const repository = withoutDigest.slice(0, colon);
  const tag = withoutDigest.slice(colon + 1);
  if (!/(^|\/)coder$/.test(repository)) return undefined;
  return /^v\d+\.\d+\.\d+$/.test(tag) ? tag : undefined;
}
