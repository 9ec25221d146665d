/** What ships: the npm package's contents, and the packaged Helm chart. */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { helm } from '../tools/helm/helm';
import { HELM_MAJORS } from '../tools/helm/tools';
import { CHART_DIR, PACKAGE_ROOT } from '../src/paths';
import { parseManifests } from './support/manifests';
import { satisfies } from 'semver';
import { scratchDir } from './support/scratch';

test('npm pack ships the built JS with declarations, the chart, the schema, README and license; no tests or sources', () => {
  const run = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: PACKAGE_ROOT,
    encoding: 'utf8',
  });
  expect(run.status).toBe(0);
  const files = (JSON.parse(run.stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
  for (const wanted of [
    'lib/index.js',
    'lib/index.d.ts',
    'lib/cli.js',
    'lib/library.d.ts',
    'lib/generated/values.d.ts',
    'charts/coder/Chart.yaml',
    'charts/coder/values.schema.json',
    'charts/coder/templates/deployment.yaml',
    'schema/values.schema.json',
    'schema/kubernetes.definitions.json',
    'Chart.yaml',
    'README.md',
    'LICENSE',
    'CHANGELOG.md',
    'package.json',
    'docs/high-availability.md',
    'docs/differences-from-official-chart.md',
  ]) {
    expect(files).toContain(wanted);
  }
  // The docs a user follows from the README ship; the contributors' (testing, mutation survivors) do not.
  expect(files).not.toContain('docs/testing.md');
  expect(files).not.toContain('docs/mutation-survivors.md');
  for (const path of files) {
    expect(path).not.toMatch(/^(src|test|node_modules|\.tools|dist|scripts)\//);
    expect(path).not.toMatch(/\.(map|tsbuildinfo)$/);
    // Development tools: the build, benchmarks, conformance and HA reports, the demo, the release.
    expect(path).not.toMatch(/^lib\/(build|bench|conformance|ha|release)\/|^lib\/start\./);
  }
});

test('installing the package runs nothing and downloads nothing; cdk8s comes from the consumer', () => {
  const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
    private?: boolean;
    scripts: Record<string, string>;
    dependencies: Record<string, string>;
    peerDependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  expect(manifest.private).toBeUndefined();
  // npm runs these for whoever installs the package, and asks them to allow each (npm 11's
  // allowScripts): prepare among them, though it runs only in a clone. The tools are extracted
  // before the scripts that need them instead, and the build before packing.
  for (const hook of ['preinstall', 'install', 'postinstall', 'prepare'])
    expect(manifest.scripts[hook]).toBeUndefined();
  expect(manifest.scripts.pretest).toContain('install-tools');
  expect(manifest.scripts.prepack).toContain('tsconfig.build.json');
  // One cdk8s in the consumer's tree: two copies cannot resolve each other's tokens.
  for (const peer of ['cdk8s', 'cdk8s-plus-28', 'constructs']) {
    expect(manifest.dependencies[peer]).toBeUndefined();
    expect(manifest.peerDependencies[peer]).toMatch(/^\^\d+\.\d+\.\d+$/);
    // Developed against a pinned version inside the peer range.
    expect(manifest.devDependencies[peer]).toMatch(/^\d+\.\d+\.\d+$/);
  }
});

test.each(HELM_MAJORS)('helm %i package: the packaged chart renders exactly as the directory', async (major) => {
  const out = scratchDir('coder-package-');
  const packaged = await helm(major, ['package', CHART_DIR, '--destination', out]);
  expect(packaged.status).toBe(0);
  const archive = join(out, readdirSync(out).find((f) => f.endsWith('.tgz')) as string);
  const args = ['--namespace', 'coder', '-f', join(PACKAGE_ROOT, 'examples', 'ha-tls-ingress.yaml')];
  const fromDir = await helm(major, ['template', 'coder', CHART_DIR, ...args]);
  const fromArchive = await helm(major, ['template', 'coder', archive, ...args]);
  expect(fromArchive.stderr).toBe('');
  expect(parseManifests(fromArchive.stdout)).toEqual(parseManifests(fromDir.stdout));
  expect(fromArchive.stdout).toBe(fromDir.stdout);
});

test('the product does not depend on the tools: nothing under src/ imports from tools/', () => {
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
    );
  const offending = sources(join(PACKAGE_ROOT, 'src')).filter((file) =>
    /from '(\.\.\/)+tools\//.test(readFileSync(file, 'utf8')),
  );
  expect(offending).toEqual([]);
});

/**
 * `npm ci` warns EBADENGINE for a locked package whose engines refuse the running Node: undici,
 * which @kubernetes/client-node 2.0.1 pulls in, wants Node 22.19, while the project runs on 20. The
 * project reads only that client's model files (tools/kubernetes/client-models.ts), never its
 * HTTP code, so package.json overrides undici with 6.29.1, which accepts Node 18.17 and up.
 */
test('every locked package accepts the Node that runs the project (npm ci warns of no engine)', () => {
  const lock = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { engines?: { node?: string } | string[] }>;
  };
  const refusing = Object.entries(lock.packages)
    .map(([path, entry]) => [path, Array.isArray(entry.engines) ? undefined : entry.engines?.node] as const)
    .filter(([, range]) => range !== undefined && !satisfies(process.version, range))
    .map(([path, range]) => `${path} wants Node ${range}`);
  expect(refusing).toEqual([]);
});
