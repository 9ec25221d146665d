/**
 * High availability observed: the chart installed with Helm 3 and Helm 4 into a real control
 * plane whose nodes have simulated kubelets (kwok), for 2, 3 and 5 replicas over 3 zones, with
 * the official chart's HA defaults observed the same way. Every assertion reads watches of live
 * objects (pods, EndpointSlices), never manifests. The figures are compared with the observed
 * table in docs/high-availability.md: a figure worse than the documented one fails.
 * `CODER_HA_WRITE_OBSERVED=1 npm run test:e2e -- ha-observed` rewrites that table.
 */
import { dump } from 'js-yaml';
import { helm as runHelm, HelmResult } from '../../tools/helm/helm';
import { runProcess } from '../../tools/helm/run-process';
import { HelmMajor, kubectlBinary } from '../../tools/helm/tools';
import { HUNG_REPLICA_OUT_OF_ENDPOINTS_SECONDS } from '../../src/coder/promises';
import { ValueMap } from '../../src/render';
import { buildControlPlane, ControlPlane, EVICTION_TOLERATION_SECONDS } from './control-plane';
import { Kube, Obj } from './kube';
import {
  buildKwok,
  FAILED_NODE_ANNOTATION,
  HUNG_POD_ANNOTATION,
  kwokNode,
  kwokVersion,
  START_AFTER_ANNOTATION,
} from './kwok';
import { observedTable } from './observed-doc';
import { CHART_DIR } from './paths';
import { CODER_VERSION } from './real-coder/coderd-build';
import { officialChartDir } from '../../tools/official/official-chart';
import { imageOf, isDeleting, isReady, nodeOf, ObjectWatch, PodState, PodWatch } from './watch';

const ZONES = ['zone-a', 'zone-b', 'zone-c'];
const NODES_PER_ZONE = 2;
const { start: START, end: END, publish } = observedTable('ha-observed', 'npm run test:e2e');
/** The time a new Coder version's pods take to start in these scenarios: their "migration". */
const MIGRATION = '5s';
/**
 * The time every other pod takes to turn Ready once it runs: longer than two `kubectl drain`
 * processes started together take to reach the eviction API, so the second always meets the budget.
 */
const POD_START = '3s';
const POSTGRES = { name: 'CODER_PG_CONNECTION_URL', valueFrom: { secretKeyRef: { name: 'coder-db', key: 'url' } } };

type Variant = 'ours' | 'official';

/** What one round observed. Counts are replicas; times are seconds. */
interface Observed {
  readyDuringConfigUpgrade: number;
  readyDuringDrain: number;
  readyDuringTwoDrains: number;
  secondDrainHeldBack: boolean;
  nodeFailureLoss: number;
  nodeFailureRecoverySeconds: number;
  zoneFailureLoss: number;
  zoneFailureRecoverySeconds: number;
  endpointRemovalSeconds: number;
  oldReplicasDuringVersionUpgrade: number;
  oldReplicasDuringCutover: number;
  versionUpgradeSeconds: number;
}

const observed: Record<string, Observed> = {};
let plane: ControlPlane;
let kube: Kube;

beforeAll(
  async () => {
    const build = buildControlPlane();
    const kwokSeconds = buildKwok();
    process.stderr.write(
      `control plane: built ${build.built.join(', ') || 'nothing (cached)'} in ${build.seconds.toFixed(1)} s; ` +
        `kwok ${kwokSeconds ? `built in ${kwokSeconds.toFixed(1)} s` : 'cached'} (${kwokVersion()})\n`,
    );
    plane = await ControlPlane.start({ simulatedKubelets: true });
    kube = new Kube(plane.kubeconfigPath);
    await kube.waitFor('the default ServiceAccount controller', 60, () =>
      kube.exists('serviceaccount', 'default', 'default'),
    );
  },
  30 * 60 * 1000,
);

afterAll(async () => {
  await plane?.stop();
});

const credentials = () => ({ port: plane.apiPort, dir: plane.dir });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The fewest Ready replicas in a window of states; a window that saw nothing fails the scenario. */
const minReady = (states: readonly PodState[]): number => {
  if (states.length === 0) throw new Error('no pod state was observed in this window: the watch saw nothing');
  return Math.min(...states.map((s) => s.ready));
};

async function kubectl(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return runProcess(kubectlBinary(), ['--kubeconfig', plane.kubeconfigPath, ...args]);
}

async function ok(run: Promise<HelmResult> | Promise<{ status: number; stderr: string; stdout: string }>) {
  const result = await run;
  if (result.status !== 0) throw new Error(`command failed:\n${result.stderr}`);
  return result.stdout;
}

/** The pods of the round running now: `until` fails as soon as their watch breaks. */
let roundPods: PodWatch | undefined;

/** Waits, without blocking the watches, until `done` holds for the pods' current state. */
async function until(what: string, seconds: number, done: () => boolean, namespace: string): Promise<number> {
  const start = Date.now();
  while (!done()) {
    roundPods?.watch.check();
    if (Date.now() - start > seconds * 1000) {
      throw new Error(`timed out after ${seconds} s waiting for ${what}\n${kube.diagnose(namespace)}`);
    }
    await sleep(100);
  }
  return (Date.now() - start) / 1000;
}

/** Fresh nodes for a round (the previous round's are deleted), two per zone, run by kwok. */
function freshNodes(prefix: string): string[] {
  for (const node of kube.items(['get', 'nodes'])) kube.ok(['delete', 'node', String((node.metadata as Obj).name)]);
  const names: string[] = [];
  for (const zone of ZONES) {
    for (let i = 1; i <= NODES_PER_ZONE; i++) {
      const name = `${prefix}-${zone}-${i}`;
      names.push(name);
      kube.ok(['apply', '-f', '-'], JSON.stringify(kwokNode(name, zone)));
    }
  }
  return names;
}

/**
 * Values for a round: the same for both charts, each chart's own defaults for the rest. Every pod
 * becomes Ready POD_START after it runs, so that a replacement is not Ready before a second,
 * concurrent drain asks to evict (the PodDisruptionBudget must hold it back on a loaded machine).
 */
function valuesFor(replicas: number, extra: ValueMap = {}): string {
  // ClusterIP: no load balancer answers here, and Helm 3's --wait would wait for its address.
  const coder = {
    replicaCount: replicas,
    env: [POSTGRES],
    service: { type: 'ClusterIP' },
    podAnnotations: { [START_AFTER_ANNOTATION]: POD_START },
    ...extra,
  };
  return dump({ coder });
}

/** Ready pods per node, of the coderd pods now. */
function podsPerNode(pods: Obj[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const pod of pods) if (!isDeleting(pod)) counts.set(nodeOf(pod), (counts.get(nodeOf(pod)) ?? 0) + 1);
  return counts;
}

async function setNodeFailed(nodes: string[], failed: boolean): Promise<void> {
  const value = failed ? `${FAILED_NODE_ANNOTATION}=true` : `${FAILED_NODE_ANNOTATION}-`;
  await Promise.all(nodes.map((node) => ok(kubectl(['annotate', 'node', node, value, '--overwrite']))));
}

/**
 * Waits for a node failure to play out: replicas lost (the fewest Ready after the failure) and
 * the seconds until `replicas` were Ready again on nodes that did not fail.
 */
async function observeFailure(
  pods: PodWatch,
  nodes: string[],
  replicas: number,
  namespace: string,
): Promise<{ lost: number; seconds: number }> {
  const since = pods.watch.now();
  // A failed node's kubelet is gone: its pods stop answering at once (kwok, which stands in for
  // every kubelet, must not report them ready again), and the node reports NotReady.
  const stranded = pods
    .pods()
    .filter((p) => nodes.includes(nodeOf(p)))
    .map((p) => String((p.metadata as Obj).name));
  await Promise.all([
    setNodeFailed(nodes, true),
    stranded.length > 0
      ? ok(kubectl(['annotate', 'pod', ...stranded, '-n', namespace, `${HUNG_POD_ANNOTATION}=true`, '--overwrite']))
      : Promise.resolve(''),
  ]);
  const healthyReady = () =>
    pods.pods().filter((p) => isReady(p) && !nodes.includes(nodeOf(p))).length === replicas &&
    pods.current().ready === replicas;
  // First the pods on the failed nodes must be evicted, then replaced.
  await until(
    'the failed node to lose its pods',
    60,
    () => pods.pods().every((p) => !nodes.includes(nodeOf(p))),
    namespace,
  );
  await until(`${replicas} ready replicas on healthy nodes`, 60, healthyReady, namespace);
  const seconds = (pods.watch.now() - since) / 1000;
  const lost = replicas - minReady(pods.statesSince(since));
  await setNodeFailed(nodes, false);
  await until(
    'the nodes to be Ready again',
    60,
    () =>
      nodes.every((n) =>
        (((kube.json(['get', 'node', n]).status as Obj).conditions as Obj[]) ?? []).some(
          (c) => c.type === 'Ready' && c.status === 'True',
        ),
      ),
    namespace,
  );
  return { lost, seconds };
}

/** `kubectl drain` as an operator runs it: cordon, then evict through the eviction API. */
function drain(node: string) {
  return kubectl(['drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=120s']);
}

/**
 * The Helm major that installs this chart at each replica count: each scenario runs under both
 * majors across the counts. The two render the same manifests (the unit suite's parity tests), and
 * the real-coderd suite runs 3 replicas under both.
 */
const OURS_MAJOR: Record<number, HelmMajor> = { 2: 3, 3: 4, 5: 3 };

function rounds(): [Variant, HelmMajor, number][] {
  const list: [Variant, HelmMajor, number][] = [];
  for (const replicas of [2, 3, 5]) {
    list.push(['ours', OURS_MAJOR[replicas], replicas]);
    list.push(['official', 4, replicas]);
  }
  return list;
}

describe.each(rounds())('%s defaults, Helm %i, %i replicas over 3 zones', (variant, major, replicas) => {
  const namespace = `obs-${variant}-${replicas}-h${major}`;
  const release = variant === 'official' ? 'coder' : 'team-coder';
  const key = `${variant}/${replicas}/${major}`;
  const figures = {} as Observed;
  let pods: PodWatch;
  let nodes: string[];
  let imageTag = 'v2.20.0';

  const helmArgs = (verb: string) => [
    verb,
    release,
    variant === 'official' ? officialChartDir(CODER_VERSION) : CHART_DIR,
    '-n',
    namespace,
    '--wait',
    '--timeout',
    '3m',
    '--kubeconfig',
    plane.kubeconfigPath,
    '-f',
    '-',
  ];
  const upgrade = (extra: ValueMap) => runHelm(major, helmArgs('upgrade'), valuesFor(replicas, extra));

  beforeAll(
    async () => {
      nodes = freshNodes(`n${replicas}${variant[0]}${major}`);
      kube.ok(['create', 'namespace', namespace]);
      const install = await runHelm(major, helmArgs('install'), valuesFor(replicas, { image: { tag: imageTag } }));
      if (install.status !== 0) throw new Error(`helm install failed:\n${install.stderr}\n${kube.diagnose(namespace)}`);
      pods = roundPods = await PodWatch.start(
        credentials(),
        namespace,
        `app.kubernetes.io/instance=${release},app.kubernetes.io/name=coder`,
      );
      await until(`${replicas} ready replicas`, 60, () => pods.current().ready === replicas, namespace);
    },
    5 * 60 * 1000,
  );

  afterAll(async () => {
    pods?.watch.stop();
    observed[key] = figures;
    await runHelm(major, ['uninstall', release, '-n', namespace, '--kubeconfig', plane.kubeconfigPath]);
  });

  const rolledOut = (image: string) => () => {
    const now = pods.current();
    return (now.readyByImage[image] ?? 0) === replicas && Object.keys(now.liveByImage).length === 1;
  };

  test('a config-only helm upgrade', async () => {
    const since = pods.watch.now();
    const run = await upgrade({ image: { tag: imageTag }, env: [POSTGRES, { name: 'CODER_VERBOSE', value: 'true' }] });
    expect(run.stderr).toBe('');
    await until(
      'the config rollout',
      60,
      () => pods.current().ready === replicas && pods.pods().length === replicas,
      namespace,
    );
    figures.readyDuringConfigUpgrade = minReady(pods.statesSince(since));
    if (variant === 'ours') expect(figures.readyDuringConfigUpgrade).toBe(replicas);
  });

  test('a hung replica leaves the Service endpoints', async () => {
    const slices = await ObjectWatch.start(
      credentials(),
      `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices?labelSelector=${encodeURIComponent('kubernetes.io/service-name=coder')}`,
    );
    try {
      const victim = pods.pods().find(isReady) as Obj;
      const name = String((victim.metadata as Obj).name);
      const readyEndpoint = () =>
        [...slices.objects.values()].some((s) =>
          ((s.endpoints ?? []) as Obj[]).some(
            (e) => ((e.targetRef ?? {}) as Obj).name === name && ((e.conditions ?? {}) as Obj).ready === true,
          ),
        );
      await until('the victim in the endpoints', 30, readyEndpoint, namespace);
      await ok(kubectl(['annotate', 'pod', name, '-n', namespace, `${HUNG_POD_ANNOTATION}=true`]));
      await until(
        'the kubelet to report it unready',
        30,
        () => !isReady(pods.watch.objects.get(name) as Obj),
        namespace,
      );
      const unreadyAt = slices.now();
      await until('the endpoint to turn unready', 30, () => !readyEndpoint(), namespace);
      figures.endpointRemovalSeconds = (slices.now() - unreadyAt) / 1000;
      slices.check();
      // The replica never comes back by itself here: replace it.
      await ok(kubectl(['delete', 'pod', name, '-n', namespace, '--wait=false']));
      await until(`${replicas} ready replicas`, 60, () => pods.current().ready === replicas, namespace);
    } finally {
      slices.stop();
    }
  });

  test('one node fails, then one zone', async () => {
    const busiest = [...podsPerNode(pods.pods()).entries()].sort((a, b) => b[1] - a[1])[0][0];
    const node = await observeFailure(pods, [busiest], replicas, namespace);
    figures.nodeFailureLoss = node.lost;
    figures.nodeFailureRecoverySeconds = node.seconds;
    const zoneOf = (n: string) => ZONES.find((z) => n.includes(z)) as string;
    const perZone = new Map<string, number>();
    for (const [n, count] of podsPerNode(pods.pods())) perZone.set(zoneOf(n), (perZone.get(zoneOf(n)) ?? 0) + count);
    const zone = [...perZone.entries()].sort((a, b) => b[1] - a[1])[0][0];
    const zoneResult = await observeFailure(
      pods,
      nodes.filter((n) => zoneOf(n) === zone),
      replicas,
      namespace,
    );
    figures.zoneFailureLoss = zoneResult.lost;
    figures.zoneFailureRecoverySeconds = zoneResult.seconds;
  });

  test('a node drain through the eviction API', async () => {
    const busiest = [...podsPerNode(pods.pods()).entries()].sort((a, b) => b[1] - a[1])[0][0];
    const since = pods.watch.now();
    await ok(drain(busiest));
    await until(`${replicas} ready replicas`, 60, () => pods.current().ready === replicas, namespace);
    figures.readyDuringDrain = minReady(pods.statesSince(since));
    await ok(kubectl(['uncordon', busiest]));
    if (variant === 'ours') expect(figures.readyDuringDrain).toBeGreaterThanOrEqual(replicas - 1);
  });

  test('two node drains at once: the PodDisruptionBudget holds the second back', async () => {
    const [first, second] = [...podsPerNode(pods.pods()).keys()];
    const since = pods.watch.now();
    const drains = await Promise.all([drain(first), drain(second)]);
    await until(`${replicas} ready replicas`, 90, () => pods.current().ready === replicas, namespace);
    figures.readyDuringTwoDrains = minReady(pods.statesSince(since));
    figures.secondDrainHeldBack = drains.some((d) => /disruption budget/i.test(d.stderr + d.stdout));
    await Promise.all([first, second].map((n) => ok(kubectl(['uncordon', n]))));
    if (variant === 'ours') {
      expect(drains.map((d) => d.status)).toEqual([0, 0]);
      expect(figures.secondDrainHeldBack).toBe(true);
      expect(figures.readyDuringTwoDrains).toBeGreaterThanOrEqual(replicas - 1);
    }
  });

  test('a Coder version upgrade, then one in cutover mode', async () => {
    const oldImage = imageOf(pods.pods()[0]);
    const oldDuring = async (tag: string, extra: ValueMap): Promise<{ old: number; seconds: number }> => {
      imageTag = tag;
      const since = pods.watch.now();
      const run = await upgrade({ image: { tag }, podAnnotations: { [START_AFTER_ANNOTATION]: MIGRATION }, ...extra });
      expect(run.stderr).toBe('');
      const newImage = `ghcr.io/coder/coder:${tag}`;
      await until(`${replicas} ready on ${newImage}`, 120, rolledOut(newImage), namespace);
      const seconds = (pods.watch.now() - since) / 1000;
      // While any pod of the new version runs but is not ready yet (migrating), how many old
      // ones run (not counting those already told to stop).
      const previous = Object.keys(pods.statesSince(since)[0].liveByImage);
      const migrating = pods.statesSince(since).filter((s) => (s.migratingByImage[newImage] ?? 0) > 0);
      // The watch saw the new version migrate: the figure below is about something that happened.
      expect(migrating.length).toBeGreaterThan(0);
      const old = Math.max(
        0,
        ...migrating.map((s) =>
          previous.filter((i) => i !== newImage).reduce((sum, i) => sum + (s.liveByImage[i] ?? 0), 0),
        ),
      );
      return { old, seconds };
    };
    expect(oldImage).toBe(`ghcr.io/coder/coder:${imageTag}`);
    const minimal = await oldDuring('v2.21.0', {});
    figures.oldReplicasDuringVersionUpgrade = minimal.old;
    figures.versionUpgradeSeconds = minimal.seconds;
    if (variant === 'ours') {
      expect(minimal.old).toBeLessThanOrEqual(1);
      const cutover = await oldDuring('v2.22.0', { highAvailability: { versionUpgrade: 'cutover' } });
      figures.oldReplicasDuringCutover = cutover.old;
      expect(cutover.old).toBe(0);
    }
  });
});

// ---- The documented table ---------------------------------------------------------------------

function table(): string {
  const rows: string[] = [];
  for (const replicas of [2, 3, 5]) {
    const get = (variant: Variant, major: HelmMajor) => observed[`${variant}/${replicas}/${major}`];
    const ours = [get('ours', OURS_MAJOR[replicas])].filter(Boolean);
    const official = get('official', 4);
    if (ours.length === 0 || !official) continue;
    // The worst of this chart's rounds at this count.
    const worst = <K extends keyof Observed>(k: K, worse: 'min' | 'max') =>
      (worse === 'min' ? Math.min : Math.max)(...ours.map((o) => Number(o[k])));
    const secs = (s: number) => `${Math.ceil(s)} s`;
    rows.push(
      `| ${replicas} | ${worst('readyDuringConfigUpgrade', 'min')} / ${official.readyDuringConfigUpgrade} | ` +
        `${worst('readyDuringDrain', 'min')} / ${official.readyDuringDrain} | ` +
        `${worst('readyDuringTwoDrains', 'min')} / ${official.readyDuringTwoDrains} | ` +
        `${worst('nodeFailureLoss', 'max')} (${secs(worst('nodeFailureRecoverySeconds', 'max'))}) / ${official.nodeFailureLoss} (${secs(official.nodeFailureRecoverySeconds)}) | ` +
        `${worst('zoneFailureLoss', 'max')} (${secs(worst('zoneFailureRecoverySeconds', 'max'))}) / ${official.zoneFailureLoss} (${secs(official.zoneFailureRecoverySeconds)}) | ` +
        `${HUNG_REPLICA_OUT_OF_ENDPOINTS_SECONDS} s + ${secs(worst('endpointRemovalSeconds', 'max'))} | ` +
        `${worst('oldReplicasDuringVersionUpgrade', 'max')} (cutover ${worst('oldReplicasDuringCutover', 'max')}) / ${official.oldReplicasDuringVersionUpgrade} |`,
    );
  }
  return [
    START,
    `Observed by \`npm run test:e2e\` (test/e2e/ha-observed.e2e.ts): each cell is **this chart / the official chart**,`,
    `this chart installed by Helm ${OURS_MAJOR[2]} (2 replicas), ${OURS_MAJOR[3]} (3) and ${OURS_MAJOR[5]} (5), the official one by Helm 4. This control plane lets pods tolerate a failed`,
    `node for ${EVICTION_TOLERATION_SECONDS} s (Kubernetes' default is 300 s); this chart's pods tolerate it for their own 30 s`,
    '(`coder.highAvailability.nodeFailureTolerationSeconds`), which is why its recovery times are the longer here and the',
    `shorter on a real cluster (see the real-coderd table below). Pods turn Ready ${POD_START} after they start, a new version's`,
    `${MIGRATION} (their migration).`,
    '',
    '| replicas | fewest ready during a config upgrade | fewest ready during a node drain | fewest ready during two drains at once | replicas lost to a node failure (time to all ready) | replicas lost to a zone failure (time to all ready) | hung replica out of the endpoints (probe window + observed) | old replicas running while a new version starts |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    END,
  ].join('\n');
}

/**
 * What the chart promises with its defaults (docs/high-availability.md states each): a rollout
 * never drops below replicaCount ready replicas; a drain, or two at once, takes down at most one
 * (the PodDisruptionBudget holds the second back); the node spread loses at most one replica to a
 * node failure and the zone spread at most ceil(replicas / 3) to a zone failure; a Coder version
 * upgrade keeps at most one old replica beside a migrating new one, and cutover none.
 */
function promisesHold(replicas: number, o: Observed): void {
  expect(o.readyDuringConfigUpgrade).toBe(replicas);
  expect(o.readyDuringDrain).toBeGreaterThanOrEqual(replicas - 1);
  expect(o.readyDuringTwoDrains).toBeGreaterThanOrEqual(replicas - 1);
  expect(o.secondDrainHeldBack).toBe(true);
  expect(o.nodeFailureLoss).toBeLessThanOrEqual(1);
  expect(o.zoneFailureLoss).toBeLessThanOrEqual(Math.ceil(replicas / ZONES.length));
  expect(o.oldReplicasDuringVersionUpgrade).toBeLessThanOrEqual(1);
  expect(o.oldReplicasDuringCutover).toBe(0);
}

test('the observed figures keep the promises docs/high-availability.md states', () => {
  const now = table();
  publish(now);
  for (const replicas of [2, 3, 5]) {
    const major = OURS_MAJOR[replicas];
    const o = observed[`ours/${replicas}/${major}`];
    expect({ replicas, major, observed: Boolean(o) }).toEqual({ replicas, major, observed: true });
    if (o) promisesHold(replicas, o);
  }
});
