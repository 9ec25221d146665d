/** Direct assertions on the HA spine, in both back-ends where it matters. */
import { concreteRefusal, helmSays, Refusal } from './support/refusals';
import { dump } from 'js-yaml';
import { chartMeta } from '../src/chart-meta';
import { HELM_MAJORS } from '../tools/helm/tools';
import { renderManifests, ValueMap } from '../src/render';
import { helmTemplate } from './support/helm-chart';
import { coderContainer, envNames, findObject, Obj, parseManifests } from './support/manifests';

/** An external Postgres, which more than one replica requires. */
const POSTGRES =
  'coder.env[0].name=CODER_PG_CONNECTION_URL,coder.env[0].valueFrom.secretKeyRef.name=db,coder.env[0].valueFrom.secretKeyRef.key=url';

async function helmObjects(
  major: 3 | 4,
  setArgs: string[],
  namespace = 'default',
): Promise<{ text: string; objects: Obj[] }> {
  const run = await helmTemplate(major, { release: 'my-coder', namespace, setArgs: [POSTGRES, ...setArgs] });
  if (run.status !== 0) throw new Error(run.stderr);
  return { text: run.stdout, objects: parseManifests(run.stdout) };
}

const deploymentOf = (objects: Obj[]): Obj => findObject(objects, 'Deployment', 'coder');
const envOf = (objects: Obj[]): Obj[] => coderContainer(deploymentOf(objects)).env as Obj[];

describe.each(HELM_MAJORS)('Helm %i', (major) => {
  test.each([0, 1, 3, 1000000])('--set coder.replicaCount=%i renders an integer replicas line', async (count) => {
    const { text, objects } = await helmObjects(major, [`coder.replicaCount=${count}`]);
    expect(text).toContain(`\n  replicas: ${count}\n`);
    expect((deploymentOf(objects).spec as Obj).replicas).toBe(count);
  });

  test('the relay URL is built from the pod IP defined just before it', async () => {
    const env = envOf((await helmObjects(major, ['coder.replicaCount=3'])).objects);
    const names = env.map((e) => e.name);
    const podIP = names.indexOf('KUBE_POD_IP');
    const relay = names.indexOf('CODER_DERP_SERVER_RELAY_URL');
    expect(podIP).toBeGreaterThanOrEqual(0);
    expect(relay).toBe(podIP + 1);
    expect(env[podIP]).toEqual({ name: 'KUBE_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
    expect(env[relay]).toEqual({ name: 'CODER_DERP_SERVER_RELAY_URL', value: 'http://$(KUBE_POD_IP):8080' });
    expect(env[relay + 1]).toEqual({
      name: 'CODER_CLUSTER_HOST',
      valueFrom: { fieldRef: { fieldPath: 'status.podIP' } },
    });
  });

  test('the env contract is in the official order', async () => {
    const names = envNames(coderContainer(deploymentOf((await helmObjects(major, [], 'coder')).objects)));
    expect(names).toEqual([
      'CODER_HTTP_ADDRESS',
      'CODER_PROMETHEUS_ADDRESS',
      'CODER_PPROF_ADDRESS',
      'CODER_ACCESS_URL',
      'KUBE_POD_IP',
      'CODER_DERP_SERVER_RELAY_URL',
      'CODER_CLUSTER_HOST',
      'GOMEMLIMIT',
      'CODER_PG_CONNECTION_URL',
    ]);
  });

  test('the default access URL is the Service in the release namespace', async () => {
    const env = envOf((await helmObjects(major, [], 'team-a')).objects);
    expect(env.find((e) => e.name === 'CODER_ACCESS_URL')).toEqual({
      name: 'CODER_ACCESS_URL',
      value: 'http://coder.team-a.svc.cluster.local',
    });
  });

  test('the image tag defaults to v<appVersion>', async () => {
    const container = coderContainer(deploymentOf((await helmObjects(major, [])).objects));
    expect(container.image).toBe(`ghcr.io/coder/coder:v${chartMeta().appVersion}`);
    expect(container.imagePullPolicy).toBe('IfNotPresent');
  });

  test('an image given by digest alone is repo@digest, and every object names that digest as its version', async () => {
    const digest = `sha256:${'0f'.repeat(32)}`;
    const { objects } = await helmObjects(major, [`coder.image.tag=@${digest}`]);
    expect(coderContainer(deploymentOf(objects)).image).toBe(`ghcr.io/coder/coder@${digest}`);
    // A label value holds 63 characters of [A-Za-z0-9_.-]: the digest, cut.
    const label = `sha256-${'0f'.repeat(28)}`;
    for (const o of objects) expect(((o.metadata as Obj).labels as Obj)['app.kubernetes.io/version']).toBe(label);
    expect(((findObject(objects, 'Service', 'coder').spec as Obj).selector as Obj)['app.kubernetes.io/version']).toBe(
      label,
    );
  });

  test('with a tag and a pinned digest, the version is the tag without its v', async () => {
    const { objects } = await helmObjects(major, [`coder.image.tag=v2.36.1@sha256:${'0a'.repeat(32)}`]);
    const pod = (deploymentOf(objects).spec as Obj).template as Obj;
    expect(((pod.metadata as Obj).labels as Obj)['app.kubernetes.io/version']).toBe('2.36.1');
  });

  test('selector labels are the official chart’s and match the pod template', async () => {
    const { objects } = await helmObjects(major, []);
    const spec = deploymentOf(objects).spec as Obj;
    const selector = (spec.selector as Obj).matchLabels;
    expect(selector).toEqual({ 'app.kubernetes.io/name': 'coder', 'app.kubernetes.io/instance': 'my-coder' });
    expect(((spec.template as Obj).metadata as Obj).labels).toMatchObject(selector as Obj);
    // The Service selects the release's Coder version too: during a version upgrade, no old replica
    // gets new requests (test/version-upgrade.test.ts).
    expect((findObject(objects, 'Service', 'coder').spec as Obj).selector).toEqual({
      ...(selector as Obj),
      'app.kubernetes.io/version': chartMeta().appVersion,
    });
  });

  test('no cdk8s-plus defaults leak into the output', async () => {
    const { text } = await helmObjects(major, []);
    for (const leak of ['cdk8s.io', 'automountServiceAccountToken', 'externalIPs', '1500m', 'setHostnameAsFQDN']) {
      expect(text).not.toContain(leak);
    }
  });
});

describe('guards refuse with the same message in Helm 3, Helm 4 and the concrete render', () => {
  const guarded: { name: string; values: ValueMap; message: string }[] = [
    {
      name: 'a duplicated user variable',
      values: { coder: { env: [{ name: 'FOO', value: '1' }, { name: 'BAR' }, { name: 'FOO', value: '2' }] } },
      message: 'coder.env sets FOO more than once; keep one entry per variable name.',
    },
    {
      name: 'CODER_HTTP_ADDRESS in coder.env',
      values: { coder: { env: [{ name: 'CODER_HTTP_ADDRESS', value: '0.0.0.0:3000' }] } },
      message:
        'coder.env must not set CODER_HTTP_ADDRESS: the Service, the probes and the relay URL all expect coderd on port 8080. Remove it from coder.env.',
    },
    {
      name: 'KUBE_POD_IP in coder.env',
      values: { coder: { env: [{ name: 'KUBE_POD_IP', value: '10.0.0.1' }] } },
      message:
        'coder.env must not set KUBE_POD_IP: the chart sets it from status.podIP and builds CODER_DERP_SERVER_RELAY_URL from it. Remove it from coder.env.',
    },
  ];

  test.each(guarded)('$name', async ({ values, message }) => {
    const refusal = concreteRefusal(values);
    expect(refusal?.message).toContain(message);
    for (const major of HELM_MAJORS) {
      const run = await helmTemplate(major, { valuesTexts: [dump(values)] });
      expect(run.status).not.toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(helmSays(refusal as Refusal, message));
    }
  });
});

describe('user env', () => {
  test('a user variable with a chart default replaces it in place of being added twice', () => {
    const objects = renderManifests([
      { coder: { env: [{ name: 'CODER_DERP_SERVER_RELAY_URL', value: 'http://relay.internal:8080' }] } },
    ]) as Obj[];
    const env = envOf(objects);
    expect(env.filter((e) => e.name === 'CODER_DERP_SERVER_RELAY_URL')).toEqual([
      { name: 'CODER_DERP_SERVER_RELAY_URL', value: 'http://relay.internal:8080' },
    ]);
    expect(env[env.length - 1].name).toBe('CODER_DERP_SERVER_RELAY_URL');
  });

  test('envUseClusterAccessURL: false drops the default access URL', () => {
    const env = envOf(renderManifests([{ coder: { envUseClusterAccessURL: false } }]) as Obj[]);
    expect(env.map((e) => e.name)).not.toContain('CODER_ACCESS_URL');
  });
});
