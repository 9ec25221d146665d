/** The `coder-chart` command, spawned as a user runs it. */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { helm } from '../tools/helm/helm';
import { kubectlBinary } from '../tools/helm/tools';
import { CHART_DIR, PACKAGE_ROOT } from '../src/paths';
import { spawnSync } from 'node:child_process';
import { coderChart } from './support/cli';
import { Obj, objectKey, parseManifests } from './support/manifests';
import { scratchDir } from './support/scratch';

const HA_EXAMPLE = join(PACKAGE_ROOT, 'examples', 'ha-3-replicas.yaml');
const scratch = () => scratchDir('coder-cli-');
/** Helm's objects as `coder-chart render` writes them: managed by coder-chart, not Helm. */
const managedByCoderChart = (objects: Obj[]): Obj[] =>
  JSON.parse(
    JSON.stringify(objects).replaceAll(
      '"app.kubernetes.io/managed-by":"Helm"',
      '"app.kubernetes.io/managed-by":"coder-chart"',
    ),
  ) as Obj[];

describe('help', () => {
  test.each([[[]], [['help']], [['--help']]])('%j explains every command with an example', (args) => {
    const run = coderChart(args);
    expect(run.status).toBe(0);
    for (const command of ['render', 'validate']) expect(run.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    for (const example of ['coder-chart render --release', 'coder-chart validate -f', '--output-dir']) {
      expect(run.stdout).toContain(example);
    }
  });

  test('an unknown command or option is a usage error (exit 2)', () => {
    expect(coderChart(['deploy'])).toMatchObject({ status: 2, stdout: '' });
    const run = coderChart(['render', '--frobnicate']);
    expect(run.status).toBe(2);
    // The line that matters and where help is, not the whole usage text after it.
    expect(run.stderr).toBe(
      'coder-chart: unknown option --frobnicate\nRun `coder-chart --help` for the commands and options.\n',
    );
  });
});

describe('render', () => {
  test('prints the objects of helm template, in the same order', async () => {
    const args = ['--namespace', 'coder', '-f', HA_EXAMPLE, '--set', 'coder.podIPFamily=IPv6'];
    const ours = coderChart(['render', '--release', 'coder', ...args]);
    expect(ours).toMatchObject({ status: 0, stderr: '' });
    for (const major of [3, 4] as const) {
      const theirs = await helm(major, ['template', 'coder', CHART_DIR, ...args]);
      expect(parseManifests(ours.stdout)).toEqual(managedByCoderChart(parseManifests(theirs.stdout)));
      expect(parseManifests(ours.stdout).map(objectKey)).toEqual(parseManifests(theirs.stdout).map(objectKey));
    }
  });

  test('objects say they are managed by coder-chart, the tool that rendered them', () => {
    const objects = parseManifests(coderChart(['render', '-f', HA_EXAMPLE]).stdout);
    const labelled = objects.filter((o) => (o.metadata as Obj).labels);
    expect(labelled.map((o) => o.kind)).toContain('Deployment');
    for (const object of labelled) {
      expect((object.metadata as Obj).labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'coder-chart' });
    }
    expect(JSON.stringify(objects)).not.toContain('"app.kubernetes.io/managed-by":"Helm"');
  });

  test('--set and --set-string type values as Helm does; later files win; null deletes', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'a.yaml'), 'coder:\n  image:\n    tag: "from-a"\n  annotations:\n    keep: "yes"\n');
    // null deletes a key the chart has a default for (Helm keeps a null it has no default for).
    writeFileSync(join(dir, 'b.yaml'), 'coder:\n  image:\n    tag: "from-b"\n  resources: null\n');
    const run = coderChart([
      'render',
      '-f',
      join(dir, 'a.yaml'),
      '-f',
      join(dir, 'b.yaml'),
      '--set',
      'coder.replicaCount=0',
      '--set-string',
      'coder.podAnnotations.count=3',
    ]);
    expect(run.status).toBe(0);
    const deployment = parseManifests(run.stdout).find((o) => o.kind === 'Deployment') as Obj;
    expect((deployment.spec as Obj).replicas).toBe(0);
    expect((deployment.metadata as Obj).annotations).toEqual({ keep: 'yes' });
    const template = (deployment.spec as Obj).template as Obj;
    expect((template.metadata as Obj).annotations).toMatchObject({ count: '3' });
    const container = ((template.spec as Obj).containers as Obj[])[0];
    expect(container.image).toMatch(/:from-b$/);
    expect(container).not.toHaveProperty('resources');
  });

  test('invalid values: exit 1, one line per problem on stderr, nothing on stdout', () => {
    const run = coderChart(['render', '--set', 'coder.replicaCont=3', '--set-string', 'coder.replicaCount=3']);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('coder.replicaCont: unknown key; did you mean "replicaCount"?');
    expect(run.stderr).toContain('coder.replicaCount: expected integer, got string "3"');
  });

  test('a refused HA setup: exit 1 with the guard’s words', () => {
    const run = coderChart(['render', '--set', 'coder.replicaCount=3']);
    expect(run).toMatchObject({ status: 1, stdout: '' });
    expect(run.stderr).toContain('coder.replicaCount is above 1, but no external Postgres is configured');
  });

  test('a --set form Helm does not document is an error, never a misparse', () => {
    const run = coderChart(['render', '--set', 'coder.replicaCount']);
    expect(run).toMatchObject({ status: 2, stdout: '' });
    expect(run.stderr).toContain('--set "coder.replicaCount": key "coder.replicaCount" has no value');
  });

  test('--output-dir writes one file per object and a kustomization that kubectl builds', () => {
    const out = join(scratch(), 'manifests');
    const run = coderChart(['render', '--release', 'coder', '-n', 'coder', '-f', HA_EXAMPLE, '--output-dir', out]);
    expect(run.status).toBe(0);
    const printed = parseManifests(
      coderChart(['render', '--release', 'coder', '-n', 'coder', '-f', HA_EXAMPLE]).stdout,
    );
    const installed = printed.filter((o) => !JSON.stringify(o.metadata).includes('helm.sh/hook'));
    const kustomization = load(readFileSync(join(out, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    expect(kustomization.resources).toHaveLength(installed.length);
    expect(readdirSync(join(out, 'tests'))).toEqual(['07-pod-coder-test-mesh.coder.yaml']);
    const built = spawnSync(kubectlBinary(), ['kustomize', out], { encoding: 'utf8' });
    expect(built.status).toBe(0);
    expect(parseManifests(built.stdout).map(objectKey).sort()).toEqual(installed.map(objectKey).sort());
    const again = coderChart(['render', '-f', HA_EXAMPLE, '--output-dir', out]);
    expect(again).toMatchObject({ status: 3, stdout: '' });
    expect(again.stderr).toContain('is not empty');
  });
});

describe('exit codes: 0 done, 1 refused values, 2 usage, 3 input or output', () => {
  test('the help text documents each', () => {
    const help = coderChart(['help']).stdout;
    for (const code of ['0', '1', '2', '3']) expect(help).toMatch(new RegExp(`^  ${code}  \\S`, 'm'));
  });

  test('a missing values file: exit 3 naming it, without the usage text', () => {
    const run = coderChart(['render', '-f', '/nonexistent/values.yaml']);
    expect(run).toMatchObject({ status: 3, stdout: '' });
    expect(run.stderr).toContain('cannot read values file /nonexistent/values.yaml');
    expect(run.stderr).not.toContain('Usage:');
  });

  test('a values file that is not YAML: exit 3, without the usage text', () => {
    const file = join(scratch(), 'broken.yaml');
    writeFileSync(file, 'coder:\n  replicaCount: [3\n');
    const run = coderChart(['validate', '-f', file]);
    expect(run).toMatchObject({ status: 3, stdout: '' });
    expect(run.stderr).toContain(file);
    expect(run.stderr).not.toContain('Usage:');
  });

  test('an --output-dir that cannot be written: exit 3 naming it', () => {
    const file = join(scratch(), 'a-file');
    writeFileSync(file, 'not a directory');
    const run = coderChart(['render', '--output-dir', join(file, 'out')]);
    expect(run).toMatchObject({ status: 3, stdout: '' });
    expect(run.stderr).toContain(`cannot write into ${join(file, 'out')}`);
  });

  test.each([
    ['Coder_Bad', 'invalid release name "Coder_Bad"'],
    ['-coder', 'invalid release name "-coder"'],
    ['c'.repeat(54), 'at most 53 characters'],
  ])('release %s is refused as Helm refuses it: exit 2', (release, message) => {
    for (const command of ['render', 'validate']) {
      const run = coderChart([command, '--release', release]);
      expect(run).toMatchObject({ status: 2, stdout: '' });
      expect(run.stderr).toContain(message);
    }
  });

  test('release names Helm accepts are accepted', () => {
    for (const release of ['coder', 'team-coder.v2', 'c'.repeat(53)]) {
      expect(coderChart(['validate', '--release', release]).status).toBe(0);
    }
  });

  test.each(['Coder', 'coder_prod', 'n'.repeat(64), 'coder.prod'])('namespace %s is refused: exit 2', (ns) => {
    const run = coderChart(['render', '-n', ns]);
    expect(run).toMatchObject({ status: 2, stdout: '' });
    expect(run.stderr).toContain(`invalid namespace ${JSON.stringify(ns)}`);
  });

  test('validate takes the release and namespace: a guard that depends on them refuses', () => {
    const relayOnService = [
      '--set',
      'coder.env[0].name=CODER_DERP_SERVER_RELAY_URL',
      '--set',
      'coder.env[0].value=http://coder.coder-prod.svc:8080',
    ];
    expect(coderChart(['validate', '-n', 'coder-prod', ...relayOnService]).status).toBe(1);
    expect(coderChart(['validate', '--namespace', 'other', ...relayOnService]).status).toBe(0);
  });

  test('a malformed --set is a usage error: exit 2', () => {
    const run = coderChart(['validate', '--set', 'coder.replicaCount']);
    expect(run).toMatchObject({ status: 2, stdout: '' });
    expect(run.stderr).toContain('coder.replicaCount');
  });
});

describe('validate', () => {
  test('valid values: exit 0', () => {
    expect(coderChart(['validate', '-f', HA_EXAMPLE])).toMatchObject({ status: 0, stdout: 'values are valid\n' });
  });

  test('invalid values: exit 1 with the path, the expectation and what was given', () => {
    const run = coderChart([
      'validate',
      '--set',
      'coder.podSecurityContext.fsgroup=1000',
      '--set',
      'coder.image.pullPolicy=always',
    ]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('coder.podSecurityContext.fsgroup: unknown key; did you mean "fsGroup"?');
    expect(run.stderr).toContain(
      'coder.image.pullPolicy: expected one of "Always", "IfNotPresent", "Never", got string "always"',
    );
  });
});

test('build is not a command of the shipped CLI (npm run build writes the chart, in a clone)', () => {
  const run = coderChart(['build']);
  expect(run.status).toBe(2);
  expect(run.stderr).toMatch(/unknown command/i);
});

test('values files are read as Helm reads them (YAML 1.1 scalars)', async () => {
  const dir = scratch();
  writeFileSync(
    join(dir, 'v.yaml'),
    'coder:\n  workspaceProxy: yes\n  envUseClusterAccessURL: off\n  annotations:\n    quoted: "on"\n',
  );
  const ours = coderChart(['render', '-f', join(dir, 'v.yaml')]);
  const theirs = await helm(4, ['template', 'release-name', CHART_DIR, '-f', join(dir, 'v.yaml')]);
  expect(ours.status).toBe(0);
  expect(parseManifests(ours.stdout)).toEqual(managedByCoderChart(parseManifests(theirs.stdout)));
  const deployment = parseManifests(ours.stdout).find((o) => o.kind === 'Deployment') as Obj;
  expect(JSON.stringify(deployment)).toContain('wsproxy');
});
