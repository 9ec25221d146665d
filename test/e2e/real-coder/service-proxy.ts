/**
 * A kube-proxy stand-in for one Service port: it listens on 127.0.0.1 in the test's namespace and
 * sends each new TCP connection to one endpoint of the Service's EndpointSlices, chosen at random
 * among the Ready ones, as kube-proxy's iptables mode does. When no endpoint is Ready it uses the
 * serving, terminating ones (kube-proxy's ProxyTerminatingEndpoints); when there are none at all
 * the connection is refused (closed at once).
 *
 * As in kube-proxy, a change of the EndpointSlices takes effect only after the rules are synced:
 * `syncDelayMs` (1 s, kube-proxy's default --iptables-min-sync-period) after the change is seen.
 * Connections already open stay where they are. Not done: session affinity, topology hints,
 * traffic policies, UDP.
 */
import { createServer, Server, Socket } from 'node:net';
import { Obj } from '../kube';
import { ObjectWatch } from '../watch';
import { ApiCredentials } from './api';
import { LabNetwork } from './lab-network';

export interface Endpoint {
  readonly address: string;
  readonly port: number;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly pod: string;
}

/** The endpoints of a Service's slices for the port named `portName`. */
export function endpointsOf(slices: Iterable<Obj>, portName: string): Endpoint[] {
  const result: Endpoint[] = [];
  for (const slice of slices) {
    const port = ((slice.ports ?? []) as Obj[]).find((p) => (p.name ?? '') === portName);
    if (!port) continue;
    for (const endpoint of (slice.endpoints ?? []) as Obj[]) {
      const conditions = (endpoint.conditions ?? {}) as Obj;
      const ready = conditions.ready !== false;
      for (const address of (endpoint.addresses ?? []) as string[]) {
        result.push({
          address,
          port: Number(port.port),
          ready,
          serving: (conditions.serving ?? ready) ? true : false,
          pod: String(((endpoint.targetRef ?? {}) as Obj).name ?? ''),
        });
      }
    }
  }
  return result;
}

/** Which endpoints kube-proxy sends new connections to. */
export function routable(endpoints: readonly Endpoint[]): Endpoint[] {
  const ready = endpoints.filter((e) => e.ready);
  return ready.length > 0 ? ready : endpoints.filter((e) => e.serving);
}

export class ServiceProxy {
  private server?: Server;
  private slices?: ObjectWatch;
  private programmed: Endpoint[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  public port = 0;
  /** Connections per pod name, for the scenarios' evidence. */
  public readonly connections = new Map<string, number>();

  public constructor(
    private readonly credentials: ApiCredentials,
    private readonly lab: LabNetwork,
    private readonly namespace: string,
    private readonly service: string,
    private readonly portName: string,
    private readonly syncDelayMs = 1000,
  ) {}

  public async start(): Promise<void> {
    const selector = encodeURIComponent(`kubernetes.io/service-name=${this.service}`);
    this.slices = await ObjectWatch.start(
      this.credentials,
      `/apis/discovery.k8s.io/v1/namespaces/${this.namespace}/endpointslices?labelSelector=${selector}`,
    );
    this.programmed = endpointsOf(this.slices.objects.values(), this.portName);
    this.slices.onChange(() => {
      const next = endpointsOf((this.slices as ObjectWatch).objects.values(), this.portName);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.programmed = next;
      }, this.syncDelayMs);
      this.timers.add(timer);
    });
    this.server = createServer((client) => this.forward(client));
    await new Promise<void>((resolve) => (this.server as Server).listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  public check(): void {
    this.slices?.check();
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
        upstream.resume();
      },
      () => client.destroy(),
    );
  }

  public async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.slices?.stop();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
