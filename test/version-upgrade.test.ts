/**
 * Coder version upgrades: the rollout a `helm upgrade` gets from the live Deployment it finds
 * (Helm's `lookup`, given to the concrete render as `liveObjects`). Coder's upgrade guidance: old
 * replicas holding database connections may keep a new version from migrating, so before a
 * version change scale to one (minimal downtime) or to zero (a clean cutover). The e2e suite
 * watches the same rollouts in a control plane.
 */
import { chartInfo } from '../src/chart-meta';
import { Manifest } from '../src/backends/concrete';
import { renderManifests, ValueMap } from '../src/render';
import { findObject, Obj } from './support/manifests';

const NAMESPACE = 'coder-prod';
const POSTGRES = { name: 'CODER_PG_CONNECTION_URL', valueFrom: { secretKeyRef: { name: 'coder-db', key: 'url' } } };
const DEFAULT_IMAGE = `ghcr.io/coder/coder:v${chartInfo().AppVersion}`;

/** A live coder Deployment as the cluster holds it, running `image`. */
function liveDeployment(image: string, namespace = NAMESPACE): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'coder', namespace },
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'coder', image },
            { name: 'log-shipper', image: 'example/shipper:1' },
          ],
        },
      },
    },
  };
}

function strategy(replicaCount: number, coder: ValueMap = {}, live: Manifest[] = []): Obj | undefined {
  const values = { coder: { replicaCount, env: [POSTGRES], ...coder } };
  const objects = renderManifests([values], {
    releaseName: 'team-coder',
    namespace: NAMESPACE,
    liveObjects: live,
  }) as Obj[];
  return (findObject(objects, 'Deployment', 'coder').spec as Obj).strategy as Obj | undefined;
}

/**
 * What the Deployment controller allows for a strategy with `replicas`: how many old-version
 * pods may still run while new-version pods start, and whether the rollout may ever run fewer
 * than `replicas` ready pods. Only integer surge/unavailable figures are rendered by the chart.
 */
function rolloutBounds(s: Obj | undefined, replicas: number): { oldPodsWhileNewStart: number; minReady: number } {
  if (s?.type === 'Recreate') return { oldPodsWhileNewStart: 0, minReady: 0 };
  // Kubernetes' default rolling update: 25 % surge (rounded up) and 25 % unavailable (rounded down).
  const rolling = (s?.rollingUpdate ?? { maxSurge: '25%', maxUnavailable: '25%' }) as Obj;
  const figure = (v: unknown, round: (x: number) => number) =>
    typeof v === 'string' ? round((replicas * Number(v.replace('%', ''))) / 100) : Number(v);
  const maxUnavailable = figure(rolling.maxUnavailable, Math.floor);
  const maxSurge = figure(rolling.maxSurge, Math.ceil);
  // Kubernetes refuses a surge and an unavailability both 0.
  expect(maxSurge + maxUnavailable).toBeGreaterThan(0);
  // With a surge the controller creates new pods before it takes old ones down, so for a
  // moment every old pod runs beside a starting new one; without, new pods are only created
  // once the old ReplicaSet is down to replicas - maxUnavailable.
  return {
    oldPodsWhileNewStart: maxSurge > 0 ? replicas : replicas - maxUnavailable,
    minReady: replicas - maxUnavailable,
  };
}

describe('a helm upgrade that changes the Coder version', () => {
  const upgradeFrom = [liveDeployment('ghcr.io/coder/coder:v2.20.0')];

  test.each([1, 2, 3, 5, 7])(
    'minimal downtime (default), %i replica(s): at most one old replica runs while the new version starts',
    (replicas) => {
      const s = strategy(replicas, {}, upgradeFrom);
      expect(s?.type).toBe('RollingUpdate');
      expect(rolloutBounds(s, replicas).oldPodsWhileNewStart).toBe(Math.min(replicas, 1));
    },
  );

  test.each([1, 2, 3, 5])('cutover, %i replica(s): no old replica runs while the new version starts', (replicas) => {
    const s = strategy(replicas, { highAvailability: { versionUpgrade: 'cutover' } }, upgradeFrom);
    expect(s).toEqual({ type: 'Recreate' });
    expect(rolloutBounds(s, replicas).oldPodsWhileNewStart).toBe(0);
  });

  test('rolling keeps the surge rollout, which Coder warns may fail during migrations', () => {
    const s = strategy(3, { highAvailability: { versionUpgrade: 'rolling' } }, upgradeFrom);
    expect(rolloutBounds(s, 3)).toEqual({ oldPodsWhileNewStart: 3, minReady: 3 });
  });

  test('a version change is a change of the Coder version, not of the image string', () => {
    const upgrade = (values: ValueMap, live: string) => rolloutBounds(strategy(3, values, [liveDeployment(live)]), 3);
    const asConfigChange = { oldPodsWhileNewStart: 3, minReady: 3 };
    expect(upgrade({ image: { tag: 'v2.21.0' } }, 'ghcr.io/coder/coder:v2.20.0').oldPodsWhileNewStart).toBe(1);
    // A mirror of the same version: another registry and repository, the same tag.
    expect(upgrade({ image: { repo: 'registry.example.com:5000/mirror/coder' } }, DEFAULT_IMAGE)).toEqual(
      asConfigChange,
    );
    // An admission webhook pinned the digest beside the tag in the live Deployment.
    const pinned = `${DEFAULT_IMAGE}@sha256:${'0a'.repeat(32)}`;
    expect(upgrade({}, pinned)).toEqual(asConfigChange);
    // The default tag written out, with or without its "v": the same version.
    expect(upgrade({ image: { tag: `v${chartInfo().AppVersion}` } }, DEFAULT_IMAGE)).toEqual(asConfigChange);
    expect(upgrade({ image: { tag: chartInfo().AppVersion } }, DEFAULT_IMAGE)).toEqual(asConfigChange);
    // By digest alone, a new digest is a new version; the same digest is not.
    const byDigest = (hex: string) => ({ image: { tag: `@sha256:${hex.repeat(32)}` } });
    const liveByDigest = `ghcr.io/coder/coder@sha256:${'0a'.repeat(32)}`;
    expect(upgrade(byDigest('0b'), liveByDigest).oldPodsWhileNewStart).toBe(1);
    expect(upgrade(byDigest('0a'), liveByDigest)).toEqual(asConfigChange);
  });

  test('your own coder.strategy wins over the version-upgrade rollout', () => {
    const own = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: 0 } };
    expect(strategy(3, { strategy: own }, upgradeFrom)).toEqual(own);
  });
});

describe('every other upgrade keeps the zero-downtime surge rollout', () => {
  test.each([2, 3, 5])('config-only upgrade of %i replicas: never below replicaCount ready', (replicas) => {
    const s = strategy(replicas, { env: [POSTGRES, { name: 'CODER_VERBOSE', value: 'true' }] }, [
      liveDeployment(DEFAULT_IMAGE),
    ]);
    expect(s).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(rolloutBounds(s, replicas).minReady).toBe(replicas);
  });

  test('an install (no live Deployment) and a render without a cluster get the surge rollout', () => {
    expect(strategy(3)).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(strategy(1)).toBeUndefined();
  });

  test("a Deployment named coder in another namespace is another release's", () => {
    const elsewhere = [liveDeployment('ghcr.io/coder/coder:v2.20.0', 'coder-staging')];
    expect(strategy(3, {}, elsewhere)).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
  });

  test('the coder container is found by name, not by position', () => {
    const live = liveDeployment(DEFAULT_IMAGE);
    const podSpec = ((live.spec as Obj).template as Obj).spec as Obj;
    podSpec.containers = [...(podSpec.containers as Obj[])].reverse();
    expect(rolloutBounds(strategy(3, {}, [live]), 3).minReady).toBe(3);
  });
});

describe('a restart while the version-upgrade rollout is live', () => {
  const upgradeFrom = [liveDeployment('ghcr.io/coder/coder:v2.20.0')];
  const GUARD = 'coder-restart-guard.coder-prod';

  function render(replicaCount: number, coder: ValueMap = {}, live: Manifest[] = upgradeFrom, apiVersions?: string[]) {
    const values = { coder: { replicaCount, env: [POSTGRES], ...coder } };
    return renderManifests([values], {
      namespace: NAMESPACE,
      liveObjects: live,
      ...(apiVersions ? { apiVersions } : {}),
    }) as Obj[];
  }
  const guardOf = (objects: Obj[]) => ({
    policy: objects.find((o) => o.kind === 'ValidatingAdmissionPolicy'),
    binding: objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding'),
  });

  // Every case where the rendered rollout, run again for a restart of the same version, would
  // take replicas down, and every case where it would not: the guard is there exactly then.
  test.each([
    [3, {}, upgradeFrom],
    [2, {}, upgradeFrom],
    [1, {}, upgradeFrom],
    [3, { highAvailability: { versionUpgrade: 'cutover' } }, upgradeFrom],
    [1, { highAvailability: { versionUpgrade: 'cutover' } }, upgradeFrom],
    [3, { highAvailability: { versionUpgrade: 'rolling' } }, upgradeFrom],
    [3, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: 0 } } }, upgradeFrom],
    [3, {}, [liveDeployment(DEFAULT_IMAGE)]],
    [3, {}, []],
  ] as [number, ValueMap, Manifest[]][])(
    '%i replica(s), %j: the guard is rendered exactly when a restart would take replicas down',
    (replicas, coder, live) => {
      const objects = render(replicas, coder, live);
      const rollout = (findObject(objects, 'Deployment', 'coder').spec as Obj).strategy as Obj | undefined;
      const takesReplicasDown = rolloutBounds(rollout, replicas).minReady < replicas;
      const { policy, binding } = guardOf(objects);
      expect({ policy: policy !== undefined, binding: binding !== undefined }).toEqual({
        policy: takesReplicasDown,
        binding: takesReplicasDown,
      });
    },
  );

  test('the policy refuses template changes of the coder Deployment in the release namespace, and says what to run', () => {
    const { policy, binding } = guardOf(render(3));
    expect((policy?.metadata as Obj).name).toBe(GUARD);
    expect(binding?.spec).toEqual({
      policyName: GUARD,
      validationActions: ['Deny'],
      matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': NAMESPACE } } },
    });
    const spec = policy?.spec as Obj;
    expect(spec.failurePolicy).toBe('Fail');
    expect(spec.matchConstraints).toEqual({
      resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['deployments'] }],
    });
    expect(spec.matchConditions).toEqual([
      { name: 'the-coder-deployment', expression: "object.metadata.name == 'coder'" },
    ]);
    const [validation] = spec.validations as Obj[];
    // Allowed: the next helm upgrade (a new rollout), no new pods, a new Coder version.
    expect(String(validation.expression).split(' || ')).toEqual([
      'object.spec.strategy != oldObject.spec.strategy',
      'object.spec.template == oldObject.spec.template',
      'variables.newVersion != variables.oldVersion',
    ]);
    expect(validation.message).toContain('helm upgrade <release> <chart> --reuse-values');
    // Both versions read the label the pods carry, and the Service selects.
    const labels = (findObject(render(3), 'Deployment', 'coder').spec as Obj).template as Obj;
    expect((labels.metadata as Obj).labels).toHaveProperty(['app.kubernetes.io/version']);
    for (const variable of spec.variables as Obj[])
      expect(variable.expression).toContain("['app.kubernetes.io/version']");
  });

  test('turned off, or on a cluster that does not serve admissionregistration.k8s.io/v1 policies: not rendered', () => {
    expect(guardOf(render(3, { highAvailability: { restartGuard: false } })).policy).toBeUndefined();
    const before130 = ['apps/v1', 'v1', 'admissionregistration.k8s.io/v1', 'admissionregistration.k8s.io/v1beta1'];
    expect(guardOf(render(3, {}, upgradeFrom, before130))).toEqual({ policy: undefined, binding: undefined });
    const served = [
      ...before130,
      'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy',
      'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding',
    ];
    expect(guardOf(render(3, {}, upgradeFrom, served)).policy).toBeDefined();
  });
});
