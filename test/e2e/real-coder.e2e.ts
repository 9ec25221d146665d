/**
 * High availability observed on Coder itself: real coderd (built from source) on a real
 * PostgreSQL, in pods that the real control plane creates and binds and that the kubelet stand-in
 * runs (test/e2e/real-coder). Installed with `helm install` by Helm 3 and Helm 4, against the
 * official chart itself (from the coder module) installed the same way. Every figure is read from
 * coderd, PostgreSQL, the API server's watches and the requests of a load generator.
 *
 * `CODER_HA_WRITE_OBSERVED=1 npm run test:e2e -- real-coder` rewrites the observed table in
 * docs/high-availability.md; without it the table is only printed. Bounds are the constants
 * below and in src/coder/promises.ts, which the docs state.
 */
import { dump } from 'js-yaml';
import { HelmMajor } from '../../tools/helm/tools';
import { HUNG_REPLICA_OUT_OF_ENDPOINTS_SECONDS } from '../../src/coder/promises';
import { ValueMap } from '../../src/render';
import { Obj } from './kube';
import { observedTable } from './observed-doc';
import { CHART_DIR } from './paths';
import { CoderClient } from './real-coder/coder-api';
import { CODER_VERSION } from './real-coder/coderd-build';
import { LoadGenerator, LoadReport } from './real-coder/load';
import { officialChartDir } from '../../tools/official/official-chart';
import { RealCluster } from './real-coder/real-cluster';
import { ServiceProxy } from './real-coder/service-proxy';
import {
  DATABASE_SECRET,
  helmIn,
  kubectlIn,
  labCoderEnv,
  signedInThroughService,
  untilIn,
} from './real-coder/scenario';
import { isReady, nodeOf, PodWatch } from './watch';

const { start: START, end: END, publish } = observedTable('real-coder', 'npm run test:e2e -- real-coder');

/** Coder's replicasync pings peers every 5 s and drops one after 3 missed syncs. */
const PEER_FAILURE_SEEN_WITHIN_SECONDS = 20;
/** A replica's probe windows are long; the time it may take coderd to start on a loaded machine. */
const START_WITHIN_SECONDS = 180;
/** The kubelet's status write adds up to this after the probe window. */
const ENDPOINT_LATENCY_SECONDS = 2;
/** The steady load during disruptions: requests per second through the Service. */
const LOAD = { ratePerSecond: 8, maxSeconds: 600, maxRequests: 6000 };
const NODES_PER_ZONE = 2;
/** kube-controller-manager's default --node-monitor-grace-period, which the lab keeps. */
const NODE_MONITOR_GRACE_SECONDS = 50;
/** The chart's default coder.highAvailability.nodeFailureTolerationSeconds. */
const NODE_FAILURE_TOLERATION_SECONDS = 30;
/** Kubernetes' own toleration (300 s) plus the grace period and a start: the official chart's case. */
const NODE_FAILURE_RECOVERY_WITHIN_SECONDS = 300 + NODE_MONITOR_GRACE_SECONDS + START_WITHIN_SECONDS;

type Variant = 'ours' | 'official';

/**
 * CODER_HA_E2E_WITHOUT_STOP_DEFAULTS=1 installs this chart with its defaults for stopping and
 * losing replicas off, to check that the scenarios that rely on them fail without them: the
 * rollout and the drain then fail requests, two hung replicas block the drain, and the node
 * failure takes Kubernetes' 300 s.
 */
const WITHOUT_STOP_DEFAULTS = process.env.CODER_HA_E2E_WITHOUT_STOP_DEFAULTS === '1';
const STOP_DEFAULTS_OFF: ValueMap = {
  preStopSleepSeconds: 0,
  nodeFailureTolerationSeconds: 0,
  podDisruptionBudget: { unhealthyPodEvictionPolicy: 'IfHealthyBudget' },
};

interface Observed {
  readySeconds: number[];
  replicaRows: number;
  peerFailureSeconds: number;
  hungOutOfEndpointsSeconds: number;
  hungFailedRequests: number;
  rolloutFailedRequests: number;
  rolloutLongestOutageMs: number;
  drainFailedRequests: number;
  drainLongestOutageMs: number;
  sigtermExitSeconds: number;
  hungDrainSeconds: number;
  hungDrainBlocked: boolean;
  nodeFailureUnreadySeconds: number;
  nodeFailureRecoverySeconds: number;
  nodeFailureFailedRequests: number;
  rssMiB: number[];
  cpuMillicores: number[];
}

const observed: Record<string, Partial<Observed>> = {};
let cluster: RealCluster;

beforeAll(
  async () => {
    cluster = await RealCluster.start([CODER_VERSION], NODES_PER_ZONE);
  },
  60 * 60 * 1000,
);

afterAll(async () => {
  await cluster?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const kubectl = (args: string[]) => kubectlIn(cluster)(args);
const name = (pod: Obj): string => String((pod.metadata as Obj).name);

function rounds(): [Variant, HelmMajor, number][] {
  return [
    ['ours', 3, 3],
    ['ours', 4, 3],
    ['official', 3, 3],
  ];
}

describe.each(rounds())('coderd %s chart, Helm %i, %i replicas', (variant, major, replicas) => {
  const namespace = `real-${variant}-h${major}-${replicas}`;
  const release = 'coder';
  const figures: Partial<Observed> = {};
  let pods: PodWatch;
  let proxy: ServiceProxy;
  let client: CoderClient;
  let database: string;
  const chart = () => (variant === 'official' ? officialChartDir(CODER_VERSION) : CHART_DIR);

  const values = (extraEnv: { name: string; value: string }[] = []): string => {
    const env = labCoderEnv(namespace, extraEnv);
    const coder: ValueMap = {
      replicaCount: replicas,
      image: { tag: CODER_VERSION },
      env,
      // ClusterIP: no load balancer answers here, and Helm's --wait would wait for its address.
      service: { type: 'ClusterIP' },
      ...(variant === 'ours' && WITHOUT_STOP_DEFAULTS ? { highAvailability: STOP_DEFAULTS_OFF } : {}),
    };
    return dump({ coder });
  };
  const helmHere = (args: string[], input?: string) => helmIn(cluster, major, namespace)(args, input);
  const helm = (verb: 'install' | 'upgrade', input: string) =>
    helmHere([verb, release, chart(), '--wait', '--timeout', '10m', '-f', '-'], input);

  const until = untilIn(
    () => cluster,
    namespace,
    () => pods,
  );
  const readyPods = () => pods.pods().filter(isReady);

  /** The rows of `replicas` that are alive: not stopped, and synced within the last 3 syncs. */
  const liveRows = () =>
    cluster.postgres.query(
      "select relay_address, error, version from replicas where stopped_at is null and updated_at > now() - interval '15 seconds' order by relay_address",
      database,
    );

  beforeAll(
    async () => {
      cluster.kube.ok(['create', 'namespace', namespace]);
      database = cluster.database(namespace, DATABASE_SECRET);
      pods = await PodWatch.start(cluster.credentials, namespace, `app.kubernetes.io/instance=${release}`);
      const install = await helm('install', values());
      if (install.status !== 0)
        throw new Error(`helm install failed:\n${install.stderr}\n${cluster.kube.diagnose(namespace)}`);
      await until(`${replicas} ready replicas`, START_WITHIN_SECONDS, () => readyPods().length === replicas);
      ({ proxy, owner: client } = await signedInThroughService(cluster, namespace));
    },
    (START_WITHIN_SECONDS + 120) * 1000,
  );

  afterAll(async () => {
    observed[`${variant}/${major}/${replicas}`] = figures;
    await proxy?.stop();
    pods?.watch.stop();
    await helmHere(['uninstall', release, '--wait']);
  }, 180_000);

  test('every replica turns Ready by its own readiness probe', () => {
    const started = new Map<string, number>();
    const ready = new Map<string, number>();
    for (const event of cluster.kubelet.events) {
      if (/^coder: started/.test(event.what) && !started.has(event.pod)) started.set(event.pod, event.at);
      if (event.what === 'coder: ready' && !ready.has(event.pod)) ready.set(event.pod, event.at);
    }
    const ours = pods.pods().map(name);
    figures.readySeconds = ours.map((pod) => ((ready.get(pod) ?? NaN) - (started.get(pod) ?? NaN)) / 1000);
    expect(ours).toHaveLength(replicas);
    for (const seconds of figures.readySeconds) expect(seconds).toBeGreaterThan(0);
  });

  test('the replicas find one another at the relay URL the chart renders', async () => {
    const expected = readyPods()
      .map((pod) => `http://${String((pod.status as Obj).podIP)}:8080`)
      .sort();
    // A replica registers at start; the row's error clears once every peer answered a ping.
    await until('one live replicas row per pod, none in error', 60, () => {
      const rows = liveRows();
      return rows.length === replicas && rows.every((r) => r[1] === '');
    });
    const rows = liveRows();
    figures.replicaRows = rows.length;
    expect(rows.map((r) => r[0])).toEqual(expected);
    expect(rows.map((r) => r[1])).toEqual(expected.map(() => ''));
    expect(new Set(rows.map((r) => r[2]))).toEqual(new Set([expect.stringContaining(CODER_VERSION.slice(1))]));
  });

  test('a replica cut off from the others is reported by them', async () => {
    const victim = readyPods()[0];
    const relay = `http://${String((victim.status as Obj).podIP)}:8080`;
    const key = cluster.kubelet.labKey(namespace, name(victim));
    cluster.lab.setLink(key, false);
    try {
      const seconds = await until(`the others to report ${relay}`, PEER_FAILURE_SEEN_WITHIN_SECONDS, () => {
        const others = liveRows().filter((r) => r[0] !== relay);
        return (
          others.length === replicas - 1 &&
          others.every((r) => r[1].includes('Failed to dial peers') && r[1].includes(relay))
        );
      });
      figures.peerFailureSeconds = seconds;
    } finally {
      cluster.lab.setLink(key, true);
    }
    await until('the mesh to heal', 60, () => {
      const rows = liveRows();
      return rows.length === replicas && rows.every((r) => r[1] === '');
    });
  });

  test('a hung replica leaves the Service endpoints through its readiness probe', async () => {
    const victim = name(readyPods()[0]);
    const routed = () => proxy.current().some((e) => e.pod === victim);
    expect(routed()).toBe(true);
    const load = new LoadGenerator(client, LOAD);
    load.start();
    await sleep(2000);
    const pid = cluster.kubelet.pid(namespace, victim);
    const hungAt = Date.now();
    process.kill(pid, 'SIGSTOP');
    let report: LoadReport;
    try {
      // The pod's Ready condition is what the EndpointSlice controller copies; the proxy then
      // stops routing to it after its sync delay.
      await until('the hung replica to turn unready', 90, () => !isReady(pods.watch.objects.get(victim) as Obj));
      figures.hungOutOfEndpointsSeconds = (Date.now() - hungAt) / 1000;
      await until('the Service to stop routing to it', 10, () => !routed());
      // Requests already on their way to it time out; wait those out before counting.
      await sleep(12_000);
    } finally {
      report = await load.stop();
      process.kill(pid, 'SIGCONT');
    }
    figures.hungFailedRequests = report.failures.length;
    await until(`${replicas} ready replicas`, 120, () => readyPods().length === replicas);
    if (variant === 'ours') {
      expect(figures.hungOutOfEndpointsSeconds).toBeLessThanOrEqual(
        HUNG_REPLICA_OUT_OF_ENDPOINTS_SECONDS + ENDPOINT_LATENCY_SECONDS,
      );
    }
  });

  const underLoad = async (disruption: () => Promise<void>): Promise<LoadReport> => {
    const load = new LoadGenerator(client, LOAD);
    load.start();
    await sleep(3000);
    let report: LoadReport;
    try {
      await disruption();
      await until(
        `${replicas} ready replicas`,
        START_WITHIN_SECONDS,
        () => readyPods().length === replicas && pods.pods().length === replicas,
      );
      await sleep(3000);
    } finally {
      report = await load.stop();
    }
    proxy.check();
    // The load ran: a disruption observed with no requests would prove nothing.
    expect(report.sent).toBeGreaterThan(LOAD.ratePerSecond * 5);
    return report;
  };

  test('a config rollout under load', async () => {
    const report = await underLoad(async () => {
      const run = await helm('upgrade', values([{ name: 'CODER_VERBOSE', value: 'true' }]));
      if (run.status !== 0) throw new Error(`helm upgrade failed:\n${run.stderr}`);
    });
    figures.rolloutFailedRequests = report.failures.length;
    figures.rolloutLongestOutageMs = report.longestOutageMs;
    if (variant === 'ours') expect(report.failures).toEqual([]);
  }, 900_000);

  test('a node drain under load', async () => {
    const node = nodeOf(readyPods()[0]);
    const report = await underLoad(async () => {
      // Asynchronous: the kubelet stand-in runs in this process and must go on while drain waits.
      const drain = await kubectl(['drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=300s']);
      if (drain.status !== 0) throw new Error(`kubectl drain failed:\n${drain.stderr}`);
    });
    cluster.kube.ok(['uncordon', node]);
    figures.drainFailedRequests = report.failures.length;
    figures.drainLongestOutageMs = report.longestOutageMs;
    if (variant === 'ours') expect(report.failures).toEqual([]);
  }, 900_000);

  test('two hung replicas do not block a node drain', async () => {
    // With one hung replica of three even Kubernetes' default policy lets a drain evict it; with
    // two, the budget has no room, and only AlwaysAllow lets the drain through.
    const [first, second] = readyPods();
    const hung = [first, second].map((pod) => cluster.kubelet.pid(namespace, name(pod)));
    for (const pid of hung) process.kill(pid, 'SIGSTOP');
    try {
      await until('two hung replicas to turn unready', 90, () => readyPods().length === replicas - 2);
      const node = nodeOf(first);
      const drainStart = Date.now();
      const drain = await kubectl(['drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=180s']);
      figures.hungDrainSeconds = (Date.now() - drainStart) / 1000;
      figures.hungDrainBlocked = drain.status !== 0;
      await kubectl(['uncordon', node]);
      if (variant === 'ours')
        expect({ drained: drain.status, stderr: drain.stderr }).toEqual({ drained: 0, stderr: expect.any(String) });
    } finally {
      for (const pid of hung) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // killed at the end of its grace period
        }
      }
    }
    await until(
      `${replicas} ready replicas`,
      START_WITHIN_SECONDS,
      () => readyPods().length === replicas && pods.pods().length === replicas,
    );
  }, 600_000);

  test('a node failure, with Kubernetes default node monitoring', async () => {
    const node = nodeOf(readyPods()[0]);
    const load = new LoadGenerator(client, LOAD);
    load.start();
    await sleep(2000);
    const failedAt = Date.now();
    cluster.failNode(node);
    let report: LoadReport;
    try {
      await until(
        'the lost replica to turn unready',
        180,
        () => readyPods().filter((p) => nodeOf(p) === node).length === 0,
      );
      figures.nodeFailureUnreadySeconds = (Date.now() - failedAt) / 1000;
      await until(
        `${replicas} ready replicas on the other nodes`,
        NODE_FAILURE_RECOVERY_WITHIN_SECONDS,
        () => readyPods().filter((p) => nodeOf(p) !== node).length === replicas,
      );
      figures.nodeFailureRecoverySeconds = (Date.now() - failedAt) / 1000;
    } finally {
      report = await load.stop();
      await cluster.recoverNode(node);
    }
    figures.nodeFailureFailedRequests = report.failures.length;
    await until(`only ${replicas} pods`, 180, () => pods.pods().length === replicas);
    if (variant === 'ours') {
      expect(figures.nodeFailureRecoverySeconds).toBeLessThanOrEqual(
        NODE_MONITOR_GRACE_SECONDS + NODE_FAILURE_TOLERATION_SECONDS + START_WITHIN_SECONDS,
      );
    }
  }, 900_000);

  test('a replica told to stop leaves within its grace period and marks its row stopped', async () => {
    const victim = readyPods()[0];
    const relay = `http://${String((victim.status as Obj).podIP)}:8080`;
    const since = cluster.kubelet.now();
    cluster.kube.ok(['delete', 'pod', name(victim), '-n', namespace, '--wait=false']);
    await until('the replica to exit', 120, () =>
      cluster.kubelet.events.some((e) => e.at >= since && e.pod === name(victim) && /^coder: exited/.test(e.what)),
    );
    const exit = cluster.kubelet.events.find(
      (e) => e.at >= since && e.pod === name(victim) && /^coder: exited/.test(e.what),
    );
    const sigterm = cluster.kubelet.events.find(
      (e) => e.at >= since && e.pod === name(victim) && e.what === 'coder: SIGTERM',
    );
    figures.sigtermExitSeconds = ((exit?.at ?? NaN) - (sigterm?.at ?? NaN)) / 1000;
    const grace = Number((victim.spec as Obj).terminationGracePeriodSeconds ?? 30);
    expect(exit?.what).not.toMatch(/SIGKILL/);
    expect(figures.sigtermExitSeconds).toBeLessThan(grace);
    const stopped = cluster.postgres.query(
      `select stopped_at is not null from replicas where relay_address = '${relay}' order by started_at desc limit 1`,
      database,
    );
    expect(stopped).toEqual([['t']]);
    await until(`${replicas} ready replicas`, START_WITHIN_SECONDS, () => readyPods().length === replicas);
  });

  test('memory and CPU of a replica at rest', async () => {
    const names = readyPods().map(name);
    const before = names.map((pod) => cluster.kubelet.usage(namespace, pod));
    const seconds = 10;
    await sleep(seconds * 1000);
    const after = names.map((pod) => cluster.kubelet.usage(namespace, pod));
    figures.rssMiB = after.map((u) => Math.round(u.rssBytes / 2 ** 20));
    figures.cpuMillicores = after.map((u, i) => Math.round(((u.cpuSeconds - before[i].cpuSeconds) / seconds) * 1000));
    for (const rss of figures.rssMiB) expect(rss).toBeGreaterThan(0);
  });
});

// ---- The documented table ---------------------------------------------------------------------

function table(): string {
  const max = (list?: number[]) => (list && list.length > 0 ? Math.max(...list) : NaN);
  const secs = (n?: number) => (n === undefined ? 'n/a' : `${Math.round(n)} s`);
  const row = (key: string, label: string) => {
    const o = observed[key];
    if (!o) return undefined;
    return [
      label,
      secs(max(o.readySeconds)),
      String(o.replicaRows),
      secs(o.peerFailureSeconds),
      `${secs(o.hungOutOfEndpointsSeconds)} (${o.hungFailedRequests})`,
      `${o.rolloutFailedRequests} (${o.rolloutLongestOutageMs} ms)`,
      `${o.drainFailedRequests} (${o.drainLongestOutageMs} ms)`,
      o.hungDrainBlocked ? `blocked (${secs(o.hungDrainSeconds)})` : `drained in ${secs(o.hungDrainSeconds)}`,
      `${o.nodeFailureFailedRequests}, unready after ${secs(o.nodeFailureUnreadySeconds)}, all Ready after ${secs(o.nodeFailureRecoverySeconds)}`,
      `${Math.round((o.sigtermExitSeconds ?? NaN) * 1000)} ms`,
      `${max(o.rssMiB)} MiB, ${max(o.cpuMillicores)} m`,
    ].join(' | ');
  };
  const rows = rounds()
    .map(([variant, major, replicas]) =>
      row(`${variant}/${major}/${replicas}`, `${variant === 'ours' ? 'this chart' : 'official chart'}, Helm ${major}`),
    )
    .filter((r): r is string => r !== undefined)
    .map((r) => `| ${r} |`);
  return [
    START,
    `Observed with coderd ${CODER_VERSION} on ${cluster?.postgres.version ?? 'PostgreSQL'}: 3 replicas over 3 zones, each`,
    `chart with its own defaults, and ${LOAD.ratePerSecond} authenticated API requests per second through the Service`,
    "during each disruption (failed requests, and the longest run of them). Nodes keep Kubernetes' default",
    `node monitoring (a ${NODE_MONITOR_GRACE_SECONDS} s grace period, pods tolerating a lost node for 300 s unless the chart says otherwise).`,
    'Reproduce with `npm run test:e2e -- real-coder`.',
    '',
    '| install | slowest replica to Ready | live `replicas` rows | a cut-off peer reported after | hung replica out of the endpoints (failed requests) | failed requests, config rollout | failed requests, node drain | drain with 2 of 3 replicas hung | node failure: failed requests, times | SIGTERM to exit | memory, CPU at rest (the most of one replica) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    END,
  ].join('\n');
}

test('the observed table', () => {
  const now = table();
  publish(now);
  expect(Object.keys(observed)).toHaveLength(rounds().length);
});
