/**
 * The chart as people get it: `npm run release` with a throwaway signing key, then, with Helm 3
 * and Helm 4, `helm push` to a real OCI registry (CNCF Distribution, on loopback) and
 * `helm install oci://…` of that version into the control plane; a static Helm repository on
 * loopback, `helm repo add` and `helm install --verify`; and a tampered archive refused.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { load } from 'js-yaml';
import { chartMeta } from '../../src/chart-meta';
import { ensureOk, helm as runHelm, HelmResult, helmSync } from '../../tools/helm/helm';
import { HELM_MAJORS, HelmMajor } from '../../tools/helm/tools';
import { throwawaySigningKey, SigningKey } from '../support/signing-key';
import { buildControlPlane, ControlPlane, freePort } from './control-plane';
import { Kube } from './kube';
import { PACKAGE_ROOT } from './paths';
import { Registry } from './registry';

const { name: CHART, version: VERSION } = chartMeta();
const scratch = mkdtempSync(join(tmpdir(), 'coder-release-e2e-'));
const OUT = join(scratch, 'dist');
const TAMPERED = join(scratch, 'tampered');

let plane: ControlPlane;
let kube: Kube;
let registry: Registry;
let key: SigningKey;
let otherKey: SigningKey;
const servers: Server[] = [];
let repoUrl: string;
let tamperedRepoUrl: string;
let releaseOutput: string;

/** A static Helm repository: the files of `dir`, over HTTP on loopback. */
async function serveDirectory(dir: string): Promise<string> {
  const port = await freePort();
  const server = createServer((req, res) => {
    const file = join(dir, basename(decodeURIComponent((req.url ?? '/').split('?')[0])));
    if (!existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200);
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${port}`;
}

/** Helm's own state for these tests (repositories, registry logins, caches), apart from the user's. */
function helmState(major: HelmMajor): string[] {
  const dir = join(scratch, `helm${major}`);
  mkdirSync(dir, { recursive: true });
  return [
    '--repository-config',
    join(dir, 'repositories.yaml'),
    '--repository-cache',
    join(dir, 'repository-cache'),
    '--registry-config',
    join(dir, 'registry.json'),
    // Helm 4 caches a chart and its provenance by the archive's digest. `helm package` makes the
    // same bytes on every run, so a cache shared across runs would hand back a .prov signed by an
    // earlier run's throwaway key ("signature made by unknown entity").
    ...(major === 4 ? ['--content-cache', join(dir, 'content')] : []),
  ];
}

/**
 * Helm against the control plane, run asynchronously: the static repositories are served from
 * this process, which a synchronous child process would keep from answering.
 */
function helm(major: HelmMajor, args: string[]): Promise<HelmResult> {
  return runHelm(major, [...args, '--kubeconfig', plane.kubeconfigPath, ...helmState(major)]);
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const archiveName = `${CHART}-${VERSION}.tgz`;

beforeAll(
  async () => {
    buildControlPlane();
    [plane, registry] = await Promise.all([ControlPlane.start(), Registry.start()]);
    kube = new Kube(plane.kubeconfigPath);
    key = throwawaySigningKey('Coder HA chart release test');
    otherKey = throwawaySigningKey('Someone else');
    repoUrl = await serveDirectory(OUT);

    const run = spawnSync(
      'npm',
      [
        'run',
        '--silent',
        'release',
        '--',
        '--key',
        key.name,
        '--keyring',
        key.secretKeyring,
        '--out',
        OUT,
        '--repo-url',
        repoUrl,
        '--push',
        `oci://${registry.host}/charts`,
        '--plain-http',
      ],
      {
        cwd: PACKAGE_ROOT,
        encoding: 'utf8',
        env: {
          ...process.env,
          HELM_CONFIG_HOME: join(scratch, 'release-helm', 'config'),
          HELM_CACHE_HOME: join(scratch, 'release-helm', 'cache'),
          HELM_DATA_HOME: join(scratch, 'release-helm', 'data'),
        },
      },
    );
    if (run.status !== 0) throw new Error(`npm run release failed:\n${run.stdout}\n${run.stderr}`);
    releaseOutput = run.stdout;

    // The same archive with one file changed, served beside the genuine provenance file.
    const unpacked = join(scratch, 'unpacked');
    mkdirSync(unpacked);
    execFileSync('tar', ['-xzf', join(OUT, archiveName), '-C', unpacked]);
    execFileSync('sh', ['-c', `echo '# changed after signing' >> ${join(unpacked, CHART, 'values.yaml')}`]);
    mkdirSync(TAMPERED);
    execFileSync('tar', ['-czf', join(TAMPERED, archiveName), '-C', unpacked, CHART]);
    copyFileSync(join(OUT, `${archiveName}.prov`), join(TAMPERED, `${archiveName}.prov`));
    tamperedRepoUrl = await serveDirectory(TAMPERED);
    ensureOk(helmSync(4, ['repo', 'index', TAMPERED, '--url', tamperedRepoUrl]));
  },
  30 * 60 * 1000,
);

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await registry?.stop();
  await plane?.stop();
});

describe('npm run release', () => {
  test('writes the versioned archive, its signed provenance and a repository index listing it', () => {
    const archive = join(OUT, archiveName);
    expect(releaseOutput).toContain(archive);
    const provenance = readFileSync(`${archive}.prov`, 'utf8');
    expect(provenance).toMatch(/^-----BEGIN PGP SIGNED MESSAGE-----/);
    // The provenance names the archive by its hash: what `helm verify` checks.
    expect(provenance).toContain(`${archiveName}: sha256:${sha256(archive)}`);
    const index = load(readFileSync(join(OUT, 'index.yaml'), 'utf8')) as {
      entries: Record<
        string,
        { version: string; digest: string; urls: string[]; annotations: Record<string, string> }[]
      >;
    };
    const [entry] = index.entries[CHART];
    expect(entry).toMatchObject({ version: VERSION, digest: sha256(archive), urls: [`${repoUrl}/${archiveName}`] });
    expect(Object.keys(entry.annotations)).toEqual(
      expect.arrayContaining(['artifacthub.io/images', 'artifacthub.io/links', 'artifacthub.io/changes']),
    );
  });

  test('pushes this version to the OCI registry', async () => {
    expect(releaseOutput).toMatch(
      new RegExp(`pushed oci://${registry.host}/charts/${CHART}:${VERSION}@sha256:[0-9a-f]{64}`),
    );
    expect(await registry.tags(`charts/${CHART}`)).toEqual([VERSION]);
  });

  test('refuses to run unsigned, naming what is missing', () => {
    const run = spawnSync(
      'node',
      [join(PACKAGE_ROOT, 'lib-tools', 'tools', 'release', 'release.js'), '--out', join(scratch, 'x')],
      {
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('--key is required');
    expect(existsSync(join(scratch, 'x'))).toBe(false);
  });
});

describe.each(HELM_MAJORS)('Helm %i', (major) => {
  test('pushes the signed archive to the registry and installs oci://… of that version, verified', async () => {
    const path = `oci://${registry.host}/helm${major}`;
    const push = await helm(major, ['push', join(OUT, archiveName), path, '--plain-http']);
    expect(push.status).toBe(0);
    expect(await registry.tags(`helm${major}/${CHART}`)).toEqual([VERSION]);

    // What this Helm pushed and what the release pushed, each installed and verified.
    for (const [n, source] of [path, `oci://${registry.host}/charts`].entries()) {
      const release = `oci-${major}-${n}`;
      const install = await installVerified(major, release, `${source}/${CHART}`, '--plain-http');
      expect({ source, status: install.status, stderr: install.status === 0 ? '' : install.stderr }).toEqual({
        source,
        status: 0,
        stderr: '',
      });
      expectInstalled(release);
    }
  });

  test('adds the static repository and installs from it with --verify', async () => {
    const name = `coder-release-${major}`;
    expect((await helm(major, ['repo', 'add', name, repoUrl])).status).toBe(0);
    const search = await helm(major, ['search', 'repo', `${name}/${CHART}`, '--version', VERSION, '-o', 'json']);
    expect(JSON.parse(search.stdout)).toEqual([
      expect.objectContaining({ name: `${name}/${CHART}`, version: VERSION }),
    ]);
    const release = `repo-${major}`;
    const install = await installVerified(major, release, `${name}/${CHART}`);
    expect({ status: install.status, stderr: install.status === 0 ? '' : install.stderr }).toEqual({
      status: 0,
      stderr: '',
    });
    expectInstalled(release);
  });

  test('helm verify accepts the archive with the signer’s key only, and refuses a tampered archive', async () => {
    const genuine = join(OUT, archiveName);
    expect((await helm(major, ['verify', genuine, '--keyring', key.publicKeyring])).status).toBe(0);
    const wrongKey = await helm(major, ['verify', genuine, '--keyring', otherKey.publicKeyring]);
    expect(wrongKey.status).not.toBe(0);
    const tampered = await helm(major, ['verify', join(TAMPERED, archiveName), '--keyring', key.publicKeyring]);
    expect(tampered.status).not.toBe(0);
    expect(tampered.stderr).toMatch(/sha256 sum does not match/);
  });

  test('helm install --verify refuses the tampered archive from a repository and installs nothing', async () => {
    const name = `tampered-${major}`;
    expect((await helm(major, ['repo', 'add', name, tamperedRepoUrl])).status).toBe(0);
    const release = `tampered-${major}`;
    const install = await installVerified(major, release, `${name}/${CHART}`);
    expect(install.status).not.toBe(0);
    expect(install.stderr).toMatch(/sha256 sum does not match/);
    expect(kube.exists('deployment', 'coder', release)).toBe(false);
  });
});

/** `helm install` of this version into a namespace of its own, verified with the signer's public key. */
function installVerified(major: HelmMajor, release: string, chart: string, ...extra: string[]): Promise<HelmResult> {
  const args = ['install', release, chart, '--version', VERSION, ...extra, '--verify', '--keyring', key.publicKeyring];
  return helm(major, [...args, '--namespace', release, '--create-namespace']);
}

/** The release is deployed from this chart version, its Deployment created by the API server. */
function expectInstalled(release: string): void {
  const deployment = kube.json(['get', 'deployment', 'coder', '-n', release]);
  const labels = (deployment.metadata as { labels: Record<string, string> }).labels;
  expect(labels).toMatchObject({
    'helm.sh/chart': `${CHART}-${VERSION}`,
    'app.kubernetes.io/instance': release,
    'app.kubernetes.io/managed-by': 'Helm',
  });
}

test('making the throwaway keys leaves no gpg-agent running', () => {
  const agents = spawnSync('pgrep', ['-af', 'gpg-agent'], { encoding: 'utf8' }).stdout;
  for (const home of [key.gnupgHome, otherKey.gnupgHome]) expect(agents).not.toContain(home);
});
