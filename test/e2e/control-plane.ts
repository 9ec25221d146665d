/**
 * A real Kubernetes control plane for the e2e tests, on loopback only: etcd, kube-apiserver,
 * kube-controller-manager and kube-scheduler, built from test/control-plane (Go) into a
 * git-ignored cache keyed by version, with certificates and service-account keys generated per
 * run, a kubeconfig, and a teardown that always runs (also on test failure or Ctrl-C).
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { PACKAGE_ROOT } from '../../src/paths';
import { kwokArgs, kwokBinary } from './kwok';

export const KUBERNETES_VERSION = 'v1.36.3';
export const ETCD_VERSION = 'v3.6.8';
const MODULE_DIR = join(PACKAGE_ROOT, 'test', 'control-plane');
const PACKAGES = {
  'kube-apiserver': 'k8s.io/kubernetes/cmd/kube-apiserver',
  'kube-controller-manager': 'k8s.io/kubernetes/cmd/kube-controller-manager',
  'kube-scheduler': 'k8s.io/kubernetes/cmd/kube-scheduler',
  etcd: 'go.etcd.io/etcd/server/v3',
} as const;
type Component = keyof typeof PACKAGES;

export class MissingGoError extends Error {}

function goVersion(): string {
  try {
    return execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
  } catch {
    throw new MissingGoError(
      'the e2e tests build kube-apiserver, kube-controller-manager, kube-scheduler and etcd from source and need Go ' +
        '(1.26 or newer, with access to the Go module proxy) on PATH: install it (for example the golang-go package, or ' +
        'a release from go.dev), then run `npm run test:e2e` again. `npm test` does not need Go.',
    );
  }
}

/**
 * Version stamps the Kubernetes release process sets with -ldflags. Without them the binaries
 * report v0.0.0-master, and Helm rejects the cluster against Chart.yaml's kubeVersion.
 */
function versionLdflags(): string {
  const [major, minor] = KUBERNETES_VERSION.replace(/^v/, '').split('.');
  const stamps = {
    gitVersion: KUBERNETES_VERSION,
    gitMajor: major,
    gitMinor: minor,
    gitTreeState: 'clean',
    gitCommit: `module-${KUBERNETES_VERSION}`,
  };
  return Object.entries(stamps)
    .map(([key, value]) => `-X k8s.io/component-base/version.${key}=${value}`)
    .join(' ');
}

/** Bump when the build recipe changes, so that cached binaries of the old recipe are not reused. */
const BUILD_RECIPE = 'r2';

/** Where the binaries of this Kubernetes/etcd/Go combination (and recipe) are cached. */
export function binDir(): string {
  const key = `k8s-${KUBERNETES_VERSION}_etcd-${ETCD_VERSION}_${goVersion()}_${BUILD_RECIPE}`;
  return join(PACKAGE_ROOT, '.cache', 'control-plane', key, 'bin');
}

export interface BuildReport {
  readonly built: Component[];
  readonly seconds: number;
}

/** Builds what is missing from the cache (Go's own build cache makes a rebuild quick). */
export function buildControlPlane(): BuildReport {
  const dir = binDir();
  const missing = (Object.keys(PACKAGES) as Component[]).filter((c) => !existsSync(join(dir, c)));
  const start = Date.now();
  if (missing.length > 0) {
    mkdirSync(dir, { recursive: true });
    const partial = `${dir}.partial`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    execFileSync(
      'go',
      ['build', '-trimpath', '-ldflags', versionLdflags(), '-o', `${partial}/`, ...missing.map((c) => PACKAGES[c])],
      {
        cwd: MODULE_DIR,
        stdio: 'inherit',
        env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' },
      },
    );
    // `go build` names etcd's binary after its package path without the major version: server.
    for (const component of missing) {
      const built = component === 'etcd' ? join(partial, 'server') : join(partial, component);
      execFileSync('mv', [built, join(dir, component)]);
    }
    rmSync(partial, { recursive: true, force: true });
  }
  return { built: missing, seconds: (Date.now() - start) / 1000 };
}

export function componentVersions(): Record<Component, string> {
  const dir = binDir();
  const run = (component: Component, args: string[]) =>
    execFileSync(join(dir, component), args, { encoding: 'utf8' }).trim();
  return {
    'kube-apiserver': run('kube-apiserver', ['--version']),
    'kube-controller-manager': run('kube-controller-manager', ['--version']),
    'kube-scheduler': run('kube-scheduler', ['--version']),
    etcd: run('etcd', ['--version']).split('\n')[0],
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA, the API server's serving certificate, an admin client certificate, the SA key pair. */
function generateCertificates(dir: string): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=coder-ha-e2e-ca',
  ]);
  const sign = (name: string, subject: string, extensions: string) => {
    openssl(dir, ['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
    writeFileSync(join(dir, `${name}.ext`), extensions);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    ]);
  };
  sign(
    'apiserver',
    '/CN=kube-apiserver',
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.96.0.1\nextendedKeyUsage=serverAuth\n',
  );
  sign('admin', '/O=system:masters/CN=e2e-admin', 'extendedKeyUsage=clientAuth\n');
  openssl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', 'sa.key']);
  openssl(dir, ['pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);
}

function kubeconfig(dir: string, port: number): string {
  const path = join(dir, 'kubeconfig');
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: e2e',
      '  cluster:',
      `    server: https://127.0.0.1:${port}`,
      `    certificate-authority: ${join(dir, 'ca.crt')}`,
      'users:',
      '- name: admin',
      '  user:',
      `    client-certificate: ${join(dir, 'admin.crt')}`,
      `    client-key: ${join(dir, 'admin.key')}`,
      'contexts:',
      '- name: e2e',
      '  context: {cluster: e2e, user: admin}',
      'current-context: e2e',
      '',
    ].join('\n'),
  );
  return path;
}

const running = new Set<ChildProcess>();
function killAll(): void {
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  running.clear();
}
// Whatever ends this process (a failed test, Ctrl-C), the components go with it.
process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

export interface ControlPlaneOptions {
  /**
   * Nodes get simulated kubelets (kwok, started by the caller) that post heartbeats: the node
   * lifecycle controller then runs, as in a real cluster, and taints and evicts after a node
   * failure. Pods tolerate a NotReady or unreachable node for EVICTION_TOLERATION_SECONDS
   * instead of Kubernetes' default 300 s, so that a node failure is watched in seconds.
   */
  readonly simulatedKubelets?: boolean;
  /**
   * Which kwok stages run: all (kwok plays every kubelet), or only the node stages (kwok keeps
   * the nodes Ready and their leases fresh; the real-coderd kubelet stand-in runs the pods).
   */
  readonly kwokStages?: 'all' | 'nodes';
  /**
   * How long pods tolerate a NotReady or unreachable node with simulated kubelets: default
   * EVICTION_TOLERATION_SECONDS; the real-coderd scenarios keep Kubernetes' own 300 s, as real
   * clusters do.
   */
  readonly evictionTolerationSeconds?: number;
}

/** How long pods tolerate a failed node before eviction, with simulated kubelets (default: 300 s). */
export const EVICTION_TOLERATION_SECONDS = 2;

export class ControlPlane {
  private readonly children: ChildProcess[] = [];

  private constructor(
    public readonly dir: string,
    public readonly kubeconfigPath: string,
    public readonly apiPort: number,
  ) {}

  public static async start(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
    const bin = binDir();
    const dir = mkdtempSync(join(tmpdir(), 'coder-ha-e2e-'));
    generateCertificates(dir);
    const [etcdClient, etcdPeer, apiPort, cmPort, schedulerPort] = await Promise.all(
      [1, 2, 3, 4, 5].map(() => freePort()),
    );
    const plane = new ControlPlane(dir, kubeconfig(dir, apiPort), apiPort);
    try {
      plane.spawn('etcd', join(bin, 'etcd'), [
        '--name=e2e',
        `--data-dir=${join(dir, 'etcd')}`,
        `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
        `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=e2e=http://127.0.0.1:${etcdPeer}`,
        '--log-level=warn',
      ]);
      plane.spawn('kube-apiserver', join(bin, 'kube-apiserver'), [
        `--etcd-servers=http://127.0.0.1:${etcdClient}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${apiPort}`,
        `--tls-cert-file=${join(dir, 'apiserver.crt')}`,
        `--tls-private-key-file=${join(dir, 'apiserver.key')}`,
        `--client-ca-file=${join(dir, 'ca.crt')}`,
        `--service-account-key-file=${join(dir, 'sa.pub')}`,
        `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
        '--service-account-issuer=https://kubernetes.default.svc',
        '--service-cluster-ip-range=10.96.0.0/16',
        '--authorization-mode=Node,RBAC',
        '--allow-privileged=true',
        ...(options.simulatedKubelets
          ? [
              `--default-not-ready-toleration-seconds=${options.evictionTolerationSeconds ?? EVICTION_TOLERATION_SECONDS}`,
              `--default-unreachable-toleration-seconds=${options.evictionTolerationSeconds ?? EVICTION_TOLERATION_SECONDS}`,
            ]
          : []),
        '--v=1',
      ]);
      await plane.waitReady(120);
      plane.spawn('kube-controller-manager', join(bin, 'kube-controller-manager'), [
        `--kubeconfig=${plane.kubeconfigPath}`,
        `--authentication-kubeconfig=${plane.kubeconfigPath}`,
        `--authorization-kubeconfig=${plane.kubeconfigPath}`,
        `--service-account-private-key-file=${join(dir, 'sa.key')}`,
        `--root-ca-file=${join(dir, 'ca.crt')}`,
        '--leader-elect=false',
        '--bind-address=127.0.0.1',
        `--secure-port=${cmPort}`,
        // Without simulated kubelets nothing heartbeats for the fake nodes: keep the node
        // lifecycle controller from tainting them. With them it runs, checking every second.
        ...(options.simulatedKubelets ? ['--node-monitor-period=1s'] : ['--controllers=*,-nodelifecycle']),
        '--v=1',
      ]);
      plane.spawn('kube-scheduler', join(bin, 'kube-scheduler'), [
        `--kubeconfig=${plane.kubeconfigPath}`,
        `--authentication-kubeconfig=${plane.kubeconfigPath}`,
        `--authorization-kubeconfig=${plane.kubeconfigPath}`,
        '--leader-elect=false',
        '--bind-address=127.0.0.1',
        `--secure-port=${schedulerPort}`,
        '--v=1',
      ]);
      if (options.simulatedKubelets) {
        plane.spawn('kwok', kwokBinary(), kwokArgs(plane.kubeconfigPath, options.kwokStages ?? 'all'));
      }
    } catch (err) {
      await plane.stop();
      throw err;
    }
    return plane;
  }

  private spawn(name: string, binary: string, args: string[]): void {
    const log = openSync(join(this.dir, `${name}.log`), 'a');
    const child = spawn(binary, args, { stdio: ['ignore', log, log] });
    closeSync(log);
    child.on('exit', (code, signal) => {
      running.delete(child);
      if (!this.stopping && code !== 0)
        process.stderr.write(`${name} exited (${code ?? signal}); see ${join(this.dir, `${name}.log`)}\n`);
    });
    running.add(child);
    this.children.push(child);
  }

  private stopping = false;

  /** The log of a component, for failure messages. */
  public log(name: string): string {
    try {
      return readFileSync(join(this.dir, `${name}.log`), 'utf8');
    } catch {
      return '';
    }
  }

  private get(path: string): Promise<number> {
    return new Promise((resolve) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.apiPort,
          path,
          ca: readFileSync(join(this.dir, 'ca.crt')),
          cert: readFileSync(join(this.dir, 'admin.crt')),
          key: readFileSync(join(this.dir, 'admin.key')),
          timeout: 2000,
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', () => resolve(0));
      req.on('timeout', () => req.destroy());
      req.end();
    });
  }

  public async waitReady(seconds: number): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    while (Date.now() < deadline) {
      if ((await this.get('/readyz')) === 200) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`kube-apiserver was not ready within ${seconds} s:\n${this.log('kube-apiserver').slice(-3000)}`);
  }

  public async stop(): Promise<void> {
    this.stopping = true;
    for (const child of this.children) child.kill('SIGTERM');
    const deadline = Date.now() + 10000;
    while (this.children.some((c) => c.exitCode === null && c.signalCode === null) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const child of this.children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
