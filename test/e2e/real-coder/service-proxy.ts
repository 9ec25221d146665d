/**
 * A kube-proxy stand-in for one Service port: it listens on 127.0.0.1 in the test's namespace and
 * sends each new TCP connection to one endpoint of the Service, chosen at random among the Ready
 * ones, as kube-proxy's iptables mode does. When no endpoint is Ready it uses the serving,
 * terminating ones (kube-proxy's ProxyTerminatingEndpoints); when there are none at all the
 * connection is refused (closed at once).
 *
 * The endpoints are computed from the Service's pods as the EndpointSlice controller computes
 * them (the Service's live selector, pod IP, the Ready condition, deletion; a selector changed by
 * `helm upgrade` takes effect as it does there), not read from EndpointSlices: the API
 * server refuses loopback addresses in an EndpointSlice ("may not be in the loopback range"), and
 * the lab's pod IPs are loopback addresses so that no packet can leave the machine. The pods'
 * Ready condition is what the controller would copy, so the routing follows real coderd
 * readiness all the same.
 *
 * As in kube-proxy, a change takes effect only after the rules are synced: `syncDelayMs` (1 s,
 * kube-proxy's default --iptables-min-sync-period) after the change is seen. Connections already
 * open stay where they are. Not done: session affinity, topology hints, traffic policies, UDP.
 */
import { createServer, Server, Socket } from 'node:net';
import { Obj } from '../kube';
import { ObjectWatch } from '../watch';
import { ApiCredentials } from './api';
import { LabNetwork } from './lab-network';
import { containerPort } from './probe';

export interface Endpoint {
  readonly address: string;
  readonly port: number;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  readonly pod: string;
}

const meta = (o: Obj): Obj => (o.metadata ?? {}) as Obj;

/**
 * The endpoints of a Service port among `pods` (already selected by the Service's selector), as
 * the EndpointSlice controller makes them: pods with an IP that have not finished; ready when the
 * pod is Ready and not being deleted; serving when the pod is Ready; the port resolved in the
 * pod's containers when the target port is a name.
 */
export function endpointsOf(pods: Iterable<Obj>, targetPort: string | number): Endpoint[] {
  const result: Endpoint[] = [];
  for (const pod of pods) {
    const status = (pod.status ?? {}) as Obj;
    if (!status.podIP || ['Succeeded', 'Failed'].includes(String(status.phase))) continue;
    const podReady = ((status.conditions ?? []) as Obj[]).some((c) => c.type === 'Ready' && c.status === 'True');
    const terminating = Boolean(meta(pod).deletionTimestamp);
    let port: number | undefined;
    for (const container of ((pod.spec ?? {}) as Obj).containers as Obj[]) {
      try {
        port = containerPort(container, targetPort);
        break;
      } catch {
        // not this container's port
      }
    }
    if (port === undefined) continue;
    result.push({
      address: String(status.podIP),
      port,
      ready: podReady && !terminating,
      serving: podReady,
      terminating,
      pod: String(meta(pod).name),
    });
  }
  return result;
}

/** Which endpoints kube-proxy sends new connections to. */
export function routable(endpoints: readonly Endpoint[]): Endpoint[] {
  const ready = endpoints.filter((e) => e.ready);
  return ready.length > 0 ? ready : endpoints.filter((e) => e.serving && e.terminating);
}

export class ServiceProxy {
  private server?: Server;
  private pods?: ObjectWatch;
  private services?: ObjectWatch;
  private programmed: Endpoint[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sockets = new Set<Socket>();
  public port = 0;
  /** Connections per pod name, for the scenarios' evidence. */
  public readonly connections = new Map<string, number>();
  /** When the programmed endpoints changed (ms since start) and to what, for the scenarios. */
  public readonly history: { at: number; endpoints: Endpoint[] }[] = [];
  private readonly started = Date.now();

  public constructor(
    private readonly credentials: ApiCredentials,
    private readonly lab: LabNetwork,
    private readonly namespace: string,
    private readonly service: string,
    private readonly portName: string,
    private readonly syncDelayMs = 1000,
  ) {}

  public async start(): Promise<void> {
    this.services = await ObjectWatch.start(
      this.credentials,
      `/api/v1/namespaces/${this.namespace}/services?fieldSelector=${encodeURIComponent(`metadata.name=${this.service}`)}`,
    );
    if (!this.spec()) throw new Error(`no Service ${this.service} in ${this.namespace}`);
    this.pods = await ObjectWatch.start(this.credentials, `/api/v1/namespaces/${this.namespace}/pods`);
    this.program(this.endpoints());
    const resync = () => {
      const next = this.endpoints();
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.program(next);
      }, this.syncDelayMs);
      this.timers.add(timer);
    };
    this.pods.onChange(resync);
    this.services.onChange(resync);
    this.server = createServer((client) => this.forward(client));
    await new Promise<void>((resolve) => (this.server as Server).listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  private spec(): Obj | undefined {
    const service = [...(this.services as ObjectWatch).objects.values()][0];
    return service ? ((service.spec ?? {}) as Obj) : undefined;
  }

  /** The endpoints of the Service's port among the pods its selector selects now. */
  private endpoints(): Endpoint[] {
    const spec = this.spec();
    if (!spec) return [];
    const port = ((spec.ports ?? []) as Obj[]).find((p) => (p.name ?? '') === this.portName);
    if (!port) throw new Error(`Service ${this.service} has no port named ${this.portName}`);
    const selector = Object.entries((spec.selector ?? {}) as Record<string, string>);
    // A Service without a selector has no endpoints the controller computes.
    const selected = [...(this.pods as ObjectWatch).objects.values()].filter((pod) => {
      const labels = (meta(pod).labels ?? {}) as Record<string, string>;
      return selector.length > 0 && selector.every(([k, v]) => labels[k] === v);
    });
    return endpointsOf(selected, (port.targetPort ?? port.port) as string | number);
  }

  private program(endpoints: Endpoint[]): void {
    this.programmed = endpoints;
    this.history.push({ at: this.now(), endpoints });
  }

  public now(): number {
    return Date.now() - this.started;
  }

  public check(): void {
    this.pods?.check();
    this.services?.check();
  }

  /** The endpoints new connections go to now. */
  public current(): Endpoint[] {
    return routable(this.programmed);
  }

  private forward(client: Socket): void {
    const candidates = this.current();
    if (candidates.length === 0) {
      client.destroy();
      return;
    }
    const target = candidates[Math.floor(Math.random() * candidates.length)];
    this.connections.set(target.pod, (this.connections.get(target.pod) ?? 0) + 1);
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.pause();
    client.on('error', () => undefined);
    this.lab.dial(target.address, target.port).then(
      (upstream) => {
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      },
      () => client.destroy(),
    );
  }

  public async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.pods?.stop();
    this.services?.stop();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
