/**
 * `npm run release -- --key NAME --keyring FILE [--out DIR] [--repo-url URL] [--push oci://REG/PATH]`
 *
 * Releases the chart as people get charts:
 * 1. refuses unless the version is written alike everywhere, the CHANGELOG has its entry, the
 *    Artifact Hub metadata is complete and charts/coder is exactly what `npm run build` writes;
 * 2. `helm package --sign`: the versioned archive and its provenance file, signed with the key
 *    NAME from the OpenPGP keyring FILE (a passphrase comes from HELM_KEY_PASSPHRASE or
 *    --passphrase-file, as Helm reads it);
 * 3. `helm repo index` of DIR (merging an index.yaml already there), for a static Helm repository
 *    served at URL (relative links without --repo-url);
 * 4. with --push, `helm push` of the archive, and with it the provenance, to the OCI registry.
 *
 * Helm runs with the caller's environment, so `helm registry login` credentials apply.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chartMeta } from '../../src/chart-meta';
import { chartDrift } from '../build/write-chart';
import { helmBinary, HelmMajor } from '../helm/tools';
import { CHART_DIR, PACKAGE_ROOT } from '../../src/paths';
import { releaseProblems } from './metadata';

export interface ReleaseOptions {
  readonly key: string;
  readonly keyring: string;
  readonly passphraseFile?: string;
  readonly out: string;
  readonly repoUrl?: string;
  readonly push?: string;
  readonly plainHttp: boolean;
  readonly helm: HelmMajor;
}

export interface ReleaseResult {
  readonly archive: string;
  readonly provenance: string;
  readonly index: string;
  /** The OCI reference pushed, with its digest, when --push was given. */
  readonly pushed?: string;
}

export class ReleaseError extends Error {}

const USAGE = `Usage: npm run release -- --key NAME --keyring FILE [options]

  --key NAME               The signing key's name (its user id, or part of it), as helm package --key.
  --keyring FILE           The OpenPGP keyring holding that secret key (gpg --export-secret-keys > FILE).
  --passphrase-file FILE   The key's passphrase (or set HELM_KEY_PASSPHRASE); none for an unprotected key.
  --out DIR                Where the archive, its .prov and index.yaml go (default: release;
                           npm start renders examples into dist, apart from it).
  --repo-url URL           The URL the Helm repository is served from, written into index.yaml.
  --push oci://REG/PATH    Also push the archive and its provenance to this OCI registry path.
  --plain-http             Push over plain HTTP (a registry on loopback).
  --helm 3|4               Which Helm runs the steps (default: 4).
`;

export function parseReleaseArgs(args: readonly string[]): ReleaseOptions {
  const values: Record<string, string> = {};
  let plainHttp = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--plain-http') {
      plainHttp = true;
      continue;
    }
    const name = /^--(key|keyring|passphrase-file|out|repo-url|push|helm)$/.exec(arg)?.[1];
    const value = args[i + 1];
    if (!name) throw new ReleaseError(`unknown option ${arg}\n\n${USAGE}`);
    if (value === undefined || value.startsWith('--')) throw new ReleaseError(`${arg} needs a value\n\n${USAGE}`);
    values[name] = value;
    i++;
  }
  for (const required of ['key', 'keyring']) {
    if (!values[required]) throw new ReleaseError(`--${required} is required: a release is signed\n\n${USAGE}`);
  }
  if (values.push && !values.push.startsWith('oci://')) {
    throw new ReleaseError(`--push ${values.push}: give an OCI registry path, oci://host[:port]/path`);
  }
  if (values.helm && values.helm !== '3' && values.helm !== '4') throw new ReleaseError(`--helm takes 3 or 4`);
  return {
    key: values.key,
    keyring: resolve(values.keyring),
    passphraseFile: values['passphrase-file'] && resolve(values['passphrase-file']),
    out: resolve(values.out ?? join(PACKAGE_ROOT, 'release')),
    repoUrl: values['repo-url'],
    push: values.push,
    plainHttp,
    helm: values.helm === '3' ? 3 : 4,
  };
}

export function release(options: ReleaseOptions): ReleaseResult {
  const problems = releaseProblems();
  const drift = chartDrift(CHART_DIR);
  if (drift.length > 0)
    problems.push(`charts/coder differs from npm run build (${drift.join(', ')}): run it and commit`);
  if (!existsSync(options.keyring)) problems.push(`--keyring ${options.keyring}: no such file`);
  if (problems.length > 0) throw new ReleaseError(`not releasable:\n${problems.map((p) => `  - ${p}`).join('\n')}`);

  const { name, version } = chartMeta();
  mkdirSync(options.out, { recursive: true });
  const helm = (args: string[]): string => {
    const run = spawnSync(helmBinary(options.helm), args, { encoding: 'utf8' });
    if (run.error) throw run.error;
    if (run.status !== 0) throw new ReleaseError(`helm ${args[0]} failed:\n${(run.stderr || run.stdout).trim()}`);
    return `${run.stdout}${run.stderr}`;
  };

  const passphrase = options.passphraseFile ? ['--passphrase-file', options.passphraseFile] : [];
  helm([
    'package',
    CHART_DIR,
    '--destination',
    options.out,
    '--sign',
    '--key',
    options.key,
    '--keyring',
    options.keyring,
    ...passphrase,
  ]);
  const archive = join(options.out, `${name}-${version}.tgz`);
  const provenance = `${archive}.prov`;
  if (!existsSync(provenance)) throw new ReleaseError(`helm package wrote no provenance file beside ${archive}`);

  const index = join(options.out, 'index.yaml');
  const merge = existsSync(index) ? ['--merge', index] : [];
  helm(['repo', 'index', options.out, ...(options.repoUrl ? ['--url', options.repoUrl] : []), ...merge]);
  if (!readFileSync(index, 'utf8').includes(`version: ${version}`)) {
    throw new ReleaseError(`${index} does not list version ${version}`);
  }

  let pushed: string | undefined;
  if (options.push) {
    const output = helm(['push', archive, options.push, ...(options.plainHttp ? ['--plain-http'] : [])]);
    const digest = /Digest: (sha256:[0-9a-f]+)/.exec(output)?.[1];
    pushed = `${options.push.replace(/\/$/, '')}/${name}:${version}${digest ? `@${digest}` : ''}`;
  }
  return { archive, provenance, index, pushed };
}

function main(args: readonly string[]): number {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    const result = release(parseReleaseArgs(args));
    process.stdout.write(
      `release: ${result.archive}\n` +
        `release: ${result.provenance} (verify: helm verify ${result.archive} --keyring <public keyring>)\n` +
        `release: ${result.index}\n` +
        (result.pushed ? `release: pushed ${result.pushed}\n` : ''),
    );
    return 0;
  } catch (err) {
    if (!(err instanceof ReleaseError)) throw err;
    process.stderr.write(`release: ${err.message}\n`);
    return 1;
  }
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
