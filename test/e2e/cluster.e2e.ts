/**
 * The chart against a real control plane (kube-apiserver, controller-manager, scheduler, etcd),
 * with Helm 3 and Helm 4: server-side validation of every fixture and example, install, upgrade
 * to HA with real controllers and scheduling, a refused upgrade, an upgrade of every mutable
 * value, rollback and uninstall.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump, loadAll } from 'js-yaml';
import { HELM_MAJORS, HelmMajor } from '../../tools/helm/tools';
import { CHART_DIR, FIXTURES, PACKAGE_ROOT } from './paths';
import { buildControlPlane, componentVersions, ControlPlane, KUBERNETES_VERSION } from './control-plane';
import { kubernetesEnumsDocument } from '../../tools/build/kubernetes-enums';
import { prometheusOperatorCRD } from './prometheus-operator';
import { Kube, Obj } from './kube';
import { loadFixtures } from '../support/fixtures';

const NAMESPACE = 'coder';
const HA_EXAMPLE = join(PACKAGE_ROOT, 'examples', 'ha-3-replicas.yaml');
/** Custom resources whose CRDs the control plane does not have (the Gateway API's). */
const CUSTOM_RESOURCE_GROUPS = ['gateway.networking.k8s.io/'];

let plane: ControlPlane;
let kube: Kube;
const timings: Record<string, number> = {};

beforeAll(
  async () => {
    const build = buildControlPlane();
    timings.buildSeconds = build.seconds;
    process.stderr.write(
      `control plane: built ${build.built.join(', ') || 'nothing (cached)'} in ${build.seconds.toFixed(1)} s\n`,
    );
    process.stderr.write(`versions: ${JSON.stringify(componentVersions())}\n`);
    const start = Date.now();
    plane = await ControlPlane.start();
    timings.startSeconds = (Date.now() - start) / 1000;
    process.stderr.write(`control plane ready in ${timings.startSeconds.toFixed(1)} s\n`);
    kube = new Kube(plane.kubeconfigPath);
    await kube.waitFor('the default ServiceAccount controller', 60, () =>
      kube.exists('serviceaccount', 'default', 'default'),
    );
    // The Prometheus Operator's ServiceMonitor CRD, so that the chart's ServiceMonitor is checked
    // by the API server against the operator's real schema.
    kube.ok(['apply', '--server-side', '-f', prometheusOperatorCRD('servicemonitors')]);
    kube.ok(['wait', '--for=condition=Established', '--timeout=60s', 'crd/servicemonitors.monitoring.coreos.com']);
  },
  30 * 60 * 1000,
);

afterAll(async () => {
  await plane?.stop();
});

const objectsOf = (yaml: string): Obj[] => loadAll(yaml).filter((d): d is Obj => typeof d === 'object' && d !== null);
const meta = (o: Obj): Obj => (o.metadata ?? {}) as Obj;
const isCustomResource = (o: Obj) => CUSTOM_RESOURCE_GROUPS.some((g) => String(o.apiVersion).startsWith(g));

function ensureNamespace(name: string): void {
  if (kube.exists('namespace', name)) return;
  kube.ok(['create', 'namespace', name]);
  // The API server itself enforces the Pod Security Standards' restricted profile here.
  kube.ok([
    'label',
    'namespace',
    name,
    'pod-security.kubernetes.io/enforce=restricted',
    'pod-security.kubernetes.io/warn=restricted',
  ]);
}

describe('Kubernetes field enums (schema/kubernetes.enums.json)', () => {
  const committed = () =>
    JSON.parse(readFileSync(join(PACKAGE_ROOT, 'schema', 'kubernetes.enums.json'), 'utf8')) as {
      releases: Record<string, Record<string, string[]>>;
    };

  test('are what the Go source of k8s.io/api and k8s.io/apimachinery says today', () => {
    // The same extraction `npm run kubernetes-enums` writes, from the module proxy.
    expect(kubernetesEnumsDocument()).toEqual(committed());
  });

  test('include every enum the API server serves in its OpenAPI v3 for these groups, with the same values', () => {
    const release = KUBERNETES_VERSION.replace(/^v(\d+\.\d+).*$/, '$1');
    const ours = committed().releases[release];
    expect(ours).toBeDefined();
    const groups: Record<string, string> = {
      'api/v1': 'io.k8s.api.core.v1.',
      'apis/apps/v1': 'io.k8s.api.apps.v1.',
      'apis/autoscaling/v2': 'io.k8s.api.autoscaling.v2.',
      'apis/networking.k8s.io/v1': 'io.k8s.api.networking.v1.',
      'apis/policy/v1': 'io.k8s.api.policy.v1.',
      'apis/rbac.authorization.k8s.io/v1': 'io.k8s.api.rbac.v1.',
    };
    const served: Record<string, string[]> = {};
    for (const [path, prefix] of Object.entries(groups)) {
      const document = JSON.parse(kube.ok(['get', '--raw', `/openapi/v3/${path}`])) as {
        components: {
          schemas: Record<string, { properties?: Record<string, { enum?: string[]; items?: { enum?: string[] } }> }>;
        };
      };
      for (const [name, schema] of Object.entries(document.components.schemas)) {
        if (!name.startsWith(prefix) && !name.startsWith('io.k8s.apimachinery.pkg.apis.meta.v1.')) continue;
        for (const [field, property] of Object.entries(schema.properties ?? {})) {
          const values = property.enum ?? property.items?.enum;
          // io.k8s.api.autoscaling.v2.MetricSpec → V2MetricSpec, as the client names its models.
          const parts = name.split('.');
          const model = `${parts[parts.length - 2].toUpperCase()}${parts[parts.length - 1]}`;
          if (values) served[`${model}.${field}`] = [...values].sort();
        }
      }
    }
    expect(Object.keys(served).length).toBeGreaterThan(40);
    // Every served enum is ours, value for value; ours has more (closed types without `+enum`).
    expect(Object.fromEntries(Object.keys(served).map((key) => [key, ours[key]]))).toEqual(served);
    process.stderr.write(
      `field enums: the API server serves ${Object.keys(served).length}; the Go source gives ${Object.keys(ours).length}\n`,
    );
  });
});

test('the test Deployment has a restricted namespace to go to', () => {
  ensureNamespace(NAMESPACE);
  expect(kube.json(['get', 'namespace', NAMESPACE]).metadata).toMatchObject({
    labels: expect.objectContaining({ 'pod-security.kubernetes.io/enforce': 'restricted' }),
  });
});

describe.each(HELM_MAJORS)('Helm %i', (major: HelmMajor) => {
  const release = 'coder';
  const helm = (args: string[]) => kube.helm(major, args);
  /** `helm upgrade` of the release with its values kept, and one more `--set`. */
  const upgradeSetting = (set: string) =>
    helm(['upgrade', release, CHART_DIR, '--namespace', NAMESPACE, '--reuse-values', '--set', set]);
  const deployment = () => kube.json(['get', 'deployment', 'coder', '-n', NAMESPACE]);

  test('the API server accepts every object of every fixture and example (server-side dry run)', () => {
    const files = [...loadFixtures(FIXTURES), ...loadFixtures(join(PACKAGE_ROOT, 'examples'))];
    let checked = 0;
    for (const fixture of files) {
      const rendered = helm(['template', release, CHART_DIR, '--namespace', NAMESPACE, '-f', fixture.path]);
      expect(rendered.stderr).toBe('');
      const objects = objectsOf(rendered.stdout).filter((o) => !isCustomResource(o));
      for (const namespace of new Set(objects.map((o) => String(meta(o).namespace ?? NAMESPACE))))
        ensureNamespace(namespace);
      const run = kube.kubectl(
        ['apply', '--dry-run=server', '-f', '-'],
        objects.map((o) => `---\n${dump(o)}`).join(''),
      );
      expect({ fixture: fixture.name, stderr: run.stderr, status: run.status }).toEqual({
        fixture: fixture.name,
        stderr: '',
        status: 0,
      });
      checked += objects.length;
    }
    process.stderr.write(
      `Helm ${major}: ${checked} objects from ${files.length} values files accepted by the API server\n`,
    );
  });

  test('helm install of the default values creates every object as rendered', () => {
    const install = helm(['install', release, CHART_DIR, '--namespace', NAMESPACE]);
    expect(install.stderr).toBe('');
    const manifest = objectsOf(helm(['get', 'manifest', release, '--namespace', NAMESPACE]).stdout);
    expect(manifest.length).toBeGreaterThanOrEqual(5);
    for (const object of manifest) {
      const live = kube.json([
        'get',
        String(object.kind),
        String(meta(object).name),
        '-n',
        String(meta(object).namespace ?? NAMESPACE),
      ]);
      expect(meta(live).labels ?? {}).toMatchObject((meta(object).labels ?? {}) as Obj);
    }
    expect((deployment().spec as Obj).replicas).toBe(1);
  });

  test('helm upgrade without Postgres to 3 replicas is refused and the release stays as it was', () => {
    const before = helm(['history', release, '--namespace', NAMESPACE, '-o', 'json']).stdout;
    const upgrade = upgradeSetting('coder.replicaCount=3');
    expect(upgrade.status).not.toBe(0);
    // The values schema states this rule: Helm refuses before rendering, naming the key and
    // saying what to do (the rule's advice, which both majors print whole).
    expect(upgrade.stderr).toContain("values don't meet the specifications of the schema");
    expect(upgrade.stderr).toContain('coder.replicaCount is above 1, but no external Postgres is configured');
    expect(upgrade.stderr).toContain('Set CODER_PG_CONNECTION_URL in coder.env');
    expect(helm(['history', release, '--namespace', NAMESPACE, '-o', 'json']).stdout).toBe(before);
    expect((deployment().spec as Obj).replicas).toBe(1);
  });

  test('helm upgrade to 3 replicas with Postgres: the HA defaults appear, the controllers make 3 pods, the scheduler spreads them', async () => {
    for (const [name, zone] of [
      ['node-a', 'zone-a'],
      ['node-b', 'zone-b'],
      ['node-c', 'zone-c'],
    ])
      kube.registerNode(name, zone);
    const selectorBefore = (deployment().spec as Obj).selector;
    const upgrade = helm(['upgrade', release, CHART_DIR, '--namespace', NAMESPACE, '--reuse-values', '-f', HA_EXAMPLE]);
    expect(upgrade.stderr).toBe('');
    const spec = deployment().spec as Obj;
    expect(spec.replicas).toBe(3);
    expect(spec.selector).toEqual(selectorBefore);
    expect(kube.exists('poddisruptionbudget', 'coder', NAMESPACE)).toBe(true);
    expect(((spec.template as Obj).spec as Obj).topologySpreadConstraints).toHaveLength(2);

    const selector = 'app.kubernetes.io/instance=coder,app.kubernetes.io/name=coder';
    const live = (list: Obj[]) => list.filter((p) => !meta(p).deletionTimestamp);
    const revision = (rs: Obj) =>
      Number((meta(rs).annotations as Obj | undefined)?.['deployment.kubernetes.io/revision'] ?? 0);
    const rolledOut = (what: string) =>
      kube.waitFor(
        what,
        120,
        () => {
          kube.actAsKubelets(NAMESPACE);
          const sets = kube.items(['get', 'replicaset', '-n', NAMESPACE, '-l', selector]);
          const newest = sets.sort((a, b) => revision(b) - revision(a))[0];
          if (!newest || (newest.spec as Obj).replicas !== 3) return undefined;
          const hash = String((meta(newest).labels as Obj)['pod-template-hash']);
          const list = live(
            kube.items(['get', 'pods', '-n', NAMESPACE, '-l', `${selector},pod-template-hash=${hash}`]),
          );
          const oldPods = live(kube.items(['get', 'pods', '-n', NAMESPACE, '-l', selector])).length - list.length;
          return list.length === 3 && oldPods === 0 && list.every((p) => (p.spec as Obj).nodeName) ? list : undefined;
        },
        NAMESPACE,
      );
    const nodesOf = (list: Obj[]) => list.map((p) => String((p.spec as Obj).nodeName));
    const pods = await rolledOut('3 scheduled coderd pods of the new revision');
    const nodes = nodesOf(pods);
    expect(new Set(nodes).size).toBe(3);
    const zones = nodes.map((n) =>
      String((meta(kube.json(['get', 'node', n])).labels as Obj)['topology.kubernetes.io/zone']),
    );
    expect(new Set(zones).size).toBe(3);

    // A rollout ends as spread as it began: the old revision's pods, going one by one, must not
    // steer where the new ones land (the spread counts the pod's own revision only). Without
    // that, 4 of the 5 rollouts that ran in one run here (Helm 3 and 4) ended with two replicas on one node.
    const placements: string[][] = [];
    for (const round of [1, 2, 3]) {
      const restart = upgradeSetting(`coder.podAnnotations.e2e-rollout=r${round}`);
      expect(restart.stderr).toBe('');
      placements.push(nodesOf(await rolledOut(`3 pods after config rollout ${round}`)).sort());
    }
    expect(placements).toEqual(placements.map(() => ['node-a', 'node-b', 'node-c']));

    // With two nodes left the spread is a preference: a replacement pod still schedules.
    const onC = (await rolledOut('3 pods before losing node-c')).find(
      (p) => (p.spec as Obj).nodeName === 'node-c',
    ) as Obj;
    kube.ok(['delete', 'node', 'node-c']);
    kube.ok(['delete', 'pod', String(meta(onC).name), '-n', NAMESPACE, '--wait=false']);
    await kube.waitFor(
      '3 pods bound to the 2 remaining nodes',
      120,
      () => {
        kube.actAsKubelets(NAMESPACE);
        const list = kube
          .items(['get', 'pods', '-n', NAMESPACE, '-l', selector])
          .filter((p) => !meta(p).deletionTimestamp);
        const bound = list.filter((p) => ['node-a', 'node-b'].includes(String((p.spec as Obj).nodeName)));
        return bound.length >= 3 ? bound : undefined;
      },
      NAMESPACE,
    );
  });

  test('an upgrade that changes every mutable value, then rollback', () => {
    const changed = join(plane.dir, `changed-${major}.yaml`);
    const values = {
      coder: {
        annotations: { 'example.com/changed': 'yes' },
        labels: { 'example.com/tier': 'gold' },
        podAnnotations: { 'example.com/pod': 'changed' },
        podLabels: { 'example.com/pod-tier': 'gold' },
        image: { tag: 'v2.37.0', pullPolicy: 'Always' },
        resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
        readinessProbe: { periodSeconds: 7, failureThreshold: 1 },
        livenessProbe: { enabled: true },
        service: { type: 'ClusterIP', sessionAffinity: 'ClientIP', annotations: { 'example.com/svc': 'changed' } },
        serviceAccount: {
          annotations: { 'example.com/sa': 'changed' },
          extraRules: [{ apiGroups: [''], resources: ['services'], verbs: ['get'] }],
        },
        highAvailability: { podDisruptionBudget: { maxUnavailable: 2 } },
        tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }],
        priorityClassName: '',
      },
    };
    writeFileSync(changed, dump(values));
    const revisionBefore = JSON.parse(helm(['history', release, '--namespace', NAMESPACE, '-o', 'json']).stdout)
      .length as number;
    const upgrade = helm(['upgrade', release, CHART_DIR, '--namespace', NAMESPACE, '--reuse-values', '-f', changed]);
    expect(upgrade.stderr).toBe('');
    const live = deployment();
    expect(meta(live).annotations).toMatchObject({ 'example.com/changed': 'yes' });
    const container = (((live.spec as Obj).template as Obj).spec as Obj).containers as Obj[];
    expect(container[0].image).toBe('ghcr.io/coder/coder:v2.37.0');
    expect((kube.json(['get', 'service', 'coder', '-n', NAMESPACE]).spec as Obj).type).toBe('ClusterIP');
    expect((kube.json(['get', 'pdb', 'coder', '-n', NAMESPACE]).spec as Obj).maxUnavailable).toBe(2);

    const rollback = helm(['rollback', release, String(revisionBefore), '--namespace', NAMESPACE]);
    expect(rollback.status).toBe(0);
    const restored = deployment();
    expect(meta(restored).annotations ?? {}).not.toHaveProperty('example.com/changed');
    expect(((((restored.spec as Obj).template as Obj).spec as Obj).containers as Obj[])[0].image).toMatch(
      /:v2\.37\.1$/,
    );
    expect((kube.json(['get', 'service', 'coder', '-n', NAMESPACE]).spec as Obj).type).toBe('LoadBalancer');
    expect((kube.json(['get', 'pdb', 'coder', '-n', NAMESPACE]).spec as Obj).maxUnavailable).toBe(1);
  });

  test('helm uninstall leaves nothing the chart created', async () => {
    const manifest = objectsOf(helm(['get', 'manifest', release, '--namespace', NAMESPACE]).stdout);
    expect(helm(['uninstall', release, '--namespace', NAMESPACE]).status).toBe(0);
    await kube.waitFor('every object of the release to be gone', 60, () =>
      manifest.every((o) => !kube.exists(String(o.kind), String(meta(o).name), String(meta(o).namespace ?? NAMESPACE))),
    );
    // Controllers delete the pods; without kubelets nothing confirms that a pod stopped, so they
    // stay Terminating. Each must be on its way out; then force them out, as a kubelet would.
    const podSelector = 'app.kubernetes.io/instance=coder';
    await kube.waitFor(
      'every pod of the release to be marked for deletion',
      60,
      () => kube.items(['get', 'pods', '-n', NAMESPACE, '-l', podSelector]).every((p) => meta(p).deletionTimestamp),
      NAMESPACE,
    );
    kube.ok([
      'delete',
      'pods',
      '-n',
      NAMESPACE,
      '-l',
      podSelector,
      '--grace-period=0',
      '--force',
      '--ignore-not-found',
    ]);
    await kube.waitFor(
      'the release’s pods to be gone',
      60,
      () => kube.items(['get', 'pods', '-n', NAMESPACE, '-l', podSelector]).length === 0,
      NAMESPACE,
    );
    expect(kube.items(['get', 'replicasets', '-n', NAMESPACE, '-l', podSelector])).toEqual([]);
    for (const node of ['node-a', 'node-b']) kube.kubectl(['delete', 'node', node, '--ignore-not-found']);
  });
});

/**
 * A drop-in for the official chart: a release installed with the official chart's objects moves to
 * this chart with `helm upgrade`, and back with `helm rollback`. The official objects are the
 * official chart's own render of its default scenario (test/conformance/official), installed as a
 * chart of static templates under the release the render was made for.
 */
describe.each(HELM_MAJORS)('Helm %i: from a release of the official chart', (major: HelmMajor) => {
  const namespace = `from-official-${major}`;
  const release = 'release-name';
  const scenario = join(PACKAGE_ROOT, 'test', 'conformance', 'official', 'default_values');
  const helm = (args: string[]) => kube.helm(major, args);
  const uid = (kind: string, name: string) => String(meta(kube.json(['get', kind, name, '-n', namespace])).uid);
  const selectorOf = () => (kube.json(['get', 'deployment', 'coder', '-n', namespace]).spec as Obj).selector;

  /** The official render as a chart: the same objects, in this test's namespace. */
  function officialChart(): string {
    const dir = join(plane.dir, `official-chart-${major}`);
    mkdirSync(join(dir, 'templates'), { recursive: true });
    writeFileSync(join(dir, 'Chart.yaml'), dump({ apiVersion: 'v2', name: 'coder', version: '0.1.0' }));
    const render = readFileSync(`${scenario}.coder.reference.yaml`, 'utf8').replace(
      /^(\s+)namespace: coder$/gm,
      `$1namespace: ${namespace}`,
    );
    expect(render).not.toContain('{{');
    writeFileSync(join(dir, 'templates', 'official.yaml'), render);
    return dir;
  }

  test('helm upgrade keeps the same Deployment, Service and RoleBinding; helm rollback goes back', () => {
    kube.ok(['create', 'namespace', namespace]);
    const install = helm(['install', release, officialChart(), '--namespace', namespace]);
    expect(install.status).toBe(0);
    const official = objectsOf(helm(['get', 'manifest', release, '--namespace', namespace]).stdout);
    expect(official.map((o) => o.kind).sort()).toEqual([
      'Deployment',
      'Role',
      'RoleBinding',
      'Service',
      'ServiceAccount',
    ]);
    const before = {
      deployment: uid('deployment', 'coder'),
      service: uid('service', 'coder'),
      roleBinding: uid('rolebinding', 'coder'),
      selector: selectorOf(),
    };

    // The selector and the RoleBinding's roleRef are immutable: a chart that changed either could not take over.
    const upgrade = helm([
      'upgrade',
      release,
      CHART_DIR,
      '--namespace',
      namespace,
      '-f',
      `${scenario}.values.yaml`,
      '--set-string',
      'coder.podAnnotations.owner=coder-ha',
    ]);
    expect(upgrade.status).toBe(0);
    expect(upgrade.stderr).toBe('');
    expect(uid('deployment', 'coder')).toBe(before.deployment);
    expect(uid('service', 'coder')).toBe(before.service);
    expect(uid('rolebinding', 'coder')).toBe(before.roleBinding);
    expect(selectorOf()).toEqual(before.selector);
    const ours = objectsOf(helm(['get', 'manifest', release, '--namespace', namespace]).stdout);
    for (const object of ours) {
      const live = kube.json(['get', String(object.kind), String(meta(object).name), '-n', namespace]);
      expect(meta(live).labels ?? {}).toMatchObject((meta(object).labels ?? {}) as Obj);
    }
    // The values given to the upgrade reached the live pod template.
    const template = (kube.json(['get', 'deployment', 'coder', '-n', namespace]).spec as Obj).template as Obj;
    expect(meta(template).annotations).toMatchObject({ owner: 'coder-ha', 'app.kubernetes.io/component': 'coderd' });

    const rollback = helm(['rollback', release, '1', '--namespace', namespace]);
    expect(rollback.status).toBe(0);
    expect(uid('deployment', 'coder')).toBe(before.deployment);
    const restored = (kube.json(['get', 'deployment', 'coder', '-n', namespace]).spec as Obj).template as Obj;
    expect(meta(restored).annotations ?? {}).not.toHaveProperty('owner');
    // What this chart adds to the official objects (the headless Service the helm test uses) is gone again.
    const added = ours.filter((o) => !official.some((a) => a.kind === o.kind && meta(a).name === meta(o).name));
    expect(added.map((o) => `${String(o.kind)}/${String(meta(o).name)}`)).toEqual(['Service/coder-headless']);
    for (const object of added)
      expect(kube.exists(String(object.kind), String(meta(object).name), namespace)).toBe(false);

    expect(helm(['uninstall', release, '--namespace', namespace]).status).toBe(0);
    kube.ok(['delete', 'namespace', namespace, '--wait=false']);
  });
});

afterAll(() => {
  process.stderr.write(`e2e timings: ${JSON.stringify(timings)}\n`);
});
