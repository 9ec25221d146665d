/**
 * Simulated kubelets: kwok (sigs.k8s.io/kwok), built from test/kwok (Go) like the control plane,
 * driving nodes annotated `kwok.x-k8s.io/node: fake` and their pods through the stages in
 * test/e2e/kwok-stages: nodes turn Ready, pods start and turn Ready after a delay, a node can
 * fail and a pod can hang. Everything else is the real control plane's work.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/paths';

export const KWOK_VERSION = 'v0.8.0';
const MODULE_DIR = join(PACKAGE_ROOT, 'test', 'kwok');
const STAGES_DIR = join(PACKAGE_ROOT, 'test', 'e2e', 'kwok-stages');
/** The annotation that hands a Node to kwok. */
export const KWOK_NODE_ANNOTATION = { 'kwok.x-k8s.io/node': 'fake' } as const;
/** Annotations the stages react to. */
export const FAILED_NODE_ANNOTATION = 'e2e.coder-ha/failed';
export const HUNG_POD_ANNOTATION = 'e2e.coder-ha/hung';
export const START_AFTER_ANNOTATION = 'e2e.coder-ha/start-after';

function kwokBinDir(): string {
  const go = execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
  return join(PACKAGE_ROOT, '.cache', 'kwok', `kwok-${KWOK_VERSION}_${go}`, 'bin');
}

export function kwokBinary(): string {
  return join(kwokBinDir(), 'kwok');
}

/** Builds kwok when the cache lacks it; returns the seconds it took (0 when cached). */
export function buildKwok(): number {
  if (existsSync(kwokBinary())) return 0;
  const start = Date.now();
  const partial = `${kwokBinDir()}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  execFileSync('go', ['build', '-trimpath', '-o', `${partial}/`, 'sigs.k8s.io/kwok/cmd/kwok'], {
    cwd: MODULE_DIR,
    stdio: 'inherit',
    env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' },
  });
  mkdirSync(kwokBinDir(), { recursive: true });
  execFileSync('mv', [join(partial, 'kwok'), kwokBinary()]);
  rmSync(partial, { recursive: true, force: true });
  return (Date.now() - start) / 1000;
}

export function kwokVersion(): string {
  return execFileSync(kwokBinary(), ['--version'], { encoding: 'utf8' }).trim();
}

/**
 * Arguments that run kwok against the cluster of `kubeconfig`, with this project's stages: all of
 * them, or only the node stages when another stand-in (the real-coderd kubelet) runs the pods.
 */
export function kwokArgs(kubeconfig: string, stages: 'all' | 'nodes' = 'all'): string[] {
  const stageFiles = readdirSync(STAGES_DIR)
    .filter((f) => f.endsWith('.yaml') && (stages === 'all' || f.startsWith('node-')))
    .sort()
    .map((f) => `--config=${join(STAGES_DIR, f)}`);
  return [
    `--kubeconfig=${kubeconfig}`,
    `--manage-nodes-with-annotation-selector=${Object.entries(KWOK_NODE_ANNOTATION)
      .map(([k, v]) => `${k}=${v}`)
      .join(',')}`,
    '--server-address=127.0.0.1:0',
    '--node-lease-duration-seconds=40',
    '--cidr=10.0.0.0/16',
    ...stageFiles,
  ];
}

/**
 * A Node that kwok runs, labelled as a cloud's node in `zone` would be; with `podCIDR`, pods on it
 * get addresses from that range (the real-coderd lab's pod network).
 */
export function kwokNode(name: string, zone: string, podCIDR?: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: KWOK_NODE_ANNOTATION,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/zone': zone,
        'topology.kubernetes.io/region': 'e2e-region',
        type: 'kwok',
      },
    },
    ...(podCIDR ? { spec: { podCIDR, podCIDRs: [podCIDR] } } : {}),
  };
}
