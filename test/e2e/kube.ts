/** Small helpers over kubectl and Helm against the e2e control plane. */
import { spawnSync } from 'node:child_process';
import { helmSync, HelmResult } from '../../tools/helm/helm';
import { HelmMajor, kubectlBinary } from '../../tools/helm/tools';
import { GoMap } from '../../src/expr/go-semantics';

/** A manifest or any map in it. */
export type Obj = GoMap;

export class Kube {
  public constructor(private readonly kubeconfig: string) {}

  public kubectl(args: string[], input?: string): { status: number; stdout: string; stderr: string } {
    const run = spawnSync(kubectlBinary(), ['--kubeconfig', this.kubeconfig, ...args], {
      input,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    return { status: run.status ?? 1, stdout: run.stdout, stderr: run.stderr };
  }

  public ok(args: string[], input?: string): string {
    const run = this.kubectl(args, input);
    if (run.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed:\n${run.stderr}`);
    return run.stdout;
  }

  public json(args: string[]): Obj {
    return JSON.parse(this.ok([...args, '-o', 'json'])) as Obj;
  }

  public items(args: string[]): Obj[] {
    return (this.json(args).items ?? []) as Obj[];
  }

  public exists(kind: string, name: string, namespace?: string): boolean {
    const ns = namespace ? ['-n', namespace] : [];
    return this.kubectl(['get', kind, name, ...ns, '-o', 'name']).status === 0;
  }

  public helm(major: HelmMajor, args: string[]): HelmResult {
    return helmSync(major, [...args, '--kubeconfig', this.kubeconfig]);
  }

  public async waitFor<T>(
    what: string,
    seconds: number,
    probe: () => T | undefined | false,
    namespace?: string,
  ): Promise<T> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      const value = probe();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > deadline) {
        throw new Error(
          `timed out after ${seconds} s waiting for ${what}${namespace ? `\n${this.diagnose(namespace)}` : ''}`,
        );
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** A Node object as a cloud's would look, Ready, with room for several coderd pods. */
  public registerNode(name: string, zone: string): void {
    const labels = {
      'kubernetes.io/hostname': name,
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'topology.kubernetes.io/zone': zone,
      'topology.kubernetes.io/region': 'e2e-region',
      'node.kubernetes.io/instance-type': 'e2e.xlarge',
    };
    this.ok(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels } }));
    const resources = { cpu: '16', memory: '64Gi', pods: '110' };
    const now = new Date().toISOString();
    const status = {
      capacity: resources,
      allocatable: resources,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'e2e fake node',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        },
      ],
    };
    this.ok(['patch', 'node', name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
    // Admission taints a new node not-ready until a node controller sees its kubelet: there is
    // none here (and the node lifecycle controller is off), so lift the taint as it would.
    this.ok(['patch', 'node', name, '--type=merge', '-p', JSON.stringify({ spec: { taints: null } })]);
  }

  /**
   * Does for the pods of a namespace what kubelets would: a pod bound to a node becomes Running
   * and Ready, and a pod being deleted is gone. Without it no rollout could ever progress here.
   */
  public actAsKubelets(namespace: string): void {
    let ip = 10;
    for (const pod of this.items(['get', 'pods', '-n', namespace])) {
      const metadata = pod.metadata as Obj;
      const name = String(metadata.name);
      if (metadata.deletionTimestamp) {
        this.kubectl(['delete', 'pod', name, '-n', namespace, '--grace-period=0', '--force', '--ignore-not-found']);
        continue;
      }
      const spec = pod.spec as Obj;
      const status = (pod.status ?? {}) as Obj;
      if (!spec.nodeName || status.phase === 'Running') continue;
      const now = new Date().toISOString();
      const ready = (type: string) => ({ type, status: 'True', lastTransitionTime: now });
      const containers = (spec.containers as Obj[]).map((c) => ({
        name: c.name,
        image: c.image,
        imageID: '',
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: now } },
      }));
      const podIP = `10.244.0.${ip++}`;
      const patch = {
        status: {
          phase: 'Running',
          podIP,
          podIPs: [{ ip: podIP }],
          startTime: now,
          conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map(ready),
          containerStatuses: containers,
        },
      };
      this.kubectl([
        'patch',
        'pod',
        name,
        '-n',
        namespace,
        '--subresource=status',
        '--type=merge',
        '-p',
        JSON.stringify(patch),
      ]);
    }
  }

  /** What the cluster says about pods and events in a namespace, for a failure message. */
  public diagnose(namespace: string): string {
    return [
      this.kubectl(['get', 'nodes', '-o', 'wide']).stdout,
      this.kubectl(['get', 'replicasets,pods', '-n', namespace, '-o', 'wide']).stdout,
      this.kubectl(['get', 'events', '-n', namespace, '--sort-by=.lastTimestamp'])
        .stdout.split('\n')
        .slice(-25)
        .join('\n'),
    ].join('\n');
  }
}
