/**
 * Behaviour on every scenario fixture, edge case and example, for a release not named `coder` in
 * a namespace other than `default` (which would hide names written into the chart): Services
 * select their own release's pods, replicas follow coder.replicaCount, the HA defaults appear
 * exactly when they apply, env order holds, and each pod relays at its own address.
 */
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/paths';
import { renderManifests, resolveValues, ValueMap } from '../src/render';
import { behaviourViolations, RenderContext } from './support/behaviour';
import { FIXTURES_DIR, loadFixtures } from './support/fixtures';
import { findObject, Obj } from './support/manifests';
import { renderBoth } from './support/render-both';

const RELEASE = 'team-coder';
const NAMESPACE = 'coder-prod';

const scenarios = [
  ...loadFixtures().map((f) => [`fixture ${f.name}`, f.values] as const),
  ...loadFixtures(join(FIXTURES_DIR, 'edge-valid')).map((f) => [`edge case ${f.name}`, f.values] as const),
  ...loadFixtures(join(PACKAGE_ROOT, 'examples')).map((f) => [`example ${f.name}`, f.values] as const),
];

const contextFor = (values: ValueMap): RenderContext => ({
  values: resolveValues([values]),
  release: RELEASE,
  namespace: NAMESPACE,
});

test.concurrent.each(scenarios)('%s keeps every promise', async (_name, values) => {
  const objects = await renderBoth(values, { release: RELEASE, namespace: NAMESPACE });
  expect(behaviourViolations(objects, contextFor(values))).toEqual([]);
});

describe('the behaviour checks catch what they promise to', () => {
  const POSTGRES = { name: 'CODER_PG_CONNECTION_URL', valueFrom: { secretKeyRef: { name: 'db', key: 'url' } } };
  const haValues: ValueMap = { coder: { replicaCount: 3, env: [POSTGRES] } };
  const render = (values: ValueMap): Obj[] =>
    renderManifests([values], { releaseName: RELEASE, namespace: NAMESPACE }) as Obj[];
  const violationsAfter = (values: ValueMap, breakIt: (objects: Obj[]) => void): string[] => {
    const objects = structuredClone(render(values));
    breakIt(objects);
    return behaviourViolations(objects, contextFor(values));
  };
  const podSpecOf = (objects: Obj[]) =>
    ((findObject(objects, 'Deployment', 'coder').spec as Obj).template as Obj).spec as Obj;
  const envOf = (objects: Obj[]) => (podSpecOf(objects).containers as Obj[])[0].env as Obj[];

  test('a headless Service that selects a fixed release name', () => {
    const violations = violationsAfter(haValues, (objects) => {
      const selector = (findObject(objects, 'Service', 'coder-headless').spec as Obj).selector as Obj;
      selector['app.kubernetes.io/instance'] = 'coder';
    });
    expect(violations).toEqual(expect.arrayContaining([expect.stringContaining('Service coder-headless selects')]));
  });

  test('a Service that also selects the helm test Pod', () => {
    const violations = violationsAfter(haValues, (objects) => {
      const podTemplate = (findObject(objects, 'Deployment', 'coder').spec as Obj).template as Obj;
      (findObject(objects, 'Pod').metadata as Obj).labels = (podTemplate.metadata as Obj).labels;
    });
    expect(violations).toEqual(expect.arrayContaining([expect.stringContaining('selects the Pod coder-test-mesh')]));
  });

  test('replicas that do not follow coder.replicaCount', () => {
    const violations = violationsAfter(haValues, (objects) => {
      (findObject(objects, 'Deployment', 'coder').spec as Obj).replicas = 1;
    });
    expect(violations).toContain('spec.replicas is 1, coder.replicaCount is 3');
  });

  test('an HA default missing in HA mode, or present with one replica', () => {
    expect(
      violationsAfter(haValues, (objects) => {
        delete podSpecOf(objects).topologySpreadConstraints;
      }),
    ).toEqual([expect.stringMatching(/^topologySpreadConstraints is undefined, expected/)]);
    expect(
      violationsAfter({ coder: { replicaCount: 1 } }, (objects) => {
        (findObject(objects, 'Deployment', 'coder').spec as Obj).strategy = { type: 'Recreate' };
      }),
    ).toEqual(['strategy is {"type":"Recreate"}, expected undefined']);
    expect(
      violationsAfter(haValues, (objects) => {
        objects.splice(objects.indexOf(findObject(objects, 'PodDisruptionBudget')), 1);
      }),
    ).toEqual(['0 PodDisruptionBudgets for 3 replicas']);
  });

  test('a relay URL without brackets for IPv6, or two relay URLs', () => {
    const ipv6: ValueMap = { coder: { replicaCount: 3, env: [POSTGRES], podIPFamily: 'IPv6' } };
    expect(
      violationsAfter(ipv6, (objects) => {
        envOf(objects).find((e) => e.name === 'CODER_DERP_SERVER_RELAY_URL')!.value = 'http://$(KUBE_POD_IP):8080';
      }),
    ).toEqual([expect.stringContaining('CODER_DERP_SERVER_RELAY_URL is')]);
    expect(
      violationsAfter(haValues, (objects) => {
        envOf(objects).push({ name: 'CODER_DERP_SERVER_RELAY_URL', value: 'http://$(KUBE_POD_IP):8080' });
      }),
    ).toEqual(expect.arrayContaining(['2 CODER_DERP_SERVER_RELAY_URL entries']));
  });

  test('a variable used before it is defined', () => {
    const violations = violationsAfter(haValues, (objects) => {
      const env = envOf(objects);
      const podIP = env.findIndex((e) => e.name === 'KUBE_POD_IP');
      env.push(...env.splice(podIP, 1));
    });
    expect(violations).toEqual(
      expect.arrayContaining(['env CODER_DERP_SERVER_RELAY_URL refers to $(KUBE_POD_IP) before it is defined']),
    );
  });
});
