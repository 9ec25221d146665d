/**
 * The npm package as a consumer gets it: `npm pack`, then a fresh project installs the tarball
 * beside the oldest and the newest cdk8s its peer ranges allow, synthesizes the chart with its own
 * cdk8s App, and runs the CLI. (Needs the npm registry, as `npm ci` does.)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './paths';

const scratch = mkdtempSync(join(tmpdir(), 'coder-ha-consumer-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let tarball: string;

beforeAll(() => {
  // lib/ is built already (npm start, npm test); the package's own scripts are not needed.
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], {
    cwd: PACKAGE_ROOT,
    encoding: 'utf8',
  });
  tarball = join(scratch, (JSON.parse(out) as { filename: string }[])[0].filename);
}, 120_000);

const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const peers = Object.entries(manifest.peerDependencies);

/** The oldest versions the peer ranges allow, and the newest this project is developed with. */
const COMBINATIONS: Record<string, Record<string, string>> = {
  oldest: Object.fromEntries(peers.map(([name, range]) => [name, range.replace(/^\^/, '')])),
  newest: Object.fromEntries(peers.map(([name]) => [name, manifest.devDependencies[name]])),
};

const CONSUMER = `
const { App, Chart, ApiObject } = require('cdk8s');
const { CoderChart } = require('coder-ha-chart');
const app = new App();
const platform = new Chart(app, 'platform');
new ApiObject(platform, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'coder' } });
const coder = new CoderChart(app, 'coder', {
  namespace: 'coder',
  values: {
    coder: {
      replicaCount: 3,
      env: [{ name: 'CODER_PG_CONNECTION_URL', valueFrom: { secretKeyRef: { name: 'db', key: 'url' } } }],
    },
  },
});
process.stdout.write(JSON.stringify({ yaml: app.synthYaml(), tests: coder.helmTestObjects.length }));
`;

describe.each(Object.entries(COMBINATIONS))('beside the %s cdk8s in range', (_name, versions) => {
  const dir = join(scratch, _name);
  const npm = (args: string[]) =>
    spawnSync('npm', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false' } });

  beforeAll(() => {
    execFileSync('mkdir', ['-p', dir]);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }));
    const install = npm([
      'install',
      '--no-fund',
      tarball,
      ...Object.entries(versions).map(([name, version]) => `${name}@${version}`),
    ]);
    if (install.status !== 0) throw new Error(`npm install failed:\n${install.stderr}`);
    installWarnings = install.stderr;
  }, 300_000);
  let installWarnings = '';

  test('installing asks the consumer to allow no script of the package', () => {
    // npm 11 lists packages with install scripts (prepare among them) that allowScripts does not cover.
    expect(installWarnings).not.toContain('coder-ha-chart');
  });

  test('one copy of each cdk8s package, the consumer’s', () => {
    for (const [name, version] of Object.entries(versions)) {
      const copies = npm(['ls', name, '--all', '--parseable']).stdout.trim().split('\n').filter(Boolean);
      expect({ name, copies: copies.length }).toEqual({ name, copies: 1 });
      const installed = JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
      expect(installed).toBe(version);
    }
  });

  test('the consumer’s own App synthesizes the chart, Helm hooks offered apart', () => {
    writeFileSync(join(dir, 'main.js'), CONSUMER);
    const run = spawnSync('node', ['main.js'], { cwd: dir, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const { yaml, tests } = JSON.parse(run.stdout) as { yaml: string; tests: number };
    expect(yaml).toContain('kind: Namespace');
    expect(yaml).toContain('kind: Deployment');
    expect(yaml).toContain('kind: PodDisruptionBudget');
    expect(yaml).toContain('CODER_DERP_SERVER_RELAY_URL');
    expect(yaml).not.toContain('helm.sh/hook');
    expect(tests).toBe(1);
  });

  test('a TypeScript consumer type-checks real values against the packed types, and a typo fails', () => {
    // Maps (annotations, nodeSelector), lists (env, tolerations), IntOrString (the disruption
    // budget, quantities as numbers or strings), nulls where the official chart has them.
    writeFileSync(
      join(dir, 'values.ts'),
      `import { App } from 'cdk8s';
import { CoderChart } from 'coder-ha-chart';
const app = new App();
new CoderChart(app, 'coder', {
  namespace: 'coder',
  values: {
    coder: {
      replicaCount: 3,
      env: [{ name: 'CODER_PG_CONNECTION_URL', valueFrom: { secretKeyRef: { name: 'db', key: 'url' } } }],
      serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/coder' } },
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'coder', effect: 'NoSchedule' }],
      resources: { requests: { cpu: 2, memory: '4Gi' }, limits: { cpu: '4000m' } },
      securityContext: { readOnlyRootFilesystem: null },
      highAvailability: { podDisruptionBudget: { maxUnavailable: '50%' } },
    },
  },
});
new CoderChart(app, 'typo', {
  // @ts-expect-error a misspelt key is refused by the types, as the schema refuses it
  values: { coder: { replicaCont: 3 } },
});
`,
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'node16',
          moduleResolution: 'node16',
          skipLibCheck: true, // the libraries' declarations are theirs to check; their use here is checked
          types: [],
        },
        files: ['values.ts'],
      }),
    );
    const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  test('the CLI runs from the installed package', () => {
    const refused = spawnSync('npx', ['--no-install', 'coder-chart', 'validate', '--set', 'coder.replicaCount=3'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('no external Postgres is configured');
    const rendered = spawnSync('npx', ['--no-install', 'coder-chart', 'render', '-n', 'coder'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(rendered.status).toBe(0);
    expect(rendered.stdout).toContain('kind: Deployment');
  });
});
