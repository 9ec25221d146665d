/**
 * Upgrade safety: for a given release, the Deployment's selector and the names of the chart's
 * objects do not depend on values (so no `helm upgrade` hits an immutable field), and every
 * render is self-consistent (env order and uniqueness, mounts, Service target ports).
 */
import { join } from 'node:path';
import { renderManifests } from '../src/render';
import { FIXTURES_DIR, loadFixtures } from './support/fixtures';
import { invariantViolations, officialSelector } from './support/invariants';
import { Obj } from './support/manifests';

const fixtures = [...loadFixtures(), ...loadFixtures(join(FIXTURES_DIR, 'edge-valid'))];

/** The names each kind of the chart's own objects may have, whatever the values. */
const FIXED_NAMES: Record<string, string[]> = {
  Deployment: ['coder'],
  Service: ['coder', 'coder-headless', 'coder-metrics'],
  ServiceMonitor: ['coder'],
  NetworkPolicy: ['coder'],
  HorizontalPodAutoscaler: ['coder'],
  PodDisruptionBudget: ['coder'],
  Ingress: ['coder'],
  HTTPRoute: ['coder', 'coder-https-redirect'],
  ListenerSet: ['coder'],
  Pod: ['coder-test-mesh'],
};

describe.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
  // Rendered inside each test, not while the tests are collected: mutation testing then knows
  // which tests cover which source.
  const render = (): Obj[] => renderManifests([fixture.values], { releaseName: 'prod', namespace: 'coder' }) as Obj[];
  const appName = (fixture.values.nameOverride as string | undefined) || 'coder';

  test('the Deployment is there, named coder, with the official selector', () => {
    const deployment = render().find((o) => o.kind === 'Deployment') as Obj;
    expect((deployment.metadata as Obj).name).toBe('coder');
    expect(((deployment.spec as Obj).selector as Obj).matchLabels).toEqual(officialSelector('prod', appName));
  });

  test('the chart’s objects keep their fixed names', () => {
    // The chart's own objects carry its helm.sh/chart label; coder.extraTemplates' need not.
    const own = render().filter((o) => ((o.metadata as Obj).labels as Obj | undefined)?.['helm.sh/chart']);
    expect(own.length).toBeGreaterThan(0);
    for (const object of own) {
      const allowed = FIXED_NAMES[String(object.kind)];
      if (allowed) {
        expect(allowed).toContain((object.metadata as Obj).name);
      }
    }
  });

  test('env, mounts and ports are consistent', () => {
    expect(invariantViolations(render(), 'prod', appName)).toEqual([]);
  });
});

test('the invariant checks catch a broken render', () => {
  const broken: Obj[] = [
    {
      kind: 'Deployment',
      metadata: { name: 'coder' },
      spec: {
        selector: { matchLabels: { app: 'coder' } },
        template: {
          spec: {
            containers: [
              {
                name: 'coder',
                env: [
                  { name: 'CODER_DERP_SERVER_RELAY_URL', value: 'http://$(KUBE_POD_IP):8080' },
                  { name: 'KUBE_POD_IP', valueFrom: {} },
                  { name: 'KUBE_POD_IP', value: 'x' },
                ],
                volumeMounts: [{ name: 'nowhere', mountPath: '/x' }],
                ports: [{ name: 'http', containerPort: 8080 }],
              },
            ],
          },
        },
      },
    },
    { kind: 'Service', metadata: { name: 'coder' }, spec: { ports: [{ name: 'https', targetPort: 'https' }] } },
  ];
  expect(invariantViolations(broken, 'prod', 'coder')).toEqual([
    'Deployment selector {"app":"coder"} is not the official one',
    'env CODER_DERP_SERVER_RELAY_URL refers to $(KUBE_POD_IP) before it is defined',
    'env KUBE_POD_IP is listed twice',
    'volumeMount nowhere names no volume',
    'Service coder targets port https, which the container does not have',
  ]);
});
