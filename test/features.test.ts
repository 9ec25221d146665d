/** Direct assertions on each feature of the official chart, in both back-ends (renderBoth). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { CHART_DIR } from '../src/paths';
import { renderManifests } from '../src/render';
import { loadFixtures } from './support/fixtures';
import { coderContainer, findObject, Obj } from './support/manifests';
import { restrictedViolations } from './support/pod-security';
import { renderBoth } from './support/render-both';

const podSpecOf = (objects: Obj[]): Obj =>
  ((findObject(objects, 'Deployment', 'coder').spec as Obj).template as Obj).spec as Obj;
const containerOf = (objects: Obj[]): Obj => coderContainer(findObject(objects, 'Deployment', 'coder'));
const envOf = (objects: Obj[]): Obj[] => (containerOf(objects).env ?? []) as Obj[];
const envValue = (objects: Obj[], name: string) => envOf(objects).find((e) => e.name === name);
const kinds = (objects: Obj[]) =>
  objects
    .map((o) => `${String(o.kind)}/${String((o.metadata as Obj).namespace)}/${String((o.metadata as Obj).name)}`)
    .sort();

describe('TLS', () => {
  test('each secret becomes a volume and a read-only mount, with comma-joined cert and key files', async () => {
    const objects = await renderBoth({ coder: { tls: { secretNames: ['a-tls', 'b-tls'] } } });
    expect(podSpecOf(objects).volumes).toEqual([
      { name: 'tls-a-tls', secret: { secretName: 'a-tls' } },
      { name: 'tls-b-tls', secret: { secretName: 'b-tls' } },
    ]);
    expect(containerOf(objects).volumeMounts).toEqual([
      { name: 'tls-a-tls', mountPath: '/etc/ssl/certs/coder/a-tls', readOnly: true },
      { name: 'tls-b-tls', mountPath: '/etc/ssl/certs/coder/b-tls', readOnly: true },
    ]);
    expect(envValue(objects, 'CODER_TLS_ENABLE')?.value).toBe('true');
    expect(envValue(objects, 'CODER_TLS_ADDRESS')?.value).toBe('0.0.0.0:8443');
    expect(envValue(objects, 'CODER_TLS_CERT_FILE')?.value).toBe(
      '/etc/ssl/certs/coder/a-tls/tls.crt,/etc/ssl/certs/coder/b-tls/tls.crt',
    );
    expect(envValue(objects, 'CODER_TLS_KEY_FILE')?.value).toBe(
      '/etc/ssl/certs/coder/a-tls/tls.key,/etc/ssl/certs/coder/b-tls/tls.key',
    );
    expect(containerOf(objects).ports).toContainEqual({ name: 'https', containerPort: 8443, protocol: 'TCP' });
    const service = findObject(objects, 'Service', 'coder').spec as Obj;
    expect(service.ports).toContainEqual({ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' });
  });

  test('the default access URL turns https and the relay URL stays http on 8080', async () => {
    const objects = await renderBoth({ coder: { tls: { secretNames: ['a-tls'] } } }, { namespace: 'prod' });
    expect(envValue(objects, 'CODER_ACCESS_URL')?.value).toBe('https://coder.prod.svc.cluster.local');
    expect(envValue(objects, 'CODER_DERP_SERVER_RELAY_URL')?.value).toBe('http://$(KUBE_POD_IP):8080');
    const names = envOf(objects).map((e) => e.name);
    expect(names.indexOf('CODER_TLS_ENABLE')).toBeGreaterThan(names.indexOf('CODER_CLUSTER_HOST'));
  });

  test('without TLS there is no https port anywhere', async () => {
    const objects = await renderBoth({});
    expect(JSON.stringify(objects)).not.toContain('8443');
    expect(envOf(objects).map((e) => e.name)).not.toContain('CODER_TLS_ENABLE');
  });
});

test('CA certificates are mounted as <name>.crt with subPath', async () => {
  const objects = await renderBoth({ coder: { certs: { secrets: [{ name: 'corp-ca', key: 'ca.pem' }] } } });
  expect(podSpecOf(objects).volumes).toEqual([{ name: 'ca-cert-corp-ca', secret: { secretName: 'corp-ca' } }]);
  expect(containerOf(objects).volumeMounts).toEqual([
    { name: 'ca-cert-corp-ca', mountPath: '/etc/ssl/certs/corp-ca.crt', subPath: 'ca.pem', readOnly: true },
  ]);
});

describe('Ingress', () => {
  test('host, suffix wildcard host, class, annotations and TLS', async () => {
    const objects = await renderBoth({
      coder: {
        ingress: {
          enable: true,
          className: 'nginx',
          host: 'coder.example.com',
          wildcardHost: '*-apps.example.com',
          annotations: { a: 'b' },
          tls: { enable: true, secretName: 'main-tls', wildcardSecretName: 'wild-tls' },
        },
      },
    });
    const ingress = findObject(objects, 'Ingress', 'coder');
    expect((ingress.metadata as Obj).annotations).toEqual({ a: 'b' });
    const spec = ingress.spec as Obj;
    expect(spec.ingressClassName).toBe('nginx');
    expect((spec.rules as Obj[]).map((r) => r.host)).toEqual(['coder.example.com', '*.example.com']);
    // Both hosts send every path to the coder Service's http port (apps on the wildcard host too).
    const toCoder = { path: '/', pathType: 'Prefix', backend: { service: { name: 'coder', port: { name: 'http' } } } };
    for (const rule of spec.rules as Obj[]) expect(rule.http).toEqual({ paths: [toCoder] });
    const servicePorts = (findObject(objects, 'Service', 'coder').spec as Obj).ports as Obj[];
    expect(servicePorts.map((p) => p.name)).toContain('http');
    expect(spec.tls).toEqual([
      { hosts: ['coder.example.com'], secretName: 'main-tls' },
      { hosts: ['*.example.com'], secretName: 'wild-tls' },
    ]);
  });

  test('an empty class name is left out (Kubernetes rejects "")', async () => {
    const objects = await renderBoth({ coder: { ingress: { enable: true, host: 'coder.example.com' } } });
    const spec = findObject(objects, 'Ingress', 'coder').spec as Obj;
    expect(spec).not.toHaveProperty('ingressClassName');
    expect(spec).not.toHaveProperty('tls');
    expect(spec.rules as Obj[]).toHaveLength(1);
  });

  test('is off by default', async () => {
    expect((await renderBoth({})).map((o) => o.kind)).not.toContain('Ingress');
  });
});

describe('Gateway API', () => {
  const gatewayValues = {
    coder: {
      httproute: {
        enable: true,
        host: 'coder.example.com',
        wildcardHost: '*.coder.example.com',
        parentRefs: [{ name: 'gw', sectionName: 'https' }],
        httpsRedirect: { enable: true, parentRefs: [{ name: 'gw', sectionName: 'http' }] },
      },
    },
  };

  test('the HTTPRoute sends both hosts to Service port 80', async () => {
    const objects = await renderBoth(gatewayValues);
    const spec = findObject(objects, 'HTTPRoute', 'coder').spec as Obj;
    expect(spec.parentRefs).toEqual([{ name: 'gw', sectionName: 'https' }]);
    expect(spec.hostnames).toEqual(['coder.example.com', '*.coder.example.com']);
    expect(spec.rules).toEqual([{ backendRefs: [{ name: 'coder', port: 80 }] }]);
  });

  test('the redirect route answers 301 by default on the HTTP listener, for every path', async () => {
    const objects = await renderBoth(gatewayValues);
    const spec = findObject(objects, 'HTTPRoute', 'coder-https-redirect').spec as Obj;
    expect(spec.parentRefs).toEqual([{ name: 'gw', sectionName: 'http' }]);
    expect(spec.rules).toEqual([
      {
        filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }],
        // Written out as the official chart does (Gateway API's default for a rule without matches).
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
      },
    ]);
  });

  test('a ListenerSet carries the parent and listeners as given', async () => {
    const listeners = [{ name: 'coder', port: 443, protocol: 'HTTPS', hostname: 'coder.example.com' }];
    const objects = await renderBoth({
      coder: { listenerset: { enable: true, parentRef: { name: 'gw', namespace: 'infra' }, listeners } },
    });
    expect(findObject(objects, 'ListenerSet', 'coder').spec).toEqual({
      parentRef: { name: 'gw', namespace: 'infra' },
      listeners,
    });
  });
});

describe('RBAC', () => {
  test('the release namespace gets the official Role and RoleBinding', async () => {
    const objects = await renderBoth({}, { namespace: 'coder' });
    const role = findObject(objects, 'Role', 'coder-workspace-perms');
    // What Coder's Kubernetes workspace templates create and clean up: pods and their volume
    // claims in the core group, deployments in apps, each with every verb (the official grants).
    const everyVerb = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: everyVerb },
      { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: everyVerb },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: everyVerb },
    ]);
    const binding = findObject(objects, 'RoleBinding', 'coder');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'coder' }]);
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'coder-workspace-perms',
    });
  });

  test('enableDeployments false drops the deployments rule; extraRules are appended', async () => {
    const extra = { apiGroups: [''], resources: ['services'], verbs: ['get'] };
    const objects = await renderBoth({ coder: { serviceAccount: { enableDeployments: false, extraRules: [extra] } } });
    const rules = findObject(objects, 'Role', 'coder-workspace-perms').rules as Obj[];
    expect(rules.map((r) => (r.resources as string[])[0])).toEqual(['pods', 'persistentvolumeclaims', 'services']);
  });

  test('workspace namespaces inherit, override, or opt out', async () => {
    const objects = await renderBoth(
      {
        coder: {
          serviceAccount: {
            name: 'coder-sa',
            extraRules: [{ apiGroups: ['x'], resources: ['inherited'], verbs: ['get'] }],
            workspaceNamespaces: [
              { name: 'inherit' },
              { name: 'off', workspacePerms: false },
              {
                name: 'own',
                enableDeployments: false,
                extraRules: [{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['get'] }],
              },
            ],
          },
        },
      },
      { namespace: 'coder' },
    );
    const roles = objects.filter((o) => o.kind === 'Role');
    expect(roles.map((r) => (r.metadata as Obj).namespace).sort()).toEqual(['coder', 'inherit', 'own']);
    const rulesIn = (ns: string) =>
      (roles.find((r) => (r.metadata as Obj).namespace === ns)?.rules as Obj[]).map(
        (r) => (r.resources as string[])[0],
      );
    expect(rulesIn('inherit')).toEqual(['pods', 'persistentvolumeclaims', 'deployments', 'inherited']);
    expect(rulesIn('own')).toEqual(['pods', 'persistentvolumeclaims', 'jobs']);
    const binding = objects.find((o) => o.kind === 'RoleBinding' && (o.metadata as Obj).namespace === 'own') as Obj;
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'coder-sa', namespace: 'coder' }]);
    expect((binding.roleRef as Obj).name).toBe('coder-sa-workspace-perms');
  });

  test('workspacePerms false renders no Role or RoleBinding', async () => {
    const objects = await renderBoth({ coder: { serviceAccount: { workspacePerms: false } } });
    expect(objects.map((o) => o.kind)).not.toContain('Role');
    expect(objects.map((o) => o.kind)).not.toContain('RoleBinding');
  });

  test('the ServiceAccount carries its name, annotations and labels; disableCreate skips it', async () => {
    const objects = await renderBoth({
      coder: {
        serviceAccount: { name: 'irsa', annotations: { 'eks.amazonaws.com/role-arn': 'arn' }, labels: { team: 'x' } },
      },
    });
    const account = findObject(objects, 'ServiceAccount', 'irsa').metadata as Obj;
    expect(account.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn' });
    expect(account.labels).toMatchObject({ team: 'x', 'app.kubernetes.io/name': 'coder' });
    expect(podSpecOf(objects).serviceAccountName).toBe('irsa');
    const without = await renderBoth({ coder: { serviceAccount: { disableCreate: true } } });
    expect(without.map((o) => o.kind)).not.toContain('ServiceAccount');
  });
});

describe('pod and container', () => {
  test('probes: readiness on with fast defaults, liveness off; all five fields pass through', async () => {
    const defaults = containerOf(await renderBoth({}));
    expect(defaults.readinessProbe).toEqual({
      httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' },
      initialDelaySeconds: 0,
      periodSeconds: 5,
      timeoutSeconds: 3,
      successThreshold: 1,
      failureThreshold: 2,
    });
    expect(defaults).not.toHaveProperty('livenessProbe');
    const custom = containerOf(
      await renderBoth({
        coder: {
          readinessProbe: { enabled: false },
          livenessProbe: {
            enabled: true,
            initialDelaySeconds: 30,
            periodSeconds: 20,
            timeoutSeconds: 10,
            failureThreshold: 4,
          },
        },
      }),
    );
    expect(custom).not.toHaveProperty('readinessProbe');
    expect(custom.livenessProbe).toMatchObject({
      initialDelaySeconds: 30,
      periodSeconds: 20,
      timeoutSeconds: 10,
      successThreshold: 1,
      failureThreshold: 4,
    });
  });

  test('a start may take 15 minutes (a migration) with or without a liveness probe, and the Deployment waits as long', async () => {
    const deploymentOf = (objects: Obj[]) => findObject(objects, 'Deployment', 'coder').spec as Obj;
    for (const liveness of [false, true]) {
      const objects = await renderBoth({ coder: { livenessProbe: { enabled: liveness } } });
      const startup = containerOf(objects).startupProbe as Obj;
      expect(startup).toMatchObject({
        httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' },
        successThreshold: 1,
      });
      // Kubernetes runs neither liveness nor readiness before the startup probe succeeds: the
      // window is period x failures, and Coder says a migration may take up to 15 minutes.
      const window = (startup.periodSeconds as number) * (startup.failureThreshold as number);
      expect(window).toBe(15 * 60);
      // A Deployment past its progress deadline is "failed" to Helm 4's --wait and to --atomic.
      expect(deploymentOf(objects).progressDeadlineSeconds).toBe(window + 60);
      // A hung coderd ignores SIGTERM: a liveness kill ends after the probe's 10 s, not the pod's 60 s.
      if (liveness) expect((containerOf(objects).livenessProbe as Obj).terminationGracePeriodSeconds).toBe(10);
    }
    const tuned = await renderBoth({
      coder: { startupProbe: { periodSeconds: 15, failureThreshold: 120, timeoutSeconds: 2, initialDelaySeconds: 5 } },
    });
    expect(containerOf(tuned).startupProbe).toMatchObject({
      periodSeconds: 15,
      failureThreshold: 120,
      timeoutSeconds: 2,
      initialDelaySeconds: 5,
    });
    expect(deploymentOf(tuned).progressDeadlineSeconds).toBe(5 + 15 * 120 + 60);
    // A short window never takes the deadline below Kubernetes' own 600 s.
    const short = await renderBoth({ coder: { startupProbe: { periodSeconds: 1, failureThreshold: 30 } } });
    expect(deploymentOf(short).progressDeadlineSeconds).toBe(600);
    const switchedOff = await renderBoth({
      coder: { livenessProbe: { enabled: true }, startupProbe: { enabled: false } },
    });
    expect(containerOf(switchedOff)).toHaveProperty('livenessProbe');
    expect(containerOf(switchedOff)).not.toHaveProperty('startupProbe');
  });

  test('the termination grace period is a value (60 s by default, as the official chart fixes it)', async () => {
    expect(podSpecOf(await renderBoth({})).terminationGracePeriodSeconds).toBe(60);
    expect(
      podSpecOf(await renderBoth({ coder: { terminationGracePeriodSeconds: 300 } })).terminationGracePeriodSeconds,
    ).toBe(300);
    expect(
      podSpecOf(await renderBoth({ coder: { terminationGracePeriodSeconds: 0 } })).terminationGracePeriodSeconds,
    ).toBe(0);
  });

  test('resources default to the official 2000m/4096Mi; null removes them', async () => {
    expect(containerOf(await renderBoth({})).resources).toEqual({
      limits: { cpu: '2000m', memory: '4096Mi' },
      requests: { cpu: '2000m', memory: '4096Mi' },
    });
    expect(containerOf(await renderBoth({ coder: { resources: null } }))).not.toHaveProperty('resources');
    expect(containerOf(await renderBoth({ coder: { resources: { limits: null } } })).resources).toEqual({
      requests: { cpu: '2000m', memory: '4096Mi' },
    });
  });

  test('workspaceProxy runs `wsproxy server` and marks the pod wsproxy', async () => {
    const objects = await renderBoth({ coder: { workspaceProxy: true } });
    expect(containerOf(objects).args).toEqual(['wsproxy', 'server']);
    const template = (findObject(objects, 'Deployment', 'coder').spec as Obj).template as Obj;
    expect((template.metadata as Obj).annotations).toEqual({ 'app.kubernetes.io/component': 'wsproxy' });
  });

  test('command and commandArgs replace the defaults', async () => {
    const container = containerOf(
      await renderBoth({ coder: { command: ['/bin/wrapper'], commandArgs: ['server', '--x'] } }),
    );
    expect(container.command).toEqual(['/bin/wrapper']);
    expect(container.args).toEqual(['server', '--x']);
  });

  test('the provisioner PSK comes from the named Secret, after the pprof address', async () => {
    const objects = await renderBoth({ provisionerDaemon: { pskSecretName: 'psk-secret' } });
    const names = envOf(objects).map((e) => e.name);
    expect(names.indexOf('CODER_PROVISIONER_DAEMON_PSK')).toBe(names.indexOf('CODER_PPROF_ADDRESS') + 1);
    expect(envValue(objects, 'CODER_PROVISIONER_DAEMON_PSK')).toEqual({
      name: 'CODER_PROVISIONER_DAEMON_PSK',
      valueFrom: { secretKeyRef: { name: 'psk-secret', key: 'psk' } },
    });
  });

  test('CODER_PROMETHEUS_ENABLE "true" opens port 2112; user addresses replace the defaults', async () => {
    const objects = await renderBoth({
      coder: {
        env: [
          { name: 'CODER_PROMETHEUS_ENABLE', value: 'true' },
          { name: 'CODER_PPROF_ADDRESS', value: '127.0.0.1:6060' },
        ],
      },
    });
    expect(containerOf(objects).ports).toContainEqual({
      name: 'prometheus-http',
      containerPort: 2112,
      protocol: 'TCP',
    });
    expect(envOf(objects).filter((e) => e.name === 'CODER_PPROF_ADDRESS')).toEqual([
      { name: 'CODER_PPROF_ADDRESS', value: '127.0.0.1:6060' },
    ]);
    const off = await renderBoth({ coder: { env: [{ name: 'CODER_PROMETHEUS_ENABLE', value: 'false' }] } });
    expect(JSON.stringify(containerOf(off).ports)).not.toContain('2112');
  });

  test('labels and annotations land at every level, beside the chart’s own', async () => {
    const objects = await renderBoth({
      coder: { labels: { d: '1' }, annotations: { da: '1' }, podLabels: { p: '2' }, podAnnotations: { pa: '2' } },
    });
    const deployment = findObject(objects, 'Deployment', 'coder');
    expect((deployment.metadata as Obj).labels).toMatchObject({ d: '1', 'app.kubernetes.io/instance': 'coder' });
    expect((deployment.metadata as Obj).annotations).toEqual({ da: '1' });
    const template = ((deployment.spec as Obj).template as Obj).metadata as Obj;
    expect(template.labels).toMatchObject({ p: '2', 'app.kubernetes.io/name': 'coder' });
    expect(template.annotations).toEqual({ 'app.kubernetes.io/component': 'coderd', pa: '2' });
  });

  test('placement, storage and hooks pass through', async () => {
    const fixture = loadFixtures().find((f) => f.name === 'pod-placement-and-metadata');
    if (!fixture) throw new Error('fixture missing');
    const objects = await renderBoth(fixture.values);
    const pod = podSpecOf(objects);
    const values = fixture.values.coder as Obj;
    expect(pod.nodeSelector).toEqual(values.nodeSelector);
    expect(pod.tolerations).toEqual(values.tolerations);
    expect(pod.affinity).toEqual(values.affinity);
    expect(pod.topologySpreadConstraints).toEqual(values.topologySpreadConstraints);
    expect(pod.hostAliases).toEqual(values.hostAliases);
    expect(pod.priorityClassName).toBe('high-priority');
    expect(pod.securityContext).toEqual({ fsGroup: 1000 });
    expect(pod.initContainers).toEqual(values.initContainers);
    expect(pod.volumes).toEqual(values.volumes);
    expect(pod.terminationGracePeriodSeconds).toBe(60);
    const container = containerOf(objects);
    expect(container.volumeMounts).toEqual(values.volumeMounts);
    expect(container.lifecycle).toEqual(values.lifecycle);
    expect(container.envFrom).toEqual(values.envFrom);
    expect((findObject(objects, 'Deployment', 'coder').spec as Obj).strategy).toEqual(values.strategy);
  });
});

describe('what coderd relies on in its pod', () => {
  const chartYaml = load(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8')) as Obj;

  test('`coder server` runs from the tag v<appVersion> of the chosen repository unless a tag is given', async () => {
    const image = { repo: 'registry.example.com/mirror/coder' };
    const defaults = containerOf(await renderBoth({ coder: { image } }));
    expect(defaults.args).toEqual(['server']);
    expect(defaults.image).toBe(`registry.example.com/mirror/coder:v${String(chartYaml.appVersion)}`);
    const pinned = containerOf(await renderBoth({ coder: { image: { ...image, tag: 'v2.20.0' } } }));
    expect(pinned.image).toBe('registry.example.com/mirror/coder:v2.20.0');
  });

  test('coderd listens on every interface, at the ports the container declares and the Service targets', async () => {
    const objects = await renderBoth(
      { coder: { env: [{ name: 'CODER_PROMETHEUS_ENABLE', value: 'true' }] } },
      { release: 'team-coder', namespace: 'team-ns' },
    );
    const container = containerOf(objects);
    const ports = container.ports as Obj[];
    const port = (name: string) => ports.find((p) => p.name === name);
    expect(port('http')).toEqual({ name: 'http', containerPort: 8080, protocol: 'TCP' });
    expect(port('prometheus-http')).toEqual({ name: 'prometheus-http', containerPort: 2112, protocol: 'TCP' });
    expect(envValue(objects, 'CODER_HTTP_ADDRESS')?.value).toBe(`0.0.0.0:${String(port('http')?.containerPort)}`);
    expect(envValue(objects, 'CODER_PROMETHEUS_ADDRESS')?.value).toBe(
      `0.0.0.0:${String(port('prometheus-http')?.containerPort)}`,
    );
    // pprof on 6060, where the official chart and Coder's docs put it.
    expect(envValue(objects, 'CODER_PPROF_ADDRESS')?.value).toBe('0.0.0.0:6060');
    const service = findObject(objects, 'Service', 'coder').spec as Obj;
    expect((service.ports as Obj[]).map((p) => p.targetPort)).toEqual(['http']);
    // Without TLS, coderd's own access URL is the Service's cluster name over plain http.
    expect(envValue(objects, 'CODER_ACCESS_URL')?.value).toBe('http://coder.team-ns.svc.cluster.local');
  });

  test.each([
    ['singleStackIPv6: true', { singleStackIPv6: true }],
    ['podIPFamily: IPv6, the earlier spelling', { podIPFamily: 'IPv6' }],
  ])('on IPv6-only pods (%s) coderd listens on [::] and the relay URL brackets the pod IP', async (_name, ipv6) => {
    const objects = await renderBoth({ coder: { ...ipv6, tls: { secretNames: ['coder-tls'] } } });
    const addresses = Object.fromEntries(
      envOf(objects)
        .filter((e) => String(e.name).endsWith('_ADDRESS'))
        .map((e) => [e.name, e.value]),
    );
    expect(addresses).toEqual({
      CODER_HTTP_ADDRESS: '[::]:8080',
      CODER_PROMETHEUS_ADDRESS: '[::]:2112',
      CODER_PPROF_ADDRESS: '[::]:6060',
      CODER_TLS_ADDRESS: '[::]:8443',
    });
    expect(envValue(objects, 'CODER_DERP_SERVER_RELAY_URL')?.value).toBe('http://[$(KUBE_POD_IP)]:8080');
    const check = ((findObject(objects, 'Pod', 'coder-test-mesh').spec as Obj).containers as Obj[])[0];
    expect(check.env).toContainEqual({ name: 'IP_FAMILY', value: 'IPv6' });
  });

  test('GOMEMLIMIT follows the memory limit, unless coder.env sets it or there is no limit', async () => {
    const fromLimit = { name: 'GOMEMLIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } };
    expect(envOf(await renderBoth({})).filter((e) => e.name === 'GOMEMLIMIT')).toEqual([fromLimit]);
    const own = { name: 'GOMEMLIMIT', value: '1GiB' };
    expect(envOf(await renderBoth({ coder: { env: [own] } })).filter((e) => e.name === 'GOMEMLIMIT')).toEqual([own]);
    // null removes the default resources, and a null memory the default's memory limit.
    for (const resources of [null, { limits: { memory: null } }]) {
      const names = envOf(await renderBoth({ coder: { resources } })).map((e) => e.name);
      expect({ resources, names }).toEqual({ resources, names: expect.not.arrayContaining(['GOMEMLIMIT']) as unknown });
    }
  });

  test('the pod runs as the chart’s ServiceAccount with its API token mounted, on the pod network', async () => {
    // coderd's Kubernetes provisioner creates workspaces through the API with this token.
    const pod = podSpecOf(await renderBoth({}));
    expect(pod.serviceAccountName).toBe('coder');
    expect(pod.automountServiceAccountToken).not.toBe(false);
    expect(pod.hostNetwork).not.toBe(true);
    expect(pod).not.toHaveProperty('securityContext');
  });

  test('every object carries the standard labels of this chart and release', async () => {
    const objects = await renderBoth({}, { release: 'team-coder', namespace: 'team-ns' });
    const provenance = {
      'helm.sh/chart': `${String(chartYaml.name)}-${String(chartYaml.version)}`,
      'app.kubernetes.io/instance': 'team-coder',
      'app.kubernetes.io/part-of': 'coder',
      'app.kubernetes.io/version': String(chartYaml.appVersion),
      'app.kubernetes.io/managed-by': 'Helm',
    };
    const labelled = objects.filter((o) => !['Role', 'RoleBinding'].includes(String(o.kind)));
    expect(labelled.map((o) => o.kind).sort()).toEqual(['Deployment', 'Pod', 'Service', 'Service', 'ServiceAccount']);
    for (const object of labelled) expect((object.metadata as Obj).labels).toMatchObject(provenance);
    // The helm test Pod is found with the release's pods, under its own component.
    expect((findObject(objects, 'Pod', 'coder-test-mesh').metadata as Obj).labels).toMatchObject({
      'app.kubernetes.io/component': 'test-mesh',
    });
  });
});

test('every object of every kind the chart writes carries the standard labels', () => {
  // Every fixture, and a version upgrade (the only render with the restart guard); the user's own
  // extraTemplates are theirs to label.
  const upgrade = renderManifests(
    [{ coder: { replicaCount: 3, env: [{ name: 'CODER_PG_CONNECTION_URL', value: 'postgres://db' }] } }],
    {
      liveObjects: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'coder', namespace: 'default' },
          spec: { template: { spec: { containers: [{ name: 'coder', image: 'ghcr.io/coder/coder:v2.20.0' }] } } },
        },
      ],
    },
  ) as Obj[];
  const objects = [
    ...loadFixtures()
      .filter((fixture) => fixture.name !== 'extra-templates')
      .flatMap((fixture) => renderManifests([fixture.values]) as Obj[]),
    ...upgrade,
  ];
  const standard = [
    'helm.sh/chart',
    'app.kubernetes.io/name',
    'app.kubernetes.io/instance',
    'app.kubernetes.io/part-of',
    'app.kubernetes.io/version',
    'app.kubernetes.io/managed-by',
  ];
  // The helm test Pod leaves out app.kubernetes.io/name: with it, the coder Service (and the
  // Deployment's selector) would take the test Pod for a replica.
  const expected = (o: Obj) =>
    o.kind === 'Pod' ? standard.filter((key) => key !== 'app.kubernetes.io/name') : standard;
  const unlabelled = objects.flatMap((o) => {
    const labels = ((o.metadata as Obj).labels ?? {}) as Obj;
    const missing = expected(o).filter((key) => !(key in labels));
    return missing.length ? [`${String(o.kind)} ${String((o.metadata as Obj).name)}: ${missing.join(', ')}`] : [];
  });
  expect(unlabelled).toEqual([]);
  // The renders reach every kind the chart writes.
  const written = new Set(
    readdirSync(join(CHART_DIR, 'templates'))
      .filter((file) => file.endsWith('.yaml') && !['guards.yaml', 'extra-templates.yaml'].includes(file))
      .map((file) => /^kind: (\S+)$/m.exec(readFileSync(join(CHART_DIR, 'templates', file), 'utf8'))?.[1]),
  );
  expect([...written].filter((kind) => !objects.some((o) => o.kind === kind))).toEqual([]);
});

describe('Service', () => {
  test('node ports only where Kubernetes allocates them', async () => {
    const nodePort = await renderBoth({ coder: { service: { type: 'NodePort', httpNodePort: 30080 } } });
    expect((findObject(nodePort, 'Service', 'coder').spec as Obj).ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP', nodePort: 30080 },
    ]);
    const clusterIP = await renderBoth({ coder: { service: { type: 'ClusterIP', httpNodePort: 30080 } } });
    expect(((findObject(clusterIP, 'Service', 'coder').spec as Obj).ports as Obj[])[0]).not.toHaveProperty('nodePort');
  });

  test('load-balancer fields only on a LoadBalancer', async () => {
    const options = { loadBalancerIP: '203.0.113.1', loadBalancerClass: 'x/lb', externalTrafficPolicy: 'Local' };
    const lb = findObject(
      await renderBoth({ coder: { service: { type: 'LoadBalancer', ...options } } }),
      'Service',
      'coder',
    );
    expect(lb.spec).toMatchObject(options);
    const np = findObject(
      await renderBoth({ coder: { service: { type: 'NodePort', ...options } } }),
      'Service',
      'coder',
    );
    for (const key of Object.keys(options)) expect(np.spec).not.toHaveProperty(key);
  });

  test('additional ports follow the chart’s own, node ports only where Kubernetes allocates them', async () => {
    const custom = { name: 'custom', port: 8081, targetPort: 8081, protocol: 'TCP', nodePort: 30081 };
    const grpc = { name: 'grpc', port: 9090, appProtocol: 'kubernetes.io/h2c' };
    const service = { additionalPorts: [custom, grpc] };
    const portsOf = async (type: string) =>
      (findObject(await renderBoth({ coder: { service: { ...service, type } } }), 'Service', 'coder').spec as Obj)
        .ports as Obj[];
    for (const type of ['NodePort', 'LoadBalancer']) expect((await portsOf(type)).slice(1)).toEqual([custom, grpc]);
    const withoutNodePort = { name: 'custom', port: 8081, targetPort: 8081, protocol: 'TCP' };
    expect(await portsOf('ClusterIP')).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
      withoutNodePort,
      grpc,
    ]);
    // A named target port must be one the coderd container declares, which depends on the values.
    const targeting =
      (targetPort: string, coder: object = {}) =>
      () =>
        renderManifests([
          { coder: { ...coder, service: { additionalPorts: [{ name: 'extra', port: 9443, targetPort }] } } },
        ]);
    expect(targeting('https', { tls: { secretNames: ['coder-tls'] } })).not.toThrow();
    expect(targeting('https')).toThrow('targets https, which the coderd container does not declare (its ports: http)');
    expect(targeting('prometheus-http')).toThrow('(its ports: http)');
    // Without TLS the chart has no https port, so a port of that name is the user's to add.
    const https = { name: 'https', port: 8443 };
    const objects = await renderBoth({ coder: { service: { type: 'ClusterIP', additionalPorts: [https] } } });
    expect((findObject(objects, 'Service', 'coder').spec as Obj).ports).toContainEqual(https);
  });

  test('enable: false renders no coder Service (the headless one stays)', async () => {
    const objects = await renderBoth({ coder: { service: { enable: false } } });
    expect(objects.filter((o) => o.kind === 'Service').map((o) => (o.metadata as Obj).name)).toEqual([
      'coder-headless',
    ]);
  });
});

test('extraTemplates render as given (text or map)', async () => {
  const objects = await renderBoth({
    extraTemplates: [
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-text\ndata:\n  a: "1"\n',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'from-map' }, data: { b: '2' } },
    ],
  });
  expect(findObject(objects, 'ConfigMap', 'from-text').data).toEqual({ a: '1' });
  expect(findObject(objects, 'ConfigMap', 'from-map').data).toEqual({ b: '2' });
});

test('extraTemplates with template actions: Helm renders them, the concrete render refuses by name', async () => {
  const values = {
    extraTemplates: ['apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-extra\n'],
  };
  expect(() => renderManifests([values])).toThrow('extraTemplates[0] uses template actions');
});

test('nameOverride changes the name label and selector, not the object names', async () => {
  const objects = await renderBoth({ nameOverride: 'coder-platform' });
  const deployment = findObject(objects, 'Deployment', 'coder');
  expect(((deployment.spec as Obj).selector as Obj).matchLabels).toEqual({
    'app.kubernetes.io/name': 'coder-platform',
    'app.kubernetes.io/instance': 'coder',
  });
  expect(kinds(objects)).toContain('Service/coder/coder');
});

describe('Pod Security Standards: restricted', () => {
  test.each(loadFixtures().map((f) => [f.name, f] as const))(
    '%s: every pod spec meets the profile',
    (_name, fixture) => {
      const objects = renderManifests([fixture.values]) as Obj[];
      for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
        expect(restrictedViolations(((deployment.spec as Obj).template as Obj).spec as Obj)).toEqual([]);
      }
    },
  );

  test('the checker catches a pod that misses the profile', () => {
    const violations = restrictedViolations({
      containers: [
        { name: 'c', securityContext: { allowPrivilegeEscalation: true, capabilities: { add: ['SYS_ADMIN'] } } },
      ],
      volumes: [{ name: 'host', hostPath: { path: '/' } }],
    });
    expect(violations).toEqual(
      expect.arrayContaining([
        'volume host: type hostPath is not allowed',
        'containers[c]: allowPrivilegeEscalation must be false',
        'containers[c]: runAsNonRoot must be true',
        'containers[c]: capabilities.drop must include ALL',
        'containers[c]: capability SYS_ADMIN must not be added',
      ]),
    );
  });

  test('the official defaults (without capabilities.drop) would miss it', () => {
    const official = {
      runAsNonRoot: true,
      runAsUser: 1000,
      allowPrivilegeEscalation: false,
      seccompProfile: { type: 'RuntimeDefault' },
    };
    expect(restrictedViolations({ containers: [{ name: 'coder', securityContext: official }] })).toEqual([
      'containers[coder]: capabilities.drop must include ALL',
    ]);
  });
});

describe('guards for incomplete routing', () => {
  test.each([
    [{ coder: { ingress: { enable: true } } }, 'coder.ingress.host is required'],
    [
      { coder: { ingress: { enable: true, host: 'h.example.com', tls: { enable: true } } } },
      'coder.ingress.tls.secretName is required',
    ],
    [{ coder: { httproute: { enable: true, host: 'h.example.com' } } }, 'coder.httproute.parentRefs is required'],
    [{ coder: { httproute: { enable: true, parentRefs: [{ name: 'gw' }] } } }, 'coder.httproute.host is required'],
    [
      { coder: { listenerset: { enable: true, parentRef: { name: 'gw' } } } },
      'coder.listenerset.listeners is required',
    ],
    [{ coder: { labels: { 'app.kubernetes.io/instance': 'x' } } }, "coder.labels must not set the chart's own labels"],
  ])('%j is refused', (values, message) => {
    expect(() => renderManifests([values])).toThrow(message);
  });
});
