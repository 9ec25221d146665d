/**
 * The lab's network: Linux network namespaces whose addresses are inside 127.0.0.0/8, so that no
 * packet a test starts can leave the machine.
 *
 * - A host namespace holds a bridge at 127.77.0.1/16: the "node network". PostgreSQL listens
 *   there, and the dialer (lab-dialer.mjs) runs there for the test process.
 * - Each pod gets its own namespace with one veth on the bridge at its pod IP (127.77.N.M/16),
 *   and a loopback of its own at 127.0.0.1/32 (not /8, which would swallow the pod network).
 * - `route_localnet` lets 127/8 addresses travel over the bridge. No namespace has a default
 *   route, so telemetry, STUN or a Terraform download fails at once with "network unreachable".
 *
 * The machine's own namespace is not touched: its loopback owns all of 127.0.0.0/8, so the test
 * process reaches the lab through the dialer's Unix socket, and PostgreSQL's Unix socket.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createConnection, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The lab's node network: pod CIDRs are carved from it, one /24 per node. */
export const LAB_NETWORK = { prefix: '127.77', bits: 16 } as const;
export const LAB_HOST_ADDRESS = `${LAB_NETWORK.prefix}.0.1`;
/** The n-th node's pod CIDR (n from 1). */
export const podCIDR = (n: number): string => `${LAB_NETWORK.prefix}.${n}.0/24`;

function ip(args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Runs `ip` inside a named namespace. */
function ipIn(namespace: string, args: string[]): void {
  ip(['netns', 'exec', namespace, 'ip', ...args]);
}

function sysctlIn(namespace: string, settings: string[]): void {
  execFileSync('ip', ['netns', 'exec', namespace, 'sysctl', '-qw', ...settings], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** Loopback at 127.0.0.1/32 only, and 127/8 addresses allowed on the other interfaces. */
function prepareNamespace(namespace: string): void {
  sysctlIn(namespace, ['net.ipv4.conf.all.route_localnet=1', 'net.ipv4.conf.default.route_localnet=1']);
  ipIn(namespace, ['link', 'set', 'lo', 'up']);
  ipIn(namespace, ['addr', 'del', '127.0.0.1/8', 'dev', 'lo']);
  ipIn(namespace, ['addr', 'add', '127.0.0.1/32', 'dev', 'lo']);
}

const NAMESPACE_PREFIX = 'chlab-';
const LAB_DIR_PREFIX = 'coder-ha-lab-';

/** Every process in a namespace, killed, then the namespace removed. */
function removeNamespace(namespace: string): void {
  try {
    const pids = execFileSync('ip', ['netns', 'pids', namespace], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    ip(['netns', 'del', namespace]);
  } catch {
    // not there
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Namespaces (with their processes) and directories of labs whose test process is gone: killed
 * before its teardown ran. Jest gives a test file its own `process` object, so an exit handler
 * registered there does not run when the real process is killed.
 */
function removeAbandonedLabs(): void {
  for (const entry of readdirSync(tmpdir())) {
    if (!entry.startsWith(LAB_DIR_PREFIX)) continue;
    const owner = Number(entry.slice(LAB_DIR_PREFIX.length).split('-')[0]);
    if (owner && !processAlive(owner)) rmSync(join(tmpdir(), entry), { recursive: true, force: true });
  }
  let names: string[];
  try {
    names = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
      .split('\n')
      .map((line) => line.split(' ')[0])
      .filter((name) => name.startsWith(NAMESPACE_PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const owner = Number(name.slice(NAMESPACE_PREFIX.length).split('-')[0]);
    if (!processAlive(owner)) removeNamespace(name);
  }
}

export class LabNetwork {
  /** A short id in interface names, so that two labs (or a leftover one) never collide. */
  private readonly id = randomBytes(2).toString('hex');
  /** Namespaces are named after the test process, so that a later run can remove abandoned ones. */
  private readonly prefix = `${NAMESPACE_PREFIX}${process.pid}-${this.id}`;
  public readonly hostNamespace = `${this.prefix}-host`;
  private readonly pods = new Map<string, { namespace: string; veth: string }>();
  private dialer?: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), `${LAB_DIR_PREFIX}${process.pid}-`));
  private readonly dialerSocket = join(this.dir, 'dialer.sock');
  private counter = 0;

  private constructor() {
    // Lab processes run as unprivileged users (PostgreSQL as postgres, coderd as the pod's
    // runAsUser) and keep their files below this directory.
    chmodSync(this.dir, 0o755);
  }

  /** Creates the host namespace with its bridge and starts the dialer. */
  public static async create(): Promise<LabNetwork> {
    removeAbandonedLabs();
    const lab = new LabNetwork();
    try {
      ip(['netns', 'add', lab.hostNamespace]);
      prepareNamespace(lab.hostNamespace);
      ipIn(lab.hostNamespace, ['link', 'add', 'br0', 'type', 'bridge']);
      sysctlIn(lab.hostNamespace, ['net.ipv4.conf.br0.route_localnet=1']);
      ipIn(lab.hostNamespace, ['addr', 'add', `${LAB_HOST_ADDRESS}/${LAB_NETWORK.bits}`, 'dev', 'br0']);
      ipIn(lab.hostNamespace, ['link', 'set', 'br0', 'up']);
      await lab.startDialer();
    } catch (err) {
      lab.destroy();
      throw err;
    }
    return lab;
  }

  private async startDialer(): Promise<void> {
    const script = join(__dirname, 'lab-dialer.mjs');
    const child = spawn('ip', ['netns', 'exec', this.hostNamespace, process.execPath, script, this.dialerSocket], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.dialer = child;
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the lab dialer exited (${code}) before it listened`)));
      child.stdout?.once('data', () => resolve());
    });
  }

  /**
   * A namespace for a pod, at `address` on the bridge. Returns its name, for `ip netns exec`.
   * The host side of its veth is named after the pod's number, within the 15 characters Linux
   * allows for an interface name.
   */
  public addPod(key: string, address: string): string {
    const n = ++this.counter;
    const namespace = `${this.prefix}-p${n}`;
    const veth = `v${this.id}p${n}`;
    ip(['netns', 'add', namespace]);
    this.pods.set(key, { namespace, veth });
    prepareNamespace(namespace);
    ipIn(this.hostNamespace, ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', namespace]);
    ipIn(this.hostNamespace, ['link', 'set', veth, 'master', 'br0', 'up']);
    ipIn(namespace, ['addr', 'add', `${address}/${LAB_NETWORK.bits}`, 'dev', 'eth0']);
    ipIn(namespace, ['link', 'set', 'eth0', 'up']);
    return namespace;
  }

  /** Cuts (or restores) a pod's only link: it can neither reach nor be reached. */
  public setLink(key: string, up: boolean): void {
    const pod = this.pods.get(key);
    if (!pod) throw new Error(`no lab namespace for pod ${key}`);
    ipIn(this.hostNamespace, ['link', 'set', pod.veth, up ? 'up' : 'down']);
  }

  public removePod(key: string): void {
    const pod = this.pods.get(key);
    if (!pod) return;
    this.pods.delete(key);
    removeNamespace(pod.namespace);
  }

  /**
   * A TCP connection to `host:port` inside the lab, made from the host namespace (where a node's
   * kubelet and kube-proxy stand), resolved once it is open; rejected with the connect error's
   * code (ECONNREFUSED, ETIMEDOUT, ENETUNREACH) otherwise.
   */
  public dial(host: string, port: number): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(this.dialerSocket);
      let reply = '';
      const fail = (err: Error) => {
        socket.destroy();
        reject(err);
      };
      socket.once('error', fail);
      socket.once('connect', () => socket.write(`${host}:${port}\n`));
      const onData = (chunk: Buffer) => {
        reply += chunk.toString('latin1');
        const newline = reply.indexOf('\n');
        if (newline < 0) return;
        socket.off('data', onData);
        socket.off('error', fail);
        const answer = reply.slice(0, newline);
        if (answer !== 'OK') {
          fail(Object.assign(new Error(`connect ${answer} ${host}:${port}`), { code: answer }));
          return;
        }
        // Not paused: a consumer that only adds a 'data' listener (Node's HTTP client) would
        // never resume it. Nothing is lost meanwhile: the servers here speak after the client,
        // and the consumer attaches its listeners before any further I/O.
        const rest = reply.slice(newline + 1);
        if (rest.length > 0) socket.unshift(Buffer.from(rest, 'latin1'));
        resolve(socket);
      };
      socket.on('data', onData);
      socket.once('end', () => {
        if (!reply.includes('\n')) fail(new Error(`the lab dialer closed the connection to ${host}:${port}`));
      });
    });
  }

  /** A directory for files of lab processes (PostgreSQL's data and socket, pod homes). */
  public path(name: string): string {
    const path = join(this.dir, name);
    mkdirSync(path, { recursive: true });
    return path;
  }

  /** Removes every namespace and stops the dialer. Safe to call twice. */
  public destroy(): void {
    for (const key of [...this.pods.keys()]) this.removePod(key);
    this.dialer?.kill('SIGKILL');
    this.dialer = undefined;
    removeNamespace(this.hostNamespace);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
