/**
 * The operator features this chart adds beside the official chart's: metrics for the Prometheus
 * Operator without exposing them, and network isolation. Each is off by default and changes
 * nothing then. Rendered with
 * Helm 3, Helm 4 and the concrete render alike (renderBoth).
 */
import { coderContainer, findObject, Obj } from './support/manifests';
import { renderBoth } from './support/render-both';

const POSTGRES = { name: 'CODER_PG_CONNECTION_URL', valueFrom: { secretKeyRef: { name: 'db', key: 'url' } } };
const meta = (o: Obj): Obj => o.metadata as Obj;
const spec = (o: Obj): Obj => o.spec as Obj;
const labelsOf = (o: Obj): Obj => (meta(o).labels ?? {}) as Obj;
const envOf = (objects: Obj[]): Obj[] =>
  (coderContainer(findObject(objects, 'Deployment', 'coder')).env ?? []) as Obj[];
const podLabels = (objects: Obj[]): Obj =>
  ((spec(findObject(objects, 'Deployment', 'coder')).template as Obj).metadata as Obj).labels as Obj;

/** Whether a label selector (matchLabels only) selects an object with these labels. */
const selects = (matchLabels: Obj, labels: Obj): boolean =>
  Object.entries(matchLabels).every(([key, value]) => labels[key] === value);

describe('metrics', () => {
  const metricsOn = {
    coder: {
      replicaCount: 2,
      env: [POSTGRES],
      service: { type: 'LoadBalancer' },
      metrics: { enable: true, serviceMonitor: { enable: true, interval: '30s', labels: { release: 'prometheus' } } },
    },
  };

  test('off by default: no metrics Service, no ServiceMonitor, coderd serves no metrics', async () => {
    const objects = await renderBoth({});
    expect(objects.filter((o) => o.kind === 'ServiceMonitor')).toEqual([]);
    expect(objects.filter((o) => meta(o).name === 'coder-metrics')).toEqual([]);
    expect(envOf(objects).map((e) => e.name)).not.toContain('CODER_PROMETHEUS_ENABLE');
  });

  test('on: coderd serves them on 2112, and only a ClusterIP Service reaches that port', async () => {
    const objects = await renderBoth(metricsOn);
    expect(envOf(objects).filter((e) => String(e.name).startsWith('CODER_PROMETHEUS'))).toEqual([
      { name: 'CODER_PROMETHEUS_ENABLE', value: 'true' },
      { name: 'CODER_PROMETHEUS_ADDRESS', value: '0.0.0.0:2112' },
    ]);
    const container = coderContainer(findObject(objects, 'Deployment', 'coder'));
    expect(container.ports).toContainEqual({ name: 'prometheus-http', containerPort: 2112, protocol: 'TCP' });
    const metricsService = findObject(objects, 'Service', 'coder-metrics');
    expect(spec(metricsService).type).toBe('ClusterIP');
    expect(spec(metricsService).ports).toEqual([
      { name: 'prometheus-http', port: 2112, targetPort: 'prometheus-http', protocol: 'TCP' },
    ]);
    expect(selects(spec(metricsService).selector as Obj, podLabels(objects))).toBe(true);
    // The LoadBalancer carries users' traffic only.
    const main = findObject(objects, 'Service', 'coder');
    expect(spec(main).type).toBe('LoadBalancer');
    expect((spec(main).ports as Obj[]).map((p) => p.port)).not.toContain(2112);
    expect((spec(main).ports as Obj[]).map((p) => p.targetPort)).not.toContain('prometheus-http');
  });

  test('the ServiceMonitor selects the metrics Service and no other, at its port, where coderd serves them', async () => {
    const objects = await renderBoth(metricsOn);
    const monitor = findObject(objects, 'ServiceMonitor', 'coder');
    expect(meta(monitor).namespace).toBe('coder');
    const selector = (spec(monitor).selector as Obj).matchLabels as Obj;
    const services = objects.filter((o) => o.kind === 'Service' && selects(selector, labelsOf(o)));
    expect(services.map((s) => meta(s).name)).toEqual(['coder-metrics']);
    const portNames = (spec(services[0]).ports as Obj[]).map((p) => p.name);
    expect(spec(monitor).endpoints).toEqual([{ port: 'prometheus-http', path: '/', scheme: 'http', interval: '30s' }]);
    expect(portNames).toContain('prometheus-http');
    // Found by a Prometheus that selects ServiceMonitors by `release: prometheus`.
    expect(labelsOf(monitor)).toMatchObject({ release: 'prometheus', 'app.kubernetes.io/instance': 'coder' });
  });

  test('without an interval or timeout the ServiceMonitor leaves them to Prometheus', async () => {
    const objects = await renderBoth({ coder: { metrics: { enable: true, serviceMonitor: { enable: true } } } });
    expect(spec(findObject(objects, 'ServiceMonitor', 'coder')).endpoints).toEqual([
      { port: 'prometheus-http', path: '/', scheme: 'http' },
    ]);
  });

  test('metrics without a ServiceMonitor: the Service alone, for another scraper', async () => {
    const objects = await renderBoth({ coder: { metrics: { enable: true } } });
    expect(objects.filter((o) => o.kind === 'ServiceMonitor')).toEqual([]);
    const metricsService = findObject(objects, 'Service', 'coder-metrics');
    expect(spec(metricsService).type).toBe('ClusterIP');
    // Another scraper finds it by its component label.
    expect(meta(metricsService).labels).toMatchObject({ 'app.kubernetes.io/component': 'metrics' });
  });

  test('CODER_PROMETHEUS_ENABLE=true in coder.env as well is one variable, not two', async () => {
    const objects = await renderBoth({
      coder: { metrics: { enable: true }, env: [{ name: 'CODER_PROMETHEUS_ENABLE', value: 'true' }] },
    });
    expect(envOf(objects).filter((e) => e.name === 'CODER_PROMETHEUS_ENABLE')).toEqual([
      { name: 'CODER_PROMETHEUS_ENABLE', value: 'true' },
    ]);
  });
});

/** A connection's source, as a NetworkPolicy sees it. */
interface Source {
  readonly namespace: string;
  readonly namespaceLabels: Obj;
  readonly podLabels: Obj;
}

/** Whether one NetworkPolicy peer admits the source (ipBlock peers never match a pod here). */
function peerAdmits(peer: Obj, source: Source, policyNamespace: string): boolean {
  if (peer.ipBlock) return false;
  const namespaceOk = peer.namespaceSelector
    ? selects(((peer.namespaceSelector as Obj).matchLabels ?? {}) as Obj, source.namespaceLabels)
    : source.namespace === policyNamespace;
  const podOk = peer.podSelector
    ? selects(((peer.podSelector as Obj).matchLabels ?? {}) as Obj, source.podLabels)
    : true;
  return namespaceOk && podOk;
}

/** Whether the policies let `source` open a connection to the coderd pods' container port `port`. */
function admitted(objects: Obj[], source: Source, port: number): boolean {
  const container = coderContainer(findObject(objects, 'Deployment', 'coder'));
  const portName = ((container.ports ?? []) as Obj[]).find((p) => p.containerPort === port)?.name;
  const policies = objects.filter(
    (o) => o.kind === 'NetworkPolicy' && selects((spec(o).podSelector as Obj).matchLabels as Obj, podLabels(objects)),
  );
  if (policies.length === 0) return true;
  return policies.some((policy) =>
    ((spec(policy).ingress ?? []) as Obj[]).some((rule) => {
      const portOk = ((rule.ports ?? []) as Obj[]).some((p) => p.port === portName || p.port === port);
      const from = rule.from as Obj[] | undefined;
      const sourceOk = !from || from.some((peer) => peerAdmits(peer, source, String(meta(policy).namespace)));
      return portOk && sourceOk;
    }),
  );
}

describe('network isolation', () => {
  const nsLabels = (name: string): Obj => ({ 'kubernetes.io/metadata.name': name });
  const pod = (namespace: string, labels: Obj = {}): Source => ({
    namespace,
    namespaceLabels: nsLabels(namespace),
    podLabels: labels,
  });
  const isolated = (extra: Obj = {}) => ({
    coder: {
      replicaCount: 2,
      env: [POSTGRES],
      metrics: { enable: true },
      networkPolicy: {
        enable: true,
        ingressFrom: [{ namespaceSelector: { matchLabels: nsLabels('ingress-nginx') } }],
      },
      ...extra,
    },
  });

  test('off by default: no NetworkPolicy', async () => {
    const objects = await renderBoth({});
    expect(objects.filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  });

  test('on: replicas reach each other and the helm test Pod reaches them at the relay port, whoever else may not', async () => {
    const objects = await renderBoth(isolated());
    const replica = pod('coder', podLabels(objects));
    expect(admitted(objects, replica, 8080)).toBe(true);
    const testPod = findObject(objects, 'Pod', 'coder-test-mesh');
    expect(admitted(objects, pod('coder', labelsOf(testPod)), 8080)).toBe(true);
    // Another pod of the release namespace is neither a replica nor an allowed source.
    expect(admitted(objects, pod('coder', { app: 'something-else' }), 8080)).toBe(false);
  });

  test('the Service port from the chosen sources only; metrics from the monitoring namespace only; pprof from nobody', async () => {
    const objects = await renderBoth(isolated());
    const ingressController = pod('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' });
    const prometheus = pod('monitoring', { 'app.kubernetes.io/name': 'prometheus' });
    const stranger = pod('default');
    expect(admitted(objects, ingressController, 8080)).toBe(true);
    expect(admitted(objects, stranger, 8080)).toBe(false);
    expect(admitted(objects, prometheus, 2112)).toBe(true);
    expect(admitted(objects, ingressController, 2112)).toBe(false);
    for (const source of [ingressController, prometheus, stranger, pod('coder', podLabels(objects))]) {
      expect(admitted(objects, source, 6060)).toBe(false);
    }
    // Only incoming traffic is restricted: coderd still reaches Postgres, the API and workspaces.
    expect(spec(findObject(objects, 'NetworkPolicy', 'coder')).policyTypes).toEqual(['Ingress']);
  });

  test('with TLS the https port is admitted from the same sources', async () => {
    const objects = await renderBoth(isolated({ tls: { secretNames: ['coder-tls'] } }));
    expect(admitted(objects, pod('ingress-nginx'), 8443)).toBe(true);
    expect(admitted(objects, pod('default'), 8443)).toBe(false);
  });

  test('no ingressFrom: every source reaches the Service port (a LoadBalancer’s clients come from anywhere)', async () => {
    const objects = await renderBoth({ coder: { networkPolicy: { enable: true } } });
    expect(admitted(objects, pod('default'), 8080)).toBe(true);
    // coderd serves no metrics here: no rule for them.
    expect((spec(findObject(objects, 'NetworkPolicy', 'coder')).ingress as Obj[]).length).toBe(2);
  });

  test('every named port the policy admits is one the coderd container declares', async () => {
    const objects = await renderBoth(isolated({ tls: { secretNames: ['coder-tls'] } }));
    const declared = ((coderContainer(findObject(objects, 'Deployment', 'coder')).ports ?? []) as Obj[]).map(
      (p) => p.name,
    );
    const named = (spec(findObject(objects, 'NetworkPolicy', 'coder')).ingress as Obj[]).flatMap((rule) =>
      (rule.ports as Obj[]).map((p) => p.port),
    );
    expect(named.filter((name) => !declared.includes(name))).toEqual([]);
  });
});

describe('autoscaling', () => {
  const autoscaled = (autoscaling: Obj, extra: Obj = {}) => ({
    coder: { env: [POSTGRES], autoscaling: { enable: true, ...autoscaling }, ...extra },
  });
  const testPodEnv = (objects: Obj[], name: string) =>
    (((spec(findObject(objects, 'Pod', 'coder-test-mesh')).containers as Obj[])[0].env as Obj[]).find(
      (e) => e.name === name,
    ) ?? {}) as Obj;

  test('off by default: the Deployment keeps coder.replicaCount, and there is no autoscaler', async () => {
    const objects = await renderBoth({ coder: { replicaCount: 1 } });
    expect(spec(findObject(objects, 'Deployment', 'coder')).replicas).toBe(1);
    expect(objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')).toEqual([]);
  });

  test('on: the autoscaler owns the count of the coderd Deployment, which leaves replicas out', async () => {
    const objects = await renderBoth(autoscaled({ minReplicas: 2, maxReplicas: 6 }, { replicaCount: 1 }));
    const deployment = findObject(objects, 'Deployment', 'coder');
    expect(spec(deployment)).not.toHaveProperty('replicas');
    const hpa = findObject(objects, 'HorizontalPodAutoscaler', 'coder');
    expect(spec(hpa).scaleTargetRef).toEqual({ apiVersion: deployment.apiVersion, kind: 'Deployment', name: 'coder' });
    expect(spec(hpa)).toMatchObject({ minReplicas: 2, maxReplicas: 6 });
    expect(spec(hpa).metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
    ]);
  });

  test('scale-down is slow and one replica at a time; scale-up is Kubernetes’ default', async () => {
    const objects = await renderBoth(autoscaled({ scaleDownStabilizationSeconds: 900 }));
    const behavior = spec(findObject(objects, 'HorizontalPodAutoscaler', 'coder')).behavior as Obj;
    expect(behavior).toEqual({
      scaleDown: { stabilizationWindowSeconds: 900, policies: [{ type: 'Pods', value: 1, periodSeconds: 300 }] },
    });
  });

  test('memory alone, or both targets', async () => {
    const memory = await renderBoth(
      autoscaled({ targetCPUUtilizationPercentage: null, targetMemoryUtilizationPercentage: 80 }),
    );
    expect(
      (spec(findObject(memory, 'HorizontalPodAutoscaler', 'coder')).metrics as Obj[]).map(
        (m) => (m.resource as Obj).name,
      ),
    ).toEqual(['memory']);
    const both = await renderBoth(autoscaled({ targetMemoryUtilizationPercentage: 80 }));
    expect(
      (spec(findObject(both, 'HorizontalPodAutoscaler', 'coder')).metrics as Obj[]).map(
        (m) => (m.resource as Obj).name,
      ),
    ).toEqual(['cpu', 'memory']);
  });

  test('the HA defaults follow minReplicas, not coder.replicaCount', async () => {
    const floorOfTwo = await renderBoth(autoscaled({ minReplicas: 2 }, { replicaCount: 1 }));
    expect(floorOfTwo.map((o) => o.kind)).toContain('PodDisruptionBudget');
    expect(
      spec(spec(findObject(floorOfTwo, 'Deployment', 'coder')).template as Obj).topologySpreadConstraints,
    ).toBeDefined();
    const floorOfOne = await renderBoth(autoscaled({ minReplicas: 1 }, { replicaCount: 3 }));
    expect(floorOfOne.map((o) => o.kind)).not.toContain('PodDisruptionBudget');
  });

  test('helm test expects at least minReplicas replicas to answer', async () => {
    const objects = await renderBoth(autoscaled({ minReplicas: 3, maxReplicas: 8 }, { replicaCount: 1 }));
    expect(testPodEnv(objects, 'EXPECTED_REPLICAS').value).toBe('3');
  });
});
