/**
 * What every real-coderd scenario file does the same way: the coder env a lab install gets, the
 * wait that keeps the lab's watches and the kubelet stand-in honest while it polls, and the
 * Service reached through the kube-proxy stand-in with a signed-in owner.
 */
import { helm, HelmResult } from '../../../tools/helm/helm';
import { runProcess } from '../../../tools/helm/run-process';
import { HelmMajor, kubectlBinary } from '../../../tools/helm/tools';
import { ValueMap } from '../../../src/render';
import { PodWatch } from '../watch';
import { CoderClient } from './coder-api';
import { AIR_GAPPED_ENV, RealCluster } from './real-cluster';
import { ServiceProxy } from './service-proxy';

/** The Secret `RealCluster.database` makes for a namespace, which the pods read their URL from. */
export const DATABASE_SECRET = 'coder-db';

/** The owner every scenario signs in as. */
const OWNER = { email: 'admin@coder.e2e', username: 'admin', password: 'Sup3r-secret-e2e-password!' };

/** `coder.env` of a lab install: Postgres from the namespace's Secret, its access URL, air-gapped. */
export function labCoderEnv(namespace: string, extra: readonly ValueMap[] = []): ValueMap[] {
  return [
    { name: 'CODER_PG_CONNECTION_URL', valueFrom: { secretKeyRef: { name: DATABASE_SECRET, key: 'url' } } },
    { name: 'CODER_ACCESS_URL', value: `http://coder.${namespace}.svc.cluster.local` },
    ...AIR_GAPPED_ENV,
    ...extra,
  ];
}

export type Until = (what: string, seconds: number, done: () => boolean) => Promise<number>;

/**
 * A wait for `done`, polled every 100 ms; it returns the seconds it took. While it polls, it checks
 * the pod watch, the kubelet stand-in and the proxy (each throws if it broke), and on a timeout it
 * says what the namespace and the stand-in were doing. The cluster is read when it waits (a
 * describe block makes the wait before beforeAll starts the cluster).
 */
export function untilIn(
  labCluster: () => RealCluster,
  namespace: string,
  pods: () => PodWatch,
  proxy?: () => ServiceProxy | undefined,
): Until {
  return async (what, seconds, done) => {
    const cluster = labCluster();
    const start = Date.now();
    while (!done()) {
      pods().watch.check();
      cluster.kubelet.check();
      proxy?.()?.check();
      if (Date.now() - start > seconds * 1000) {
        const recent = cluster.kubelet.events
          .slice(-25)
          .map((e) => `${(e.at / 1000).toFixed(1)} s ${e.pod}: ${e.what}`)
          .join('\n');
        throw new Error(
          `timed out after ${seconds} s waiting for ${what}\n${cluster.kube.diagnose(namespace)}\nkubelet stand-in:\n${recent}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return (Date.now() - start) / 1000;
  };
}

/** The `coder` Service's http port through the kube-proxy stand-in, and the first user signed in. */
export async function signedInThroughService(
  cluster: RealCluster,
  namespace: string,
): Promise<{ proxy: ServiceProxy; owner: CoderClient }> {
  const proxy = new ServiceProxy(cluster.credentials, cluster.lab, namespace, 'coder', 'http');
  await proxy.start();
  const owner = new CoderClient(proxy.port);
  await owner.createFirstUser(OWNER.email, OWNER.username, OWNER.password);
  return { proxy, owner };
}

/** Helm of one major against the lab's cluster, in a namespace. */
export const helmIn =
  (cluster: RealCluster, major: HelmMajor, namespace: string) =>
  (args: string[], input?: string): Promise<HelmResult> =>
    helm(major, [...args, '-n', namespace, '--kubeconfig', cluster.plane.kubeconfigPath], input);

/** kubectl against the lab's cluster. */
export const kubectlIn = (cluster: RealCluster) => (args: string[]) =>
  runProcess(kubectlBinary(), ['--kubeconfig', cluster.plane.kubeconfigPath, ...args]);
