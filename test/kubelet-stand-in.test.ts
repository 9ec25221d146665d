/**
 * The parts of the real-coderd e2e stand-ins that decide what coderd sees, checked without a
 * cluster: the env the kubelet stand-in computes from a Pod (the downward API, $(VAR) expansion,
 * Secrets), which endpoints the Service proxy routes to, and which binary runs an image.
 */
import { Obj } from './e2e/kube';
import { coderVersionOfImage } from './e2e/real-coder/coderd-build';
import { expandReferences, parseQuantity, resolveEnv } from './e2e/real-coder/pod-env';
import { endpointsOf, routable } from './e2e/real-coder/service-proxy';

const pod: Obj = {
  metadata: { name: 'coder-7d9f-abcde', namespace: 'team', uid: 'u-1', labels: { 'app.kubernetes.io/name': 'coder' } },
  spec: { nodeName: 'zone-a-1', serviceAccountName: 'coder' },
  status: { podIP: '127.77.1.2', podIPs: [{ ip: '127.77.1.2' }], hostIP: '127.77.1.1' },
};

const sources = (secrets: Record<string, Record<string, string>> = {}) => ({
  secret: async (_ns: string, name: string) => secrets[name],
  configMap: async () => undefined,
  nodeAllocatable: { cpu: '16', memory: '64Gi' },
});

describe('the env the kubelet stand-in gives coderd', () => {
  test("the chart's relay URL resolves to the pod's own address", async () => {
    const container: Obj = {
      name: 'coder',
      env: [
        { name: 'KUBE_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'CODER_DERP_SERVER_RELAY_URL', value: 'http://$(KUBE_POD_IP):8080' },
        { name: 'ESCAPED', value: '$$(KUBE_POD_IP) $(UNKNOWN)' },
      ],
    };
    const env = await resolveEnv(pod, container, sources());
    expect(env.get('CODER_DERP_SERVER_RELAY_URL')).toBe('http://127.77.1.2:8080');
    expect(env.get('ESCAPED')).toBe('$(KUBE_POD_IP) $(UNKNOWN)');
  });

  test('a reference to a variable defined later is not expanded, as in Kubernetes', async () => {
    const container = {
      name: 'coder',
      env: [
        { name: 'EARLY', value: '$(LATE)' },
        { name: 'LATE', value: 'x' },
      ],
    };
    expect((await resolveEnv(pod, container, sources())).get('EARLY')).toBe('$(LATE)');
  });

  test('GOMEMLIMIT from the memory limit in bytes, and the downward API fields', async () => {
    const container: Obj = {
      name: 'coder',
      resources: { limits: { memory: '4096Mi', cpu: '1500m' } },
      env: [
        { name: 'GOMEMLIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } },
        { name: 'CPUS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
        { name: 'REQUEST', valueFrom: { resourceFieldRef: { resource: 'requests.memory', divisor: '1Mi' } } },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'LABEL', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app.kubernetes.io/name']" } } },
      ],
    };
    const env = await resolveEnv(pod, container, sources());
    expect(Object.fromEntries(env)).toEqual({
      GOMEMLIMIT: String(4096 * 2 ** 20),
      CPUS: '2',
      REQUEST: '0',
      NODE: 'zone-a-1',
      LABEL: 'coder',
    });
  });

  test('the divisor "0" that the API server writes for an unset one means 1', async () => {
    const container: Obj = {
      name: 'coder',
      resources: { limits: { memory: '1Gi' } },
      env: [{ name: 'GOMEMLIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '0' } } }],
    };
    expect((await resolveEnv(pod, container, sources())).get('GOMEMLIMIT')).toBe(String(2 ** 30));
  });

  test('an unset limit is the node allocatable', async () => {
    const container = {
      name: 'coder',
      env: [{ name: 'M', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } }],
    };
    expect((await resolveEnv(pod, container, sources())).get('M')).toBe(String(64 * 2 ** 30));
  });

  test('a Secret key, and a missing one refused unless optional', async () => {
    const ref = (name: string, optional?: boolean) => ({
      name: 'CODER_PG_CONNECTION_URL',
      valueFrom: { secretKeyRef: { name, key: 'url', ...(optional ? { optional } : {}) } },
    });
    const db = { 'coder-db': { url: 'postgres://db' } };
    expect(
      (await resolveEnv(pod, { name: 'c', env: [ref('coder-db')] }, sources(db))).get('CODER_PG_CONNECTION_URL'),
    ).toBe('postgres://db');
    await expect(resolveEnv(pod, { name: 'c', env: [ref('other')] }, sources(db))).rejects.toThrow(
      /key url of Secret other/,
    );
    expect(
      (await resolveEnv(pod, { name: 'c', env: [ref('other', true)] }, sources(db))).has('CODER_PG_CONNECTION_URL'),
    ).toBe(false);
  });

  test('envFrom with a prefix comes first, and env overrides it', async () => {
    const container = {
      name: 'c',
      envFrom: [{ secretRef: { name: 's' }, prefix: 'P_' }],
      env: [{ name: 'P_A', value: 'env' }],
    };
    const env = await resolveEnv(pod, container, sources({ s: { A: 'secret', B: 'b' } }));
    expect(Object.fromEntries(env)).toEqual({ P_A: 'env', P_B: 'b' });
  });

  test('quantities and references', () => {
    expect(parseQuantity('500m')).toBe(0.5);
    expect(parseQuantity('1Gi')).toBe(2 ** 30);
    expect(parseQuantity('2k')).toBe(2000);
    expect(() => parseQuantity('2 Gi')).toThrow(/not a Kubernetes quantity/);
    expect(expandReferences('$(A)-$(B)', new Map([['A', '1']]))).toBe('1-$(B)');
  });
});

describe('where the Service proxy sends a new connection', () => {
  const endpointPod = (ip: string, ready: boolean, deleting = false): Obj => ({
    metadata: { name: `pod-${ip}`, ...(deleting ? { deletionTimestamp: '2026-12-05T00:00:00Z' } : {}) },
    spec: { containers: [{ name: 'coder', ports: [{ name: 'http', containerPort: 8080 }] }] },
    status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  });

  test('only to Ready pods, on the target port resolved by name', () => {
    const list = endpointsOf([endpointPod('127.77.1.2', true), endpointPod('127.77.1.3', false)], 'http');
    expect(routable(list).map((e) => `${e.address}:${e.port}`)).toEqual(['127.77.1.2:8080']);
    expect(endpointsOf([endpointPod('127.77.1.2', true)], 'metrics')).toEqual([]);
    expect(routable(endpointsOf([endpointPod('127.77.1.2', true)], 8080)).map((e) => e.port)).toEqual([8080]);
  });

  test('not to a pod being deleted while another is Ready', () => {
    const list = endpointsOf([endpointPod('127.77.1.2', true, true), endpointPod('127.77.1.3', true)], 'http');
    expect(routable(list).map((e) => e.address)).toEqual(['127.77.1.3']);
  });

  test('to serving, terminating pods only when none is Ready', () => {
    const list = endpointsOf([endpointPod('127.77.1.2', true, true), endpointPod('127.77.1.3', false)], 'http');
    expect(routable(list).map((e) => e.address)).toEqual(['127.77.1.2']);
  });

  test('nowhere when nothing serves, nor to a pod without an IP', () => {
    expect(routable(endpointsOf([endpointPod('127.77.1.3', false)], 'http'))).toEqual([]);
    expect(endpointsOf([endpointPod('', true)], 'http')).toEqual([]);
  });
});

test('the Coder version an image runs, from its tag', () => {
  expect(coderVersionOfImage('ghcr.io/coder/coder:v2.36.1')).toBe('v2.36.1');
  expect(coderVersionOfImage('registry.local:5000/mirror/coder:v2.26.0@sha256:abc')).toBe('v2.26.0');
  expect(coderVersionOfImage('ghcr.io/coder/coder')).toBeUndefined();
  expect(coderVersionOfImage('busybox:1.37.0')).toBeUndefined();
  expect(coderVersionOfImage('ghcr.io/coder/coder:latest')).toBeUndefined();
});
