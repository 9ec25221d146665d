/**
 * Coder version upgrades with real migrations: coderd v2.26.0 with 3 replicas, data created
 * through the API, then `helm upgrade` to v2.36.1 under load, in each of this chart's modes with
 * Helm 3 and Helm 4, and the official chart driven as Coder's upgrade guide says (scale to one,
 * upgrade, scale back). The migration is made slow, as production data makes it: a test session
 * holds the migrator's advisory lock for a while after the upgrade starts, so that the new
 * version's pods wait on it as they would behind a long migration.
 *
 * Observed per round: the requests answered wrongly (a 401 or 5xx to a signed-in user), the
 * requests no replica answered and the longest such run, which pods ran the migration or waited
 * for its lock (pg_locks, by the pods' IPs), container restarts, the time to all replicas Ready on
 * the new version, and, after it, the `replicas` table and the data. One round then shows what
 * `helm rollback` does after the migration.
 *
 * `CODER_HA_WRITE_OBSERVED=1 npm run test:e2e -- real-upgrade` rewrites the table in
 * docs/high-availability.md; without it the table is only printed.
 */
import { dump } from 'js-yaml';
import { HelmMajor } from '../../tools/helm/tools';
import { ValueMap } from '../../src/render';
import { Obj } from './kube';
import { observedTable } from './observed-doc';
import { CHART_DIR } from './paths';
import { CoderClient } from './real-coder/coder-api';
import { CODER_PREVIOUS_VERSION, CODER_VERSION } from './real-coder/coderd-build';
import { LoadGenerator, LoadReport } from './real-coder/load';
import { officialChartDir } from '../../tools/official/official-chart';
import { RealCluster } from './real-coder/real-cluster';
import { routable, ServiceProxy } from './real-coder/service-proxy';
import {
  DATABASE_SECRET,
  helmIn,
  kubectlIn,
  labCoderEnv,
  signedInThroughService,
  untilIn,
} from './real-coder/scenario';
import { imageOf, isReady, PodWatch } from './watch';

const { start: START, end: END, publish } = observedTable('real-upgrade', 'npm run test:e2e -- real-upgrade');

/** coderd/database/migrations: the advisory lock every migration, and its first wait, takes. */
const MIGRATION_LOCK_ID = '1037453835920848937';
/** How long the test holds that lock after the upgrade starts: a slow migration. */
const SLOW_MIGRATION_SECONDS = 20;
const REPLICAS = 3;
const NODES_PER_ZONE = 2;
const LOAD = { ratePerSecond: 8, maxSeconds: 900, maxRequests: 9000 };
const HELM_TIMEOUT = '16m';
/** How long the API server may keep enforcing a deleted admission policy (its cache's delay). */
const GUARD_CACHE_SECONDS = 15;
/** How long a start may take in the lab (a start on a loaded 2-core machine, plus the held lock). */
const START_WITHIN_SECONDS = 180;

type Mode = 'minimalDowntime' | 'cutover' | 'rolling' | 'scale to one (official)';

interface Observed {
  wrongAnswers: number;
  wrongAnswerSamples: string[];
  unanswered: number;
  longestUnansweredMs: number;
  sent: number;
  migrators: number;
  lockWaiters: number;
  oldReplicasDuringMigration: number;
  oldOutBeforeCommitMs: number;
  migrationSeconds: number;
  restarts: number;
  allReadySeconds: number;
  helmStatus: number;
  liveRowVersions: string[];
  rollbackMessage?: string;
  rollbackEndpoints?: number;
  rollbackAnswers?: string;
  /** Warnings and errors the old replicas logged from the upgrade on, and the first of them. */
  oldLogProblems: number;
  oldLogSample: string;
  /** What `kubectl rollout restart` got while the version-upgrade rollout was live. */
  restartRefusal?: string;
  /** How long after the next helm upgrade a restart was still refused (the API server's policy cache). */
  guardGoneAfterSeconds?: number;
  /** The fewest ready replicas during a `kubectl rollout restart` after the next helm upgrade. */
  fewestReadyDuringRestart?: number;
}

const observed: Record<string, Partial<Observed>> = {};
let cluster: RealCluster;

beforeAll(
  async () => {
    cluster = await RealCluster.start([CODER_PREVIOUS_VERSION, CODER_VERSION], NODES_PER_ZONE);
  },
  60 * 60 * 1000,
);

afterAll(async () => {
  await cluster?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const kubectl = (args: string[]) => kubectlIn(cluster)(args);
const versionOf = (pod: Obj): string => imageOf(pod).replace(/^.*:/, '');
const podName = (pod: Obj): string => String((pod.metadata as Obj).name);

describe.each([
  ['ours', 3, 'minimalDowntime'],
  ['ours', 4, 'minimalDowntime'],
  ['ours', 3, 'cutover'],
  ['ours', 4, 'cutover'],
  ['ours', 3, 'rolling'],
  ['ours', 4, 'rolling'],
  // The official chart with Helm 3 only: under Helm 4 (server-side apply), its `helm upgrade
  // --rollback-on-failure` after `kubectl scale` left the old version running (observed in CI,
  // not diagnosed; see docs/high-availability.md).
  ['official', 3, 'scale to one (official)'],
] as ['ours' | 'official', HelmMajor, Mode][])('%s chart, Helm %i, %s', (variant, major, mode) => {
  const namespace = `up-${variant}-h${major}-${{ minimalDowntime: 'min', cutover: 'cut', rolling: 'roll' }[mode as string] ?? 'guide'}`;
  const release = 'coder';
  const figures: Partial<Observed> = {};
  let pods: PodWatch;
  let proxy: ServiceProxy;
  let owner: CoderClient;
  let database: string;
  const chart = () => (variant === 'official' ? officialChartDir(CODER_VERSION) : CHART_DIR);

  const values = (version: string): string => {
    const coder: ValueMap = {
      replicaCount: REPLICAS,
      image: { tag: version },
      env: labCoderEnv(namespace),
      service: { type: 'ClusterIP' },
      ...(variant === 'ours' && mode !== 'scale to one (official)'
        ? { highAvailability: { versionUpgrade: mode } }
        : {}),
    };
    return dump({ coder });
  };
  const helm = (args: string[], input?: string) => helmIn(cluster, major, namespace)(args, input);
  const install = (verb: 'install' | 'upgrade', version: string, extra: string[] = []) =>
    helm([verb, release, chart(), '--wait', '--timeout', HELM_TIMEOUT, ...extra, '-f', '-'], values(version));
  /** Helm rolls the release back when the upgrade fails (Helm 4 renamed the flag). */
  const atomic = major === 3 ? '--atomic' : '--rollback-on-failure';

  const until = untilIn(
    () => cluster,
    namespace,
    () => pods,
    () => proxy,
  );
  /** A pod's log so far, or undefined once the stand-in has dropped it (gone since the watch saw it). */
  const logOf = (name: string): string | undefined => {
    try {
      return cluster.kubelet.log(namespace, name);
    } catch {
      return undefined;
    }
  };
  const readyOn = (version: string) => pods.pods().filter((p) => isReady(p) && versionOf(p) === version);

  /**
   * Which pods hold the migration lock, which of them are migrating, and which wait for it, by
   * their IPs. Every coderd takes the lock at start, also when there is nothing left to migrate,
   * and then holds it for a moment only. The pod that migrates writes the version table (Coder's
   * migrator truncates it), so it alone also holds that table's exclusive lock until it commits.
   * pg_locks is read without waiting for either lock.
   */
  const migrationLock = () => {
    const rows = cluster.postgres.query(
      `select host(a.client_addr), l.granted, exists (select 1 from pg_locks t join pg_class c on c.oid = t.relation ` +
        `where t.pid = l.pid and t.granted and t.mode = 'AccessExclusiveLock' and c.relname = 'schema_migrations') ` +
        `from pg_locks l join pg_stat_activity a on a.pid = l.pid ` +
        `where l.locktype = 'advisory' and a.client_addr is not null ` +
        `and ((l.classid::bigint << 32) | l.objid::bigint) = ${MIGRATION_LOCK_ID}`,
      database,
    );
    const holders = rows.filter((r) => r[1] === 't');
    return {
      holders: holders.map((r) => r[0]),
      migrating: holders.filter((r) => r[2] === 't').map((r) => r[0]),
      waiters: rows.filter((r) => r[1] === 'f').map((r) => r[0]),
    };
  };

  beforeAll(
    async () => {
      cluster.kube.ok(['create', 'namespace', namespace]);
      database = cluster.database(namespace, DATABASE_SECRET);
      pods = await PodWatch.start(cluster.credentials, namespace, `app.kubernetes.io/instance=${release}`);
      const installed = await install('install', CODER_PREVIOUS_VERSION);
      if (installed.status !== 0) throw new Error(`helm install failed:\n${installed.stderr}`);
      await until(
        `${REPLICAS} ready replicas`,
        START_WITHIN_SECONDS,
        () => readyOn(CODER_PREVIOUS_VERSION).length === REPLICAS,
      );
      ({ proxy, owner } = await signedInThroughService(cluster, namespace));
    },
    (START_WITHIN_SECONDS + 120) * 1000,
  );

  afterAll(async () => {
    observed[`${variant}/${major}/${mode}`] = figures;
    await proxy?.stop();
    pods?.watch.stop();
    await helm(['uninstall', release, '--wait']);
  }, 180_000);

  /** Data a signed-in team has: a second user in the organization, and an API token. */
  let token = '';
  const member = { email: 'member@coder.e2e', username: 'member', password: 'Another-e2e-password-1!' };

  test(`data made on ${CODER_PREVIOUS_VERSION}: a second user in the organization, an API token`, async () => {
    const org = ((await owner.send('GET', '/api/v2/users/me')).json() as { organization_ids: string[] })
      .organization_ids[0];
    const created = await owner.send('POST', '/api/v2/users', {
      ...member,
      login_type: 'password',
      organization_ids: [org],
    });
    expect(created.status).toBe(201);
    const issued = await owner.send('POST', '/api/v2/users/me/keys/tokens', {
      token_name: 'before-upgrade',
      lifetime: 86400e9,
    });
    expect(issued.status).toBe(201);
    token = (issued.json() as { key: string }).key;
    const members = (await owner.send('GET', `/api/v2/organizations/${org}/members`)).json() as { username: string }[];
    expect(members.map((m) => m.username).sort()).toEqual(['admin', 'member']);
  });

  test(`helm upgrade to ${CODER_VERSION} under load, with a slow migration`, async () => {
    const load = new LoadGenerator(owner, LOAD);
    load.start();
    await sleep(3000);
    // The scale-down Coder's guide asks for before the upgrade (the official chart has no mode).
    if (mode === 'scale to one (official)') {
      await kubectl(['scale', 'deployment', 'coder', '-n', namespace, '--replicas=1']);
      await until('one old replica left', 120, () => pods.pods().length === 1);
    }
    // By name (a new pod may get an old one's IP once it is gone), and every old pod seen: the
    // official chart's upgrade brings old replicas back.
    const oldPods = new Set<string>();
    /** Each old pod's log from the upgrade on, read while it runs (the stand-in drops it with the pod). */
    const oldLogs = new Map<string, string>();
    const logBefore = new Map<string, number>();
    const noteOldPods = () => {
      for (const p of pods.pods()) {
        if (versionOf(p) !== CODER_PREVIOUS_VERSION) continue;
        const name = podName(p);
        oldPods.add(name);
        const log = logOf(name);
        if (log === undefined) continue; // Its last reading stands.
        if (!logBefore.has(name)) logBefore.set(name, log.length);
        oldLogs.set(name, log.slice(logBefore.get(name)));
      }
    };
    noteOldPods();
    const lockHeld = cluster.postgres.background(
      `select pg_advisory_lock(${MIGRATION_LOCK_ID}); select pg_sleep(${SLOW_MIGRATION_SECONDS})`,
      database,
    );
    const upgradeStarted = load.now();
    const upgrading = install('upgrade', CODER_VERSION, [atomic]);
    const migrators = new Set<string>();
    const waiters = new Set<string>();
    let oldDuringMigration = 0;
    let committedAt = -1;
    let migrationStartedAt = -1;
    let committedOnProxy = NaN;
    let sampling = true;
    // From the moment the test lets go of the lock, a pod migrates for well under a second:
    // sample often then, so that it cannot slip between two readings.
    let lockReleased = false;
    void lockHeld.then(() => {
      lockReleased = true;
    });
    const sampler = (async () => {
      while (sampling) {
        const lock = migrationLock();
        noteOldPods();
        for (const ip of lock.migrating) migrators.add(ip);
        for (const ip of lock.waiters) waiters.add(ip);
        if (lock.migrating.length > 0) {
          if (migrationStartedAt < 0) migrationStartedAt = load.now();
          oldDuringMigration = Math.max(
            oldDuringMigration,
            pods.pods().filter((p) => versionOf(p) === CODER_PREVIOUS_VERSION).length,
          );
        } else if (migrators.size > 0 && committedAt < 0) {
          committedAt = load.now();
          committedOnProxy = proxy.now();
        }
        await sleep(lockReleased && committedAt < 0 ? 40 : 250);
      }
    })();
    const upgraded = await upgrading;
    await lockHeld;
    if (mode === 'scale to one (official)') {
      await kubectl(['scale', 'deployment', 'coder', '-n', namespace, `--replicas=${REPLICAS}`]);
    }
    await until(
      `${REPLICAS} ready replicas on ${CODER_VERSION}`,
      START_WITHIN_SECONDS,
      () => readyOn(CODER_VERSION).length === REPLICAS && pods.pods().length === REPLICAS,
    );
    figures.allReadySeconds = (load.now() - upgradeStarted) / 1000;
    await sleep(3000);
    sampling = false;
    await sampler;
    const report: LoadReport = await load.stop();
    proxy.check();

    const answered = (outcome: string) => /^\d{3} /.test(outcome);
    const wrong = report.failures.filter((f) => answered(f.outcome));
    figures.helmStatus = upgraded.status;
    figures.sent = report.sent;
    figures.wrongAnswers = wrong.length;
    figures.wrongAnswerSamples = [...new Set(wrong.map((f) => `${f.request}: ${f.outcome.slice(0, 80)}`))].slice(0, 3);
    figures.unanswered = report.failures.length - wrong.length;
    figures.longestUnansweredMs = report.longestOutageMs;
    figures.migrators = migrators.size;
    figures.lockWaiters = [...waiters].filter((ip) => !migrators.has(ip)).length;
    figures.oldReplicasDuringMigration = oldDuringMigration;
    figures.migrationSeconds = (committedAt - migrationStartedAt) / 1000;
    // When the Service stopped sending new connections to every old replica, against the moment
    // the migration committed (both on the proxy's clock).
    let oldOutAt = NaN;
    for (const h of proxy.history) {
      if (routable(h.endpoints).some((e) => oldPods.has(e.pod))) oldOutAt = NaN;
      else if (Number.isNaN(oldOutAt)) oldOutAt = h.at;
    }
    figures.oldOutBeforeCommitMs = committedOnProxy - oldOutAt;
    const problems = [...oldLogs.values()].flatMap((log) =>
      log.split('\n').filter((line) => /\[(warn|erro|crit|fata)/i.test(line)),
    );
    figures.oldLogProblems = problems.length;
    figures.oldLogSample = (problems[0] ?? '')
      .replace(/^\S+ \S+ /, '')
      .replace(/[`|]/g, "'")
      .slice(0, 100);
    figures.restarts = pods
      .pods()
      .flatMap((p) => (((p.status as Obj).containerStatuses ?? []) as Obj[]).map((c) => Number(c.restartCount ?? 0)))
      .reduce((a, b) => a + b, 0);

    expect(upgraded.stderr).toBe('');
    expect(upgraded.status).toBe(0);
    // Fenced: this chart's Service follows the version, except in rolling mode.
    const fenced = variant === 'ours' && mode !== 'rolling';
    if (variant === 'ours') {
      // The NOTES say what this upgrade does, and what not to do after it.
      expect(upgraded.stdout).toContain('This upgrade changes the Coder version');
      expect(upgraded.stdout).toContain('Do not helm rollback across this change');
    }
    // The migration ran once, and the load saw the upgrade.
    expect(migrators.size).toBe(1);
    expect(report.sent).toBeGreaterThan(LOAD.ratePerSecond * SLOW_MIGRATION_SECONDS);
    expect(figures.restarts).toBe(0);
    if (!fenced) {
      // The controls: driven as Coder's guide says, the official chart keeps old replicas in the
      // Service after the schema moved, and so does this chart's rolling mode; the load sees their
      // wrong answers. Were none seen here, the zero of the fenced rounds would prove nothing.
      expect(wrong.length).toBeGreaterThan(0);
    } else {
      expect(figures.wrongAnswerSamples).toEqual([]);
      // Out of the endpoints before the schema moved, not merely lucky.
      expect(figures.oldOutBeforeCommitMs).toBeGreaterThan(0);
      expect(oldDuringMigration).toBeLessThanOrEqual(mode === 'cutover' ? 0 : 1);
    }
  });

  test(`after the upgrade: only ${CODER_VERSION} in the replicas table, and the data intact`, async () => {
    await until('one live replicas row per pod', 60, () => {
      const rows = cluster.postgres.query(
        "select version from replicas where stopped_at is null and updated_at > now() - interval '15 seconds'",
        database,
      );
      return rows.length === REPLICAS;
    });
    const versions = cluster.postgres
      .query(
        "select version from replicas where stopped_at is null and updated_at > now() - interval '15 seconds'",
        database,
      )
      .map((r) => r[0]);
    figures.liveRowVersions = [...new Set(versions)];
    expect(versions.every((v) => v.startsWith(CODER_VERSION))).toBe(true);
    const users = (await owner.send('GET', '/api/v2/users')).json() as { users: { username: string }[] };
    expect(users.users.map((u) => u.username).sort()).toEqual(['admin', 'member']);
    const withToken = new CoderClient(proxy.port);
    withToken.sessionToken = token;
    expect((await withToken.send('GET', '/api/v2/users/me')).status).toBe(200);
    const asMember = new CoderClient(proxy.port);
    await asMember.login(member.email, member.password);
    expect(((await asMember.send('GET', '/api/v2/users/me')).json() as { username: string }).username).toBe('member');
    if (variant === 'ours' && mode !== 'rolling') {
      // A restart before the next helm upgrade would roll out as the version upgrade did: the API
      // server refuses it, and the pods stay as they are.
      const template = () =>
        JSON.stringify((cluster.kube.json(['get', 'deployment', 'coder', '-n', namespace]).spec as Obj).template);
      const before = template();
      const restart = await kubectl(['rollout', 'restart', 'deployment', 'coder', '-n', namespace]);
      figures.restartRefusal = restart.stderr.trim();
      expect(restart.status).not.toBe(0);
      expect(restart.stderr).toContain(`coder-restart-guard.${namespace}`);
      expect(restart.stderr).toContain('--reuse-values');
      expect(template()).toBe(before);
    }
    if (variant === 'ours') {
      // The next helm upgrade, as the NOTES ask, puts the surge rollout back for later restarts.
      const again = await install('upgrade', CODER_VERSION);
      expect(again.status).toBe(0);
      expect(again.stdout).not.toContain('This upgrade changes the Coder version');
      const strategy = (cluster.kube.json(['get', 'deployment', 'coder', '-n', namespace]).spec as Obj).strategy;
      expect(strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
      // The guard went with that upgrade, and a restart now keeps every replica ready.
      const guards = cluster.kube.json(['get', 'validatingadmissionpolicies']).items as Obj[];
      expect(guards.map((g) => (g.metadata as Obj).name)).not.toContain(`coder-restart-guard.${namespace}`);
      const before = new Set(pods.pods().map(podName));
      // The API server drops a deleted policy from its admission cache a moment after the delete.
      const deletedAt = Date.now();
      let restart = await kubectl(['rollout', 'restart', 'deployment', 'coder', '-n', namespace]);
      while (restart.stderr.includes('coder-restart-guard') && Date.now() - deletedAt < GUARD_CACHE_SECONDS * 1000) {
        await sleep(250);
        restart = await kubectl(['rollout', 'restart', 'deployment', 'coder', '-n', namespace]);
      }
      figures.guardGoneAfterSeconds = (Date.now() - deletedAt) / 1000;
      expect({ status: restart.status, stderr: restart.stderr }).toEqual({ status: 0, stderr: '' });
      let fewest = REPLICAS;
      await until(`${REPLICAS} restarted replicas ready`, START_WITHIN_SECONDS, () => {
        fewest = Math.min(fewest, readyOn(CODER_VERSION).length);
        const current = pods.pods();
        return current.length === REPLICAS && current.every((p) => isReady(p) && !before.has(podName(p)));
      });
      figures.fewestReadyDuringRestart = fewest;
      expect(fewest).toBe(REPLICAS);
    }
  });

  if (variant === 'ours' && major === 3 && mode === 'minimalDowntime') {
    test(`helm rollback to ${CODER_PREVIOUS_VERSION} after the migration: what a user gets`, async () => {
      const history = JSON.parse((await helm(['history', release, '-o', 'json'])).stdout) as { revision: number }[];
      const newest = String(Math.max(...history.map((h) => h.revision)));
      const rolledBack = await helm(['rollback', release, '1', '--timeout', '60s']);
      expect(rolledBack.status).toBe(0);
      const old = () => pods.pods().filter((p) => versionOf(p) === CODER_PREVIOUS_VERSION);
      let message = '';
      await until(`a ${CODER_PREVIOUS_VERSION} pod to fail its start`, 120, () => {
        for (const pod of old()) {
          const line = (logOf(podName(pod)) ?? '')
            .split('\n')
            .find((l) => /migrat/i.test(l) && /error|fatal|refus|need|not exist/i.test(l));
          if (line) message = line.trim();
        }
        return message !== '';
      });
      figures.rollbackMessage = message.replace(/[`|]/g, "'").slice(0, 240);
      // The rolled-back Service selects the old version, which cannot start: what do users get?
      await until('the Service to select the old version', 30, () => {
        const service = cluster.kube.json(['get', 'service', 'coder', '-n', namespace]);
        const selector = ((service.spec as Obj).selector ?? {}) as Obj;
        return selector['app.kubernetes.io/version'] === CODER_PREVIOUS_VERSION.replace(/^v/, '');
      });
      await sleep(3000);
      figures.rollbackEndpoints = proxy.current().length;
      const probes = await Promise.all(
        [1, 2, 3, 4, 5].map(() =>
          owner.send('GET', '/api/v2/buildinfo').then(
            (r) => String(r.status),
            (e: NodeJS.ErrnoException) => e.code ?? 'error',
          ),
        ),
      );
      figures.rollbackAnswers = [...new Set(probes)].join(', ');
      expect(figures.rollbackEndpoints).toBe(0);
      // Forward again: the release's newest revision.
      const forward = await helm(['rollback', release, newest, '--wait', '--timeout', HELM_TIMEOUT]);
      expect(forward.status).toBe(0);
      await until(
        `${REPLICAS} ready replicas on ${CODER_VERSION}`,
        START_WITHIN_SECONDS,
        () => readyOn(CODER_VERSION).length === REPLICAS,
      );
      expect(figures.rollbackMessage).not.toBe('');
    });
  }
});

/** What a restart got before the next helm upgrade, and the fewest ready replicas during one after it. */
function restartCell(o: Partial<Observed>): string {
  if (o.fewestReadyDuringRestart === undefined) return 'not tried';
  const before = o.restartRefusal === undefined ? 'allowed (surge rollout)' : 'refused by the API server';
  return `${before} / ${o.fewestReadyDuringRestart} of ${REPLICAS} ready throughout`;
}

/** When the old replicas left the Service, against the migration's commit. */
function outOfService(beforeCommitMs: number | undefined): string {
  if (beforeCommitMs === undefined || Number.isNaN(beforeCommitMs)) return 'never';
  const seconds = (Math.abs(beforeCommitMs) / 1000).toFixed(1);
  return beforeCommitMs > 0 ? `${seconds} s before the migration committed` : `${seconds} s after it committed`;
}

function table(): string {
  const rows = Object.entries(observed).map(([key, o]) => {
    const [variant, major, mode] = key.split('/');
    const install =
      variant === 'ours' ? `this chart, Helm ${major}, ${mode}` : `official chart, Helm ${major}, ${mode}`;
    return (
      `| ${install} | ${o.wrongAnswers ?? '?'}${o.wrongAnswerSamples?.length ? ` (${o.wrongAnswerSamples[0]})` : ''} | ` +
      `${o.unanswered ?? '?'} (longest ${((o.longestUnansweredMs ?? 0) / 1000).toFixed(1)} s) | ${o.migrators ?? '?'} / ${o.lockWaiters ?? '?'} | ` +
      `${o.migrationSeconds?.toFixed(1) ?? '?'} s | ${o.oldReplicasDuringMigration ?? '?'} | ${outOfService(o.oldOutBeforeCommitMs)} | ${o.restarts ?? '?'} | ${Math.ceil(o.allReadySeconds ?? NaN)} s | ${o.helmStatus === 0 ? 'ok' : 'failed'} | ` +
      `${o.oldLogProblems ?? '?'}${o.oldLogSample ? ` (${o.oldLogSample})` : ''} | ${restartCell(o)} |`
    );
  });
  return [
    START,
    `Observed with coderd ${CODER_PREVIOUS_VERSION} → ${CODER_VERSION} on ${cluster.postgres.version}, ${REPLICAS} replicas, 8`,
    `authenticated requests per second through the Service, the migration held back ${SLOW_MIGRATION_SECONDS} s by a test session`,
    'holding its lock (as a long migration would hold it). Reproduce with `npm run test:e2e -- real-upgrade`.',
    '',
    '| install, mode | requests answered wrongly | requests unanswered (longest run) | pods that migrated / waited for the lock | the migration (after the lock) | old replicas running during the migration | every old replica out of the Service | container restarts | upgrade start to all Ready | helm upgrade --wait --atomic (Helm 4: --rollback-on-failure) | warnings and errors the old replicas logged | kubectl rollout restart: before / after the next helm upgrade |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...Object.values(observed)
      .filter((o) => o.restartRefusal !== undefined)
      .slice(0, 1)
      .map(
        (o) =>
          `A restart before the next helm upgrade gets: \`${(o.restartRefusal ?? '').replace(/[`|]/g, "'")}\` ` +
          `Once that upgrade has deleted the policy, the API server's admission cache let a restart through within ` +
          `${Math.max(...Object.values(observed).map((r) => r.guardGoneAfterSeconds ?? 0)).toFixed(1)} s.`,
      ),
    '',
    ...Object.values(observed)
      .filter((o) => o.rollbackMessage !== undefined)
      .map(
        (o) =>
          `\`helm rollback\` to ${CODER_PREVIOUS_VERSION} after the migration: its pods do not start (\`${o.rollbackMessage}\`), ` +
          `and the Service, which selects ${CODER_PREVIOUS_VERSION}, has ${o.rollbackEndpoints} endpoints (requests get: ${o.rollbackAnswers}) ` +
          'until the release is rolled forward.',
      ),
    END,
  ].join('\n');
}

test('the observed upgrade table', () => {
  const now = table();
  publish(now);
  const ours = Object.entries(observed).filter(([key]) => key.startsWith('ours/'));
  expect(ours.map(([key]) => key).sort()).toEqual([
    'ours/3/cutover',
    'ours/3/minimalDowntime',
    'ours/3/rolling',
    'ours/4/cutover',
    'ours/4/minimalDowntime',
    'ours/4/rolling',
  ]);
  for (const [key, o] of ours)
    if (!key.endsWith('/rolling')) expect({ key, wrong: o.wrongAnswers }).toEqual({ key, wrong: 0 });
});
