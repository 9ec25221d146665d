/**
 * Everything a real-coderd scenario stands on, started once per suite and always torn down: the
 * control plane (kwok keeps the nodes Ready and leased; pods tolerate a failed node for
 * Kubernetes' default 300 s), the lab network, a throwaway PostgreSQL, nodes over three zones
 * with pod CIDRs in the lab network, and the kubelet stand-in that runs coderd for their pods.
 */
import { existsSync } from 'node:fs';
import { Obj, Kube } from '../kube';
import { buildControlPlane, ControlPlane } from '../control-plane';
import { buildKwok, kwokNode } from '../kwok';
import { ApiCredentials } from './api';
import { buildCoder, coderBinary, coderVersionOfImage } from './coderd-build';
import { KubeletStandIn } from './kubelet';
import { LabNetwork, podCIDR } from './lab-network';
import { Postgres } from './postgres';

export const ZONES = ['zone-a', 'zone-b', 'zone-c'] as const;
/** Kubernetes' default toleration of a NotReady or unreachable node, as real clusters keep it. */
export const DEFAULT_NODE_TOLERATION_SECONDS = 300;

/**
 * Env every coderd of the lab gets from the chart's `coder.env`, as a user of an air-gapped
 * cluster would set it: no telemetry, and no built-in provisioners (they download Terraform at
 * start and coderd exits when they cannot; the lab has no route out).
 */
export const AIR_GAPPED_ENV = [
  { name: 'CODER_TELEMETRY_ENABLE', value: 'false' },
  { name: 'CODER_PROVISIONER_DAEMONS', value: '0' },
  { name: 'CODER_UPDATE_CHECK', value: 'false' },
];

export class RealCluster {
  public readonly nodes: string[] = [];

  private constructor(
    public readonly plane: ControlPlane,
    public readonly kube: Kube,
    public readonly lab: LabNetwork,
    public readonly postgres: Postgres,
    public readonly kubelet: KubeletStandIn,
  ) {}

  /** Builds what the cache lacks and starts everything; says on stderr what it built. */
  public static async start(coderVersions: readonly string[], nodesPerZone: number): Promise<RealCluster> {
    const build = buildControlPlane();
    const kwokSeconds = buildKwok();
    const coderSeconds = coderVersions.map((v) => `coder ${v}: ${buildCoder(v) || 'cached'}`);
    process.stderr.write(
      `real cluster: control plane ${build.seconds.toFixed(0)} s, kwok ${kwokSeconds.toFixed(0)} s, ${coderSeconds.join(', ')}\n`,
    );
    const plane = await ControlPlane.start({
      simulatedKubelets: true,
      kwokStages: 'nodes',
      evictionTolerationSeconds: DEFAULT_NODE_TOLERATION_SECONDS,
    });
    let lab: LabNetwork | undefined;
    let postgres: Postgres | undefined;
    try {
      lab = await LabNetwork.create();
      postgres = await Postgres.start(lab);
      const kube = new Kube(plane.kubeconfigPath);
      await kube.waitFor('the default ServiceAccount controller', 60, () =>
        kube.exists('serviceaccount', 'default', 'default'),
      );
      const nodes = new Map<string, string>();
      let n = 0;
      for (const zone of ZONES) {
        for (let i = 1; i <= nodesPerZone; i++) nodes.set(`${zone}-${i}`, podCIDR(++n));
      }
      const credentials: ApiCredentials = { port: plane.apiPort, dir: plane.dir };
      const kubelet = new KubeletStandIn({
        credentials,
        lab,
        nodes,
        binaryFor: (image) => {
          const version = coderVersionOfImage(image);
          return version && existsSync(coderBinary(version)) ? coderBinary(version) : undefined;
        },
      });
      const cluster = new RealCluster(plane, kube, lab, postgres, kubelet);
      for (const [name, cidr] of nodes) cluster.registerNode(name, cidr);
      await kubelet.start();
      await kube.waitFor('the nodes to be Ready', 60, () => cluster.nodes.every((node) => cluster.nodeReady(node)));
      return cluster;
    } catch (err) {
      await postgres?.stop();
      lab?.destroy();
      await plane.stop();
      throw err;
    }
  }

  public get credentials(): ApiCredentials {
    return { port: this.plane.apiPort, dir: this.plane.dir };
  }

  private readonly nodeCIDRs = new Map<string, string>();

  private registerNode(name: string, cidr: string): void {
    this.nodeCIDRs.set(name, cidr);
    const zone = name.replace(/-\d+$/, '');
    this.kube.ok(['apply', '-f', '-'], JSON.stringify(kwokNode(name, zone, cidr)));
    this.nodes.push(name);
  }

  /**
   * A node that loses power: its pods' processes and network are gone, and nothing renews its
   * Lease any more, so the node lifecycle controller finds it after its grace period (50 s by
   * default), as in a real cluster. kwok renews a lease only while it holds it: the lease is
   * handed to a holder that never renews, for a day.
   */
  public failNode(node: string): void {
    this.kubelet.failNode(node);
    const lost = { spec: { holderIdentity: 'e2e-lost-node', leaseDurationSeconds: 86400 } };
    this.kube.ok(['patch', 'lease', node, '-n', 'kube-node-lease', '--type=merge', '-p', JSON.stringify(lost)]);
  }

  /**
   * The machine is replaced, as a cloud's node group does: the Node object (and its Lease) is
   * removed, which removes the pods still bound to it, and a node of the same name registers.
   */
  public async recoverNode(node: string): Promise<void> {
    const cidr = this.nodeCIDRs.get(node) as string;
    this.kube.ok(['delete', 'node', node, '--wait=true']);
    this.kube.ok(['delete', 'lease', node, '-n', 'kube-node-lease', '--ignore-not-found']);
    this.nodes.splice(this.nodes.indexOf(node), 1);
    this.kubelet.recoverNode(node);
    this.registerNode(node, cidr);
    const deadline = Date.now() + 60_000;
    while (!this.nodeReady(node)) {
      if (Date.now() > deadline) throw new Error(`node ${node} was not Ready again within 60 s`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  public nodeReady(node: string): boolean {
    const status = (this.kube.json(['get', 'node', node]).status ?? {}) as Obj;
    return ((status.conditions ?? []) as Obj[]).some((c) => c.type === 'Ready' && c.status === 'True');
  }

  /** A database of its own for a scenario, and the Secret that gives its URL to the pods. */
  public database(namespace: string, secretName: string): string {
    const database = namespace.replace(/[^a-z0-9]/g, '_');
    this.postgres.query(`create database ${database} owner coder`);
    const url = this.postgres.connectionURL().replace('/coder?', `/${database}?`);
    this.kube.ok(['create', 'secret', 'generic', secretName, '-n', namespace, `--from-literal=url=${url}`]);
    return database;
  }

  public async stop(): Promise<void> {
    await this.kubelet.stop();
    await this.postgres.stop();
    this.lab.destroy();
    await this.plane.stop();
  }
}
