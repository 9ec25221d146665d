/**
 * A small kubelet stand-in that runs real coderd for pods the real control plane creates and
 * binds: a real kubelet needs images and a container runtime that this machine cannot get.
 *
 * What it does, for each pod bound to one of its nodes:
 * - gives it a network namespace at an IP from the node's podCIDR (lab-network.ts);
 * - runs each container whose image is Coder's (`…/coder:vX.Y.Z`) as the built binary of that
 *   version, with the container's command and args and the env computed from the live Pod object
 *   (pod-env.ts), as the container's runAsUser/runAsGroup (default 1000);
 * - runs the startup, readiness and liveness probes as the spec states them (probe.ts), and
 *   reports Ready, ContainersReady and each container's ready/started to the API server, so that
 *   EndpointSlices follow real coderd readiness;
 * - restarts an exited container, or one that failed its liveness or startup probe, with the
 *   kubelet's back-off (10 s doubling to 300 s), counting restartCount and lastState;
 * - on deletion runs the preStop hook (sleep, httpGet, or an exec of `sleep N`), sends SIGTERM,
 *   SIGKILL once the pod's grace period is over, then removes the pod and its namespace.
 *
 * What it does not do: images other than Coder's (such containers wait with ErrImagePull), init
 * containers and sidecars beyond that, volumes (coderd's paths are in a directory of its own),
 * exec and grpc probes, resource enforcement (limits are only read for the downward API),
 * ephemeral containers, pod-level DNS, and node status: kwok keeps the nodes Ready and their
 * leases fresh.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { chownSync, closeSync, openSync, readFileSync } from 'node:fs';
import { Obj } from '../kube';
import { ObjectWatch } from '../watch';
import { ApiClient, ApiCredentials, ApiStatusError } from './api';
import { LabNetwork } from './lab-network';
import { expandReferences, resolveEnv } from './pod-env';
import { containerPort, Dial, httpGet, runProbe } from './probe';

export interface KubeletOptions {
  readonly credentials: ApiCredentials;
  readonly lab: LabNetwork;
  /** The binary that runs an image, or undefined when the stand-in cannot run it. */
  readonly binaryFor: (image: string) => string | undefined;
  /** Node name → its pod CIDR (a /24 inside the lab network). */
  readonly nodes: ReadonlyMap<string, string>;
  /** Added to every container's env: the lab's stand-in for an image's baked-in environment. */
  readonly imageEnv?: Record<string, string>;
}

/** Something the stand-in did or saw, with its time: the scenarios' evidence. */
export interface KubeletEvent {
  readonly at: number;
  readonly pod: string;
  readonly what: string;
}

const meta = (o: Obj): Obj => (o.metadata ?? {}) as Obj;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BACKOFF_START_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;
/** The image's default command (Coder's Dockerfile: ENTRYPOINT ["/opt/coder", "server"]). */
const CODER_ENTRYPOINT = ['/opt/coder', 'server'];

class ContainerRuntime {
  public process?: ChildProcess;
  public ready = false;
  public started = false;
  public restartCount = 0;
  public startedAt?: string;
  public lastTerminated?: Obj;
  public waiting?: { reason: string; message: string };
  /** Bumped at every (re)start, so that probe loops of an earlier run stop. */
  public generation = 0;
  public stopping = false;

  public constructor(public readonly spec: Obj) {}

  public get name(): string {
    return String(this.spec.name);
  }
}

class PodRuntime {
  public readonly containers: ContainerRuntime[];
  public namespaceName?: string;
  public podIP?: string;
  public readonly startTime = new Date().toISOString();
  public terminating = false;
  public gone = false;
  private statusChain: Promise<unknown> = Promise.resolve();

  public constructor(
    public pod: Obj,
    public readonly key: string,
  ) {
    this.containers = ((pod.spec as Obj).containers as Obj[]).map((c) => new ContainerRuntime(c));
  }

  public get name(): string {
    return String(meta(this.pod).name);
  }

  public get namespace(): string {
    return String(meta(this.pod).namespace);
  }

  /** Status writes of one pod happen in order. */
  public serially(work: () => Promise<unknown>): Promise<unknown> {
    this.statusChain = this.statusChain.then(work, work);
    return this.statusChain;
  }
}

export class KubeletStandIn {
  public readonly events: KubeletEvent[] = [];
  private readonly api: ApiClient;
  private readonly pods = new Map<string, PodRuntime>();
  private readonly usedIPs = new Set<string>();
  private readonly frozenNodes = new Set<string>();
  private watch?: ObjectWatch;
  private readonly started = Date.now();
  private stopped = false;
  private readonly errors: Error[] = [];

  public constructor(private readonly options: KubeletOptions) {
    this.api = new ApiClient(options.credentials);
  }

  public async start(): Promise<void> {
    this.watch = await ObjectWatch.start(this.options.credentials, '/api/v1/pods');
    this.watch.onChange((change) => this.reconcile(change.object, change.type === 'DELETED'));
    for (const pod of this.watch.objects.values()) this.reconcile(pod, false);
  }

  /** Throws if the stand-in failed at something a kubelet must do, or its watch broke. */
  public check(): void {
    this.watch?.check();
    if (this.errors.length > 0) throw this.errors[0];
  }

  public now(): number {
    return Date.now() - this.started;
  }

  private note(pod: PodRuntime, what: string): void {
    this.events.push({ at: this.now(), pod: pod.name, what });
    // CODER_HA_E2E_TRACE=1 follows the stand-in live (Jest prints a file's output at its end).
    if (process.env.CODER_HA_E2E_TRACE === '1') {
      process.stderr.write(`[kubelet ${new Date().toISOString().slice(11, 23)}] ${pod.name}: ${what}\n`);
    }
  }

  private fail(err: Error): void {
    if (!this.stopped) this.errors.push(err);
  }

  private reconcile(pod: Obj, deleted: boolean): void {
    if (this.stopped) return;
    const key = `${String(meta(pod).namespace)}/${String(meta(pod).name)}/${String(meta(pod).uid)}`;
    const node = String((pod.spec as Obj).nodeName ?? '');
    if (!this.options.nodes.has(node)) return;
    const runtime = this.pods.get(key);
    if (deleted) {
      if (runtime) void this.cleanUp(runtime);
      return;
    }
    if (this.frozenNodes.has(node)) return;
    if (!runtime) {
      if (meta(pod).deletionTimestamp || ['Succeeded', 'Failed'].includes(String((pod.status as Obj)?.phase))) return;
      const created = new PodRuntime(pod, key);
      this.pods.set(key, created);
      this.startPod(created).catch((err: Error) => this.fail(err));
      return;
    }
    runtime.pod = pod;
    if (meta(pod).deletionTimestamp && !runtime.terminating) {
      runtime.terminating = true;
      this.terminatePod(runtime).catch((err: Error) => this.fail(err));
    }
  }

  private allocateIP(node: string): string {
    const cidr = this.options.nodes.get(node) as string;
    const base = cidr.split('/')[0].split('.').slice(0, 3).join('.');
    for (let host = 2; host < 255; host++) {
      const candidate = `${base}.${host}`;
      if (!this.usedIPs.has(candidate)) {
        this.usedIPs.add(candidate);
        return candidate;
      }
    }
    throw new Error(`node ${node} has no free address in ${cidr}`);
  }

  private async startPod(runtime: PodRuntime): Promise<void> {
    const node = String((runtime.pod.spec as Obj).nodeName);
    runtime.podIP = this.allocateIP(node);
    runtime.namespaceName = this.options.lab.addPod(runtime.key, runtime.podIP);
    this.note(runtime, `sandbox at ${runtime.podIP}`);
    // The Pod's IP must be in the API before the env is computed: status.podIP is a fieldRef.
    await this.writeStatus(runtime);
    runtime.pod = await this.api.get(`/api/v1/namespaces/${runtime.namespace}/pods/${runtime.name}`);
    await Promise.all(runtime.containers.map((c) => this.startContainer(runtime, c)));
  }

  private async startContainer(runtime: PodRuntime, container: ContainerRuntime): Promise<void> {
    if (runtime.terminating || this.stopped) return;
    const binary = this.options.binaryFor(String(container.spec.image));
    if (!binary) {
      container.waiting = {
        reason: 'ErrImagePull',
        message: `the kubelet stand-in runs only Coder images it has built; not ${String(container.spec.image)}`,
      };
      await this.writeStatus(runtime);
      return;
    }
    let env: Map<string, string>;
    try {
      env = await resolveEnv(runtime.pod, container.spec, {
        secret: (ns, name) => this.configData('secrets', ns, name),
        configMap: (ns, name) => this.configData('configmaps', ns, name),
        nodeAllocatable: { cpu: '16', memory: '64Gi', 'ephemeral-storage': '100Gi' },
      });
    } catch (err) {
      container.waiting = { reason: 'CreateContainerConfigError', message: (err as Error).message };
      this.note(runtime, `${container.name}: ${container.waiting.message}`);
      await this.writeStatus(runtime);
      setTimeout(() => void this.startContainer(runtime, container), 2000);
      return;
    }
    const command = ((container.spec.command ?? []) as string[]).map((a) => expandReferences(a, env));
    const args = ((container.spec.args ?? []) as string[]).map((a) => expandReferences(a, env));
    const argv = command.length > 0 ? [...command, ...args] : [...CODER_ENTRYPOINT, ...args];
    if (argv[0] === CODER_ENTRYPOINT[0]) argv[0] = binary;
    const security = (container.spec.securityContext ?? {}) as Obj;
    const podSecurity = ((runtime.pod.spec as Obj).securityContext ?? {}) as Obj;
    const uid = Number(security.runAsUser ?? podSecurity.runAsUser ?? 1000);
    const gid = Number(security.runAsGroup ?? podSecurity.runAsGroup ?? uid);
    const home = this.options.lab.path(`pods/${runtime.name}-${String(meta(runtime.pod).uid).slice(0, 8)}`);
    chownSync(home, uid, gid);
    const logPath = `${home}/${container.name}.log`;
    const log = openSync(logPath, 'a');
    chownSync(logPath, uid, gid);
    const child = spawn(
      'ip',
      [
        'netns',
        'exec',
        runtime.namespaceName as string,
        // A UTS namespace of its own, named after the pod as Kubernetes does: coderd writes its
        // hostname to the replicas table. Each step execs the next, so the pid is coderd's.
        'unshare',
        '--uts',
        '--',
        'sh',
        '-c',
        'hostname "$0" && exec "$@"',
        runtime.name,
        'setpriv',
        `--reuid=${uid}`,
        `--regid=${gid}`,
        '--clear-groups',
        ...argv,
      ],
      {
        stdio: ['ignore', log, log],
        env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: home, ...this.options.imageEnv, ...Object.fromEntries(env) },
        cwd: home,
      },
    );
    closeSync(log);
    container.process = child;
    container.generation++;
    container.waiting = undefined;
    container.started = false;
    container.ready = false;
    container.stopping = false;
    container.startedAt = new Date().toISOString();
    const generation = container.generation;
    this.note(runtime, `${container.name}: started (pid ${child.pid}, restart ${container.restartCount})`);
    child.on('exit', (code, signal) => {
      container.lastTerminated = {
        terminated: {
          // A process killed by a signal exits 128 + its number, as a container runtime reports it.
          exitCode: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15),
          reason: code === 0 ? 'Completed' : 'Error',
          startedAt: container.startedAt ?? null,
          finishedAt: new Date().toISOString(),
        },
      };
      container.ready = false;
      container.process = undefined;
      this.note(runtime, `${container.name}: exited (${code ?? signal})`);
      if (runtime.terminating || this.stopped || container.generation !== generation) return;
      void this.restartLater(runtime, container);
    });
    await this.writeStatus(runtime);
    void this.probeLoop(runtime, container, generation);
  }

  private async restartLater(runtime: PodRuntime, container: ContainerRuntime): Promise<void> {
    const delay = Math.min(BACKOFF_START_MS * 2 ** container.restartCount, BACKOFF_MAX_MS);
    container.restartCount++;
    container.waiting = { reason: 'CrashLoopBackOff', message: `back-off ${delay / 1000} s restarting` };
    await this.writeStatus(runtime);
    await sleep(delay);
    if (!runtime.terminating && !this.stopped) await this.startContainer(runtime, container);
  }

  /** Startup first (when set), then readiness and liveness, each on its own period. */
  private async probeLoop(runtime: PodRuntime, container: ContainerRuntime, generation: number): Promise<void> {
    const spec = container.spec;
    const live = () => container.generation === generation && !this.stopped && !runtime.gone;
    const dial: Dial = (host, port) => this.options.lab.dial(host, port);
    const startup = spec.startupProbe as Obj | undefined;
    if (startup) {
      const passed = await this.runUntil(runtime, container, startup, live, true, dial);
      if (!passed) {
        if (live() && !runtime.terminating) await this.killForRestart(runtime, container, 'startupProbe');
        return;
      }
    }
    container.started = true;
    await this.writeStatus(runtime);
    const readiness = spec.readinessProbe as Obj | undefined;
    const liveness = spec.livenessProbe as Obj | undefined;
    if (!readiness) {
      container.ready = true;
      await this.writeStatus(runtime);
    }
    await Promise.all([
      readiness ? this.readinessLoop(runtime, container, readiness, live, dial) : Promise.resolve(),
      liveness && !runtime.terminating
        ? this.runUntil(runtime, container, liveness, live, false, dial).then(async (failed) => {
            if (failed && live() && !runtime.terminating) {
              await this.killForRestart(runtime, container, 'livenessProbe');
            }
          })
        : Promise.resolve(),
    ]);
  }

  /**
   * Probes until `untilSuccess` (startup: true once it passed) or until failureThreshold
   * consecutive failures (liveness: true when it failed). False when the container went away.
   */
  private async runUntil(
    runtime: PodRuntime,
    container: ContainerRuntime,
    probe: Obj,
    live: () => boolean,
    untilSuccess: boolean,
    dial: Dial,
  ): Promise<boolean> {
    await sleep(Number(probe.initialDelaySeconds ?? 0) * 1000);
    const period = Number(probe.periodSeconds ?? 10) * 1000;
    const threshold = Number(probe.failureThreshold ?? 3);
    let failures = 0;
    while (live()) {
      const started = Date.now();
      const result = await runProbe(dial, runtime.podIP as string, container.spec, probe);
      if (!live()) return false;
      if (result.ok) {
        failures = 0;
        if (untilSuccess) return true;
      } else {
        failures++;
        if (failures >= threshold) {
          this.note(
            runtime,
            `${container.name}: ${untilSuccess ? 'startup' : 'liveness'} probe failed: ${result.detail}`,
          );
          return !untilSuccess;
        }
      }
      await sleep(Math.max(0, period - (Date.now() - started)));
    }
    return false;
  }

  private async readinessLoop(
    runtime: PodRuntime,
    container: ContainerRuntime,
    probe: Obj,
    live: () => boolean,
    dial: Dial,
  ): Promise<void> {
    await sleep(Number(probe.initialDelaySeconds ?? 0) * 1000);
    const period = Number(probe.periodSeconds ?? 10) * 1000;
    const failureThreshold = Number(probe.failureThreshold ?? 3);
    const successThreshold = Number(probe.successThreshold ?? 1);
    let failures = 0;
    let successes = 0;
    while (live()) {
      const started = Date.now();
      const result = await runProbe(dial, runtime.podIP as string, container.spec, probe);
      if (!live()) return;
      if (result.ok) {
        failures = 0;
        successes++;
        if (!container.ready && successes >= successThreshold) {
          container.ready = true;
          this.note(runtime, `${container.name}: ready`);
          await this.writeStatus(runtime);
        }
      } else {
        successes = 0;
        failures++;
        if (container.ready && failures >= failureThreshold) {
          container.ready = false;
          this.note(runtime, `${container.name}: not ready (${result.detail})`);
          await this.writeStatus(runtime);
        }
      }
      await sleep(Math.max(0, period - (Date.now() - started)));
    }
  }

  /**
   * A probe-failure kill: SIGTERM, SIGKILL after the grace period (the probe's own
   * terminationGracePeriodSeconds when it has one, else the pod's); the exit handler restarts it.
   */
  private async killForRestart(
    runtime: PodRuntime,
    container: ContainerRuntime,
    probe: 'startupProbe' | 'livenessProbe',
  ): Promise<void> {
    this.note(runtime, `${container.name}: killed, ${probe === 'startupProbe' ? 'startup' : 'liveness'} probe failed`);
    const probeGrace = ((container.spec[probe] ?? {}) as Obj).terminationGracePeriodSeconds;
    const grace = Number(probeGrace ?? (runtime.pod.spec as Obj).terminationGracePeriodSeconds ?? 30);
    await this.stopProcess(container, grace * 1000);
  }

  private async stopProcess(container: ContainerRuntime, graceMs: number): Promise<void> {
    const child = container.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    container.stopping = true;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // A stopped (hung) process keeps SIGTERM pending, as under a container runtime: only the
    // SIGKILL at the end of the grace period ends it.
    child.kill('SIGTERM');
    const timer = sleep(graceMs).then(() => 'timeout' as const);
    if ((await Promise.race([exited.then(() => 'exited' as const), timer])) === 'timeout') {
      child.kill('SIGKILL');
      await exited;
    }
  }

  private async runPreStop(runtime: PodRuntime, container: ContainerRuntime, budgetMs: number): Promise<void> {
    const hook = ((container.spec.lifecycle ?? {}) as Obj).preStop as Obj | undefined;
    if (!hook) return;
    const deadline = sleep(budgetMs);
    let action: Promise<unknown>;
    if (hook.sleep) action = sleep(Number((hook.sleep as Obj).seconds) * 1000);
    else if (hook.httpGet) {
      const get = hook.httpGet as Obj;
      action = httpGet(
        (h, p) => this.options.lab.dial(h, p),
        runtime.podIP as string,
        containerPort(container.spec, get.port),
        String(get.path ?? '/'),
        budgetMs,
      ).catch(() => undefined);
    } else if (hook.exec) {
      const command = ((hook.exec as Obj).command ?? []) as string[];
      const sleepSeconds = /^(?:\/bin\/)?sleep$/.test(command[0] ?? '') ? Number(command[1]) : NaN;
      if (!Number.isFinite(sleepSeconds)) {
        this.note(runtime, `${container.name}: preStop exec ${command.join(' ')} is not supported by the stand-in`);
        return;
      }
      action = sleep(sleepSeconds * 1000);
    } else return;
    this.note(runtime, `${container.name}: preStop`);
    await Promise.race([action, deadline]);
  }

  /** Graceful deletion: preStop, SIGTERM, SIGKILL at the grace period's end, then the pod is removed. */
  private async terminatePod(runtime: PodRuntime): Promise<void> {
    const grace = Number(meta(runtime.pod).deletionGracePeriodSeconds ?? 30) * 1000;
    const deadline = Date.now() + grace;
    this.note(runtime, `terminating (grace ${grace / 1000} s)`);
    await Promise.all(
      runtime.containers.map(async (container) => {
        await this.runPreStop(runtime, container, Math.max(0, deadline - Date.now()));
        this.note(runtime, `${container.name}: SIGTERM`);
        // After the hook, the kubelet allows at least 2 s more before SIGKILL.
        await this.stopProcess(container, Math.max(2000, deadline - Date.now()));
      }),
    );
    await this.writeStatus(runtime);
    try {
      await this.api.call('DELETE', `/api/v1/namespaces/${runtime.namespace}/pods/${runtime.name}`, {
        gracePeriodSeconds: 0,
        preconditions: { uid: meta(runtime.pod).uid },
      });
    } catch (err) {
      if (!(err instanceof ApiStatusError && (err.status === 404 || err.status === 409))) throw err;
    }
    this.note(runtime, 'removed');
  }

  private async cleanUp(runtime: PodRuntime): Promise<void> {
    if (runtime.gone) return;
    runtime.gone = true;
    runtime.terminating = true;
    for (const container of runtime.containers) container.process?.kill('SIGKILL');
    this.pods.delete(runtime.key);
    this.options.lab.removePod(runtime.key);
    if (runtime.podIP) this.usedIPs.delete(runtime.podIP);
  }

  private async configData(
    kind: 'secrets' | 'configmaps',
    namespace: string,
    name: string,
  ): Promise<Record<string, string> | undefined> {
    try {
      const object = await this.api.get(`/api/v1/namespaces/${namespace}/${kind}/${name}`);
      const data = (object.data ?? {}) as Record<string, string>;
      return kind === 'secrets'
        ? Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]))
        : data;
    } catch (err) {
      if (err instanceof ApiStatusError && err.status === 404) return undefined;
      throw err;
    }
  }

  private writeStatus(runtime: PodRuntime): Promise<unknown> {
    return runtime.serially(async () => {
      if (runtime.gone) return;
      const now = new Date().toISOString();
      const allReady = runtime.containers.every((c) => c.ready);
      const condition = (type: string, status: boolean) => ({
        type,
        status: status ? 'True' : 'False',
        lastTransitionTime: this.transition(runtime, type, status, now),
      });
      const containerStatuses = runtime.containers.map((c) => ({
        name: c.name,
        image: c.spec.image,
        imageID: '',
        ready: c.ready,
        started: c.started,
        restartCount: c.restartCount,
        state: c.process
          ? { running: { startedAt: c.startedAt } }
          : c.waiting
            ? { waiting: c.waiting }
            : (c.lastTerminated ?? { waiting: { reason: 'ContainerCreating' } }),
        ...(c.lastTerminated && c.restartCount > 0 ? { lastState: c.lastTerminated } : {}),
      }));
      const node = String((runtime.pod.spec as Obj).nodeName);
      const status = {
        phase: 'Running',
        hostIP: runtime.podIP ? `${runtime.podIP.split('.').slice(0, 3).join('.')}.1` : undefined,
        podIP: runtime.podIP,
        podIPs: runtime.podIP ? [{ ip: runtime.podIP }] : undefined,
        startTime: runtime.startTime,
        conditions: [
          condition('PodScheduled', true),
          condition('Initialized', true),
          condition('ContainersReady', allReady),
          condition('Ready', allReady),
        ],
        containerStatuses,
      };
      try {
        await this.api.mergePatch(`/api/v1/namespaces/${runtime.namespace}/pods/${runtime.name}/status`, { status });
      } catch (err) {
        if (err instanceof ApiStatusError && err.status === 404) return;
        throw new Error(`status of pod ${runtime.name} on ${node}: ${(err as Error).message}`, { cause: err });
      }
    });
  }

  private readonly transitions = new Map<string, { status: boolean; at: string }>();

  /** A condition's lastTransitionTime changes only when its status does. */
  private transition(runtime: PodRuntime, type: string, status: boolean, now: string): string {
    const key = `${runtime.key}/${type}`;
    const last = this.transitions.get(key);
    if (last && last.status === status) return last.at;
    this.transitions.set(key, { status, at: now });
    return now;
  }

  // ---- What the scenarios do to pods and nodes ----------------------------------------------

  private runtimeOf(namespace: string, name: string): PodRuntime {
    const runtime = [...this.pods.values()].find((p) => p.namespace === namespace && p.name === name);
    if (!runtime) throw new Error(`the kubelet stand-in runs no pod ${namespace}/${name}`);
    return runtime;
  }

  /** The main process of a pod's container (coderd), for signals and /proc readings. */
  public pid(namespace: string, name: string, container = 'coder'): number {
    const pid = this.runtimeOf(namespace, name).containers.find((c) => c.name === container)?.process?.pid;
    if (!pid) throw new Error(`pod ${namespace}/${name} has no running ${container} container`);
    return pid;
  }

  public podIP(namespace: string, name: string): string {
    return this.runtimeOf(namespace, name).podIP as string;
  }

  /** The lab key of a pod, for cutting its link. */
  public labKey(namespace: string, name: string): string {
    return this.runtimeOf(namespace, name).key;
  }

  /** Resident memory (bytes) and CPU time (seconds) of a pod's container process. */
  public usage(namespace: string, name: string): { rssBytes: number; cpuSeconds: number } {
    const pid = this.pid(namespace, name);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { rssBytes: rss, cpuSeconds: ticks / 100 };
  }

  /** The log of a pod's container so far. */
  public log(namespace: string, name: string, container = 'coder'): string {
    const runtime = this.runtimeOf(namespace, name);
    const home = this.options.lab.path(`pods/${runtime.name}-${String(meta(runtime.pod).uid).slice(0, 8)}`);
    try {
      return readFileSync(`${home}/${container}.log`, 'utf8');
    } catch {
      return '';
    }
  }

  /**
   * A node failure: its kubelet stops (no more status writes or deletions there), and its pods'
   * processes are killed with their network, as when a machine loses power.
   */
  public failNode(node: string): void {
    this.frozenNodes.add(node);
    for (const runtime of this.pods.values()) {
      if (String((runtime.pod.spec as Obj).nodeName) !== node) continue;
      for (const container of runtime.containers) {
        container.generation++;
        container.ready = false;
        container.started = false;
        container.process?.kill('SIGKILL');
      }
      this.options.lab.setLink(runtime.key, false);
      this.note(runtime, `node ${node} failed: processes and network gone`);
    }
  }

  /** The node's kubelet is back: its pods are reconciled again (deleted ones are removed). */
  public recoverNode(node: string): void {
    this.frozenNodes.delete(node);
    for (const pod of this.watch?.objects.values() ?? []) this.reconcile(pod, false);
    for (const runtime of [...this.pods.values()]) {
      const key = `${runtime.namespace}/${runtime.name}`;
      if (String((runtime.pod.spec as Obj).nodeName) === node && !this.watch?.objects.has(key)) {
        void this.cleanUp(runtime);
      }
    }
  }

  public async stop(): Promise<void> {
    this.stopped = true;
    this.watch?.stop();
    for (const runtime of this.pods.values()) {
      runtime.gone = true;
      for (const container of runtime.containers) container.process?.kill('SIGKILL');
      this.options.lab.removePod(runtime.key);
    }
    this.pods.clear();
  }
}
