/**
 * The liveness probe on real coderd: off by default (as in the official chart: a slow database
 * should not restart coderd), and when a user turns it on, a hung replica (SIGSTOP) is restarted
 * by it and serves again, while the startup probe keeps it from killing a start. Installed by Helm
 * 4 (the probe renders the same with Helm 3: the unit suite's parity tests), with
 * `npm run test:e2e -- real-liveness`.
 */
import { dump } from 'js-yaml';
import { HelmMajor } from '../../tools/helm/tools';
import { Obj } from './kube';
import { CHART_DIR } from './paths';
import { CODER_VERSION } from './real-coder/coderd-build';
import { RealCluster } from './real-coder/real-cluster';
import { DATABASE_SECRET, helmIn, labCoderEnv, untilIn } from './real-coder/scenario';
import { isReady, PodWatch } from './watch';

/** The liveness settings a user turns on: the chart's defaults for the probe's timings. */
const LIVENESS = { enabled: true };
/**
 * The chart's liveness defaults (period 10 s, 3 failures, 1 s timeout), then the kill: a hung
 * process keeps SIGTERM pending, so only the SIGKILL at the end of the probe's own grace period
 * (the chart's 10 s, not the pod's 60 s) ends it; then the restart.
 */
const RESTARTED_WITHIN_SECONDS = 10 * 3 + 1 + 10 + 10;
const START_WITHIN_SECONDS = 180;

let cluster: RealCluster;

beforeAll(
  async () => {
    cluster = await RealCluster.start([CODER_VERSION], 1);
  },
  60 * 60 * 1000,
);

afterAll(async () => {
  await cluster?.stop();
});

const restartsOf = (pod: Obj): number =>
  (((pod.status as Obj).containerStatuses ?? []) as Obj[]).reduce((n, c) => n + Number(c.restartCount ?? 0), 0);

describe.each([4] as HelmMajor[])('coderd with the liveness probe on, Helm %i', (major) => {
  const namespace = `live-h${major}`;
  let pods: PodWatch;

  const until = untilIn(
    () => cluster,
    namespace,
    () => pods,
  );

  beforeAll(
    async () => {
      cluster.kube.ok(['create', 'namespace', namespace]);
      cluster.database(namespace, DATABASE_SECRET);
      pods = await PodWatch.start(cluster.credentials, namespace, 'app.kubernetes.io/instance=coder');
      const values = dump({
        coder: {
          image: { tag: CODER_VERSION },
          env: labCoderEnv(namespace),
          service: { type: 'ClusterIP' },
          livenessProbe: LIVENESS,
        },
      });
      const install = await helmIn(
        cluster,
        major,
        namespace,
      )(['install', 'coder', CHART_DIR, '--wait', '--timeout', '10m', '-f', '-'], values);
      if (install.status !== 0) throw new Error(`helm install failed:\n${install.stderr}`);
      await until('a ready replica', START_WITHIN_SECONDS, () => pods.pods().some(isReady));
    },
    (START_WITHIN_SECONDS + 60) * 1000,
  );

  afterAll(async () => {
    pods?.watch.stop();
    await helmIn(cluster, major, namespace)(['uninstall', 'coder', '--wait']);
  }, 120_000);

  test('the start was not killed: no restart before the replica first turned Ready', () => {
    expect(pods.pods().map(restartsOf)).toEqual([0]);
  });

  test('a hung replica is restarted by its liveness probe and serves again', async () => {
    const pod = pods.pods()[0];
    const name = String((pod.metadata as Obj).name);
    process.kill(cluster.kubelet.pid(namespace, name), 'SIGSTOP');
    const restartedAfter = await until('the liveness probe to restart it', RESTARTED_WITHIN_SECONDS + 30, () =>
      pods.pods().some((p) => restartsOf(p) === 1),
    );
    expect(restartedAfter).toBeLessThanOrEqual(RESTARTED_WITHIN_SECONDS);
    const readyAfter = await until('the restarted replica to be Ready', START_WITHIN_SECONDS, () =>
      pods.pods().some(isReady),
    );
    process.stderr.write(
      `liveness: a hung coderd restarted ${restartedAfter.toFixed(0)} s after SIGSTOP, Ready again ${readyAfter.toFixed(0)} s later\n`,
    );
    // The same pod, restarted in place: the probe, not the Deployment, brought it back.
    expect(pods.pods().map((p) => String((p.metadata as Obj).name))).toEqual([name]);
  });
});
