/** HA guards and defaults, in both back-ends and with Helm 3 and Helm 4. */
import { concreteRefusal, helmSays, Refusal } from './support/refusals';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { HUNG_REPLICA_OUT_OF_ENDPOINTS_SECONDS } from '../src/coder/promises';
import { figures } from '../tools/ha/analysis';
import { schemaAt } from '../src/values/schema';
import { helm } from '../tools/helm/helm';
import { CHART_DIR, PACKAGE_ROOT } from '../src/paths';
import { ValueMap } from '../src/render';
import { helmTemplate } from './support/helm-chart';
import { coderContainer, findObject, Obj } from './support/manifests';
import { restrictedViolations } from './support/pod-security';
import { HELM_MAJORS_UNDER_TEST, renderBoth, testWithHelm } from './support/render-both';
import { scratchDir } from './support/scratch';

const POSTGRES = {
  name: 'CODER_PG_CONNECTION_URL',
  valueFrom: { secretKeyRef: { name: 'coder-db', key: 'url' } },
};
const ha = (replicaCount: number, coder: ValueMap = {}): ValueMap => ({
  coder: { replicaCount, ...coder, env: [POSTGRES, ...(((coder.env as ValueMap[]) ?? []) as ValueMap[])] },
});

const podSpec = (objects: Obj[]): Obj =>
  ((findObject(objects, 'Deployment', 'coder').spec as Obj).template as Obj).spec as Obj;
const container = (objects: Obj[]): Obj => coderContainer(findObject(objects, 'Deployment', 'coder'));
const env = (objects: Obj[]): Obj[] => container(objects).env as Obj[];
const envEntry = (objects: Obj[], name: string) => env(objects).find((e) => e.name === name);

const PG_MESSAGE =
  'coder.replicaCount is above 1, but no external Postgres is configured: every replica must use the same database. Set CODER_PG_CONNECTION_URL in coder.env (for example valueFrom.secretKeyRef), or provide it through coder.envFrom.';
const LB_MESSAGE =
  "coder.env sets CODER_DERP_SERVER_RELAY_URL to a load-balanced address (the access URL or the chart's Service), but replicas must reach each other directly. Remove it from coder.env to use each pod's own address (http://$(KUBE_POD_IP):8080).";
const SHARED_MESSAGE =
  "coder.replicaCount (or coder.autoscaling.maxReplicas) is above 1, but coder.env sets CODER_DERP_SERVER_RELAY_URL to one fixed address for every replica. Each replica needs its own: refer to a per-pod variable such as $(KUBE_POD_IP), or remove it to use the chart's.";

describe('guards: the same refusal from Helm 3, Helm 4 and the concrete render', () => {
  const relay = (value: string) => ({ name: 'CODER_DERP_SERVER_RELAY_URL', value });
  test.each([
    ['replicas > 1 without Postgres', { coder: { replicaCount: 2 } }, PG_MESSAGE],
    [
      'replicas > 1 with an empty CODER_PG_CONNECTION_URL',
      { coder: { replicaCount: 3, env: [{ name: 'CODER_PG_CONNECTION_URL', value: '' }] } },
      PG_MESSAGE,
    ],
    [
      'a relay URL equal to the access URL',
      ha(1, {
        env: [{ name: 'CODER_ACCESS_URL', value: 'https://coder.example.com' }, relay('https://coder.example.com')],
      }),
      LB_MESSAGE,
    ],
    [
      'a relay URL on the access URL’s host',
      ha(1, {
        env: [
          { name: 'CODER_ACCESS_URL', value: 'https://Coder.Example.com' },
          relay('http://coder.example.com:8080/'),
        ],
      }),
      LB_MESSAGE,
    ],
    [
      'a relay URL at the default in-cluster access URL',
      ha(1, { env: [relay('http://coder.coder.svc.cluster.local')] }),
      LB_MESSAGE,
    ],
    ['a relay URL at the chart’s Service', ha(1, { env: [relay('http://coder:80')] }), LB_MESSAGE],
    // With several replicas, a literal relay URL is refused by the values schema before the
    // templates compare it with the access URL: one fixed address, wherever it points.
    [
      'a relay URL at the chart’s Service for several replicas',
      ha(2, { env: [relay('http://coder:80')] }),
      SHARED_MESSAGE,
    ],
    ['one fixed relay URL for several replicas', ha(3, { env: [relay('http://10.0.0.7:8080')] }), SHARED_MESSAGE],
  ])('%s', async (_name, values, message) => {
    const refusal = concreteRefusal(values as ValueMap, { namespace: 'coder' });
    expect(refusal?.message).toContain(message);
    for (const major of HELM_MAJORS_UNDER_TEST) {
      const run = await helmTemplate(major, { namespace: 'coder', valuesTexts: [dump(values)] });
      expect(run.status).not.toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(helmSays(refusal as Refusal, message));
    }
  });

  test.each([
    ['Postgres from coder.envFrom', { coder: { replicaCount: 3, envFrom: [{ secretRef: { name: 'db' } }] } }],
    ['a workspace proxy (it has no database)', { coder: { replicaCount: 3, workspaceProxy: true } }],
    ['a per-pod relay URL of the user’s own', ha(3, { env: [relay('http://$(KUBE_POD_IP):8080')] })],
    [
      'custom relays with any relay URL',
      ha(3, { env: [{ name: 'CODER_DERP_SERVER_ENABLE', value: 'false' }, relay('http://coder')] }),
    ],
    ['one replica with the built-in database', { coder: { replicaCount: 1 } }],
  ])('%s is accepted', async (_name, values) => {
    await renderBoth(values as ValueMap);
  });
});

describe('HA defaults appear only with more than one replica', () => {
  test('one replica: no PDB, no spread, no strategy, no affinity, no node-failure tolerations', async () => {
    const objects = await renderBoth(ha(1));
    expect(objects.map((o) => o.kind)).not.toContain('PodDisruptionBudget');
    const spec = podSpec(objects);
    expect(spec).not.toHaveProperty('affinity');
    expect(spec).not.toHaveProperty('topologySpreadConstraints');
    expect(spec).not.toHaveProperty('tolerations');
    expect(findObject(objects, 'Deployment', 'coder').spec).not.toHaveProperty('strategy');
  });

  test.each([2, 3, 5])(
    '%i replicas: PDB, zone and node spread counting only the new revision, surge-only rollout',
    async (replicas) => {
      const objects = await renderBoth(ha(replicas), { release: 'team-coder' });
      const selector = { 'app.kubernetes.io/name': 'coder', 'app.kubernetes.io/instance': 'team-coder' };
      expect(findObject(objects, 'PodDisruptionBudget', 'coder').spec).toEqual({
        maxUnavailable: 1,
        selector: { matchLabels: selector },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      });
      const spec = podSpec(objects);
      expect(spec.tolerations).toEqual(
        ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'].map((key) => ({
          key,
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 30,
        })),
      );
      // The old revision's pods must not steer the new ones: the spread counts the pod's own
      // revision only, and no anti-affinity (which would count every revision) pulls against it.
      expect(spec.topologySpreadConstraints).toEqual(
        ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
          maxSkew: 1,
          topologyKey,
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: selector },
          matchLabelKeys: ['pod-template-hash'],
        })),
      );
      expect(spec).not.toHaveProperty('affinity');
      expect((findObject(objects, 'Deployment', 'coder').spec as Obj).strategy).toEqual({
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
      });
    },
  );

  test.each([
    ['the chart spread switched off', { highAvailability: { topologySpread: false } }],
    [
      'a spread of your own',
      {
        topologySpreadConstraints: [
          {
            maxSkew: 1,
            topologyKey: 'topology.kubernetes.io/zone',
            whenUnsatisfiable: 'DoNotSchedule',
            labelSelector: { matchLabels: { app: 'coder' } },
          },
        ],
      },
    ],
  ])('with %s, the anti-affinity default on the real release prefers one replica per node', async (_, coder) => {
    const objects = await renderBoth(ha(3, coder), { release: 'team-coder' });
    const selector = { 'app.kubernetes.io/name': 'coder', 'app.kubernetes.io/instance': 'team-coder' };
    expect(podSpec(objects).affinity).toEqual({
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: { labelSelector: { matchLabels: selector }, topologyKey: 'kubernetes.io/hostname' },
          },
        ],
      },
    });
  });

  test('each default can be switched off', async () => {
    const objects = await renderBoth(
      ha(3, {
        highAvailability: {
          podDisruptionBudget: { enable: false },
          antiAffinity: false,
          topologySpread: false,
          rollingUpdate: false,
          nodeFailureTolerationSeconds: 0,
          preStopSleepSeconds: 0,
        },
      }),
    );
    expect(objects.map((o) => o.kind)).not.toContain('PodDisruptionBudget');
    expect(podSpec(objects)).not.toHaveProperty('affinity');
    expect(podSpec(objects)).not.toHaveProperty('topologySpreadConstraints');
    expect(podSpec(objects)).not.toHaveProperty('tolerations');
    expect(container(objects)).not.toHaveProperty('lifecycle');
    expect(findObject(objects, 'Deployment', 'coder').spec).not.toHaveProperty('strategy');
  });

  test('the user’s own affinity, spread and strategy replace the defaults', async () => {
    const affinity = {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 1, preference: { matchExpressions: [{ key: 'a', operator: 'Exists' }] } },
        ],
      },
    };
    const spread = [{ maxSkew: 2, topologyKey: 'rack', whenUnsatisfiable: 'DoNotSchedule' }];
    const strategy = { type: 'Recreate' };
    const objects = await renderBoth(ha(3, { affinity, topologySpreadConstraints: spread, strategy }));
    expect(podSpec(objects).affinity).toEqual(affinity);
    expect(podSpec(objects).topologySpreadConstraints).toEqual(spread);
    expect((findObject(objects, 'Deployment', 'coder').spec as Obj).strategy).toEqual(strategy);
  });

  test("the user's tolerations come first and the chart's follow", async () => {
    const own = { key: 'dedicated', operator: 'Equal', value: 'coder', effect: 'NoSchedule' };
    const objects = await renderBoth(
      ha(3, { tolerations: [own], highAvailability: { nodeFailureTolerationSeconds: 45 } }),
    );
    const tolerations = podSpec(objects).tolerations as Obj[];
    expect(tolerations[0]).toEqual(own);
    expect(tolerations.slice(1).map((t) => [t.key, t.tolerationSeconds])).toEqual([
      ['node.kubernetes.io/not-ready', 45],
      ['node.kubernetes.io/unreachable', 45],
    ]);
    expect(podSpec(await renderBoth(ha(1, { tolerations: [own] }))).tolerations).toEqual([own]);
  });

  test('a stopping replica keeps serving for preStopSleepSeconds, at any replica count', async () => {
    for (const replicas of [1, 3]) {
      expect(container(await renderBoth(ha(replicas))).lifecycle).toEqual({
        preStop: { exec: { command: ['sleep', '5'] } },
      });
    }
    const longer = await renderBoth(ha(3, { highAvailability: { preStopSleepSeconds: 20 } }));
    expect(container(longer).lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '20'] } } });
    const own = { preStop: { httpGet: { path: '/drain', port: 8080 } } };
    expect(container(await renderBoth(ha(3, { lifecycle: own }))).lifecycle).toEqual(own);
  });

  test('the PDB lets a drain evict unready replicas unless told otherwise', async () => {
    const objects = await renderBoth(
      ha(3, { highAvailability: { podDisruptionBudget: { unhealthyPodEvictionPolicy: 'IfHealthyBudget' } } }),
    );
    expect((findObject(objects, 'PodDisruptionBudget', 'coder').spec as Obj).unhealthyPodEvictionPolicy).toBe(
      'IfHealthyBudget',
    );
  });

  test('the PDB budget is configurable', async () => {
    const objects = await renderBoth(ha(5, { highAvailability: { podDisruptionBudget: { maxUnavailable: '40%' } } }));
    expect((findObject(objects, 'PodDisruptionBudget', 'coder').spec as Obj).maxUnavailable).toBe('40%');
  });
});

describe('relay URL', () => {
  test('IPv6 puts the pod IP in brackets', async () => {
    expect(envEntry(await renderBoth(ha(3, { podIPFamily: 'IPv6' })), 'CODER_DERP_SERVER_RELAY_URL')).toEqual({
      name: 'CODER_DERP_SERVER_RELAY_URL',
      value: 'http://[$(KUBE_POD_IP)]:8080',
    });
  });

  test('custom relays: no relay URL, CODER_CLUSTER_HOST kept', async () => {
    const objects = await renderBoth(ha(3, { env: [{ name: 'CODER_DERP_SERVER_ENABLE', value: 'false' }] }));
    expect(env(objects).map((e) => e.name)).not.toContain('CODER_DERP_SERVER_RELAY_URL');
    expect(envEntry(objects, 'CODER_CLUSTER_HOST')).toEqual({
      name: 'CODER_CLUSTER_HOST',
      valueFrom: { fieldRef: { fieldPath: 'status.podIP' } },
    });
  });

  test('a user-set relay URL replaces the chart’s, once', async () => {
    const objects = await renderBoth(
      ha(3, { env: [{ name: 'CODER_DERP_SERVER_RELAY_URL', value: 'https://$(KUBE_POD_IP):8443' }] }),
    );
    expect(env(objects).filter((e) => e.name === 'CODER_DERP_SERVER_RELAY_URL')).toEqual([
      { name: 'CODER_DERP_SERVER_RELAY_URL', value: 'https://$(KUBE_POD_IP):8443' },
    ]);
  });
});

describe(`a hung replica leaves the endpoints within ${HUNG_REPLICA_OUT_OF_ENDPOINTS_SECONDS} s`, () => {
  const promise = `within ${HUNG_REPLICA_OUT_OF_ENDPOINTS_SECONDS} s`;

  test('with the default readiness probe, as rendered', async () => {
    const objects = await renderBoth({});
    const seconds = figures(findObject(objects, 'Deployment', 'coder') as never, []).endpointRemovalSeconds;
    expect(seconds).not.toBeNull();
    expect(seconds).toBeLessThanOrEqual(HUNG_REPLICA_OUT_OF_ENDPOINTS_SECONDS);
  });

  test('as the schema description and the docs say', () => {
    const texts = {
      'coder.readinessProbe description': String(schemaAt('coder.readinessProbe').description),
      'docs/high-availability.md': readFileSync(join(PACKAGE_ROOT, 'docs', 'high-availability.md'), 'utf8'),
      'docs/differences-from-official-chart.md': readFileSync(
        join(PACKAGE_ROOT, 'docs', 'differences-from-official-chart.md'),
        'utf8',
      ),
      'README.md (upgrading from the official chart)': readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8'),
    };
    const stating = Object.entries(texts)
      .filter(([, text]) => text.replace(/\s+/g, ' ').includes(promise))
      .map(([where]) => where);
    expect(stating).toEqual(Object.keys(texts));
  });
});

test('the headless Service lists only ready coderd pods', async () => {
  const spec = findObject(await renderBoth(ha(3)), 'Service', 'coder-headless').spec as Obj;
  expect(spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: false });
  expect(spec.selector).toEqual({ 'app.kubernetes.io/name': 'coder', 'app.kubernetes.io/instance': 'coder' });
  expect(spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }]);
});

describe('the helm test Pod', () => {
  const RELEASE = 'team-coder';
  const NAMESPACE = 'team-ns';
  const HEADLESS_HOST = `coder-headless.${NAMESPACE}.svc.cluster.local`;

  test('is a test hook with the image from values, the replica count, and the restricted profile', async () => {
    const objects = await renderBoth(
      ha(3, { helmTest: { image: { repo: 'mirror.example.com/busybox', tag: '1.36.1' } } }),
    );
    const pod = findObject(objects, 'Pod', 'coder-test-mesh');
    // Helm waits for a test Pod to finish; a failed one is kept for its logs until the next run.
    expect((pod.metadata as Obj).annotations).toEqual({
      'helm.sh/hook': 'test',
      'helm.sh/hook-delete-policy': 'before-hook-creation',
    });
    expect((pod.spec as Obj).restartPolicy).toBe('Never');
    const container = ((pod.spec as Obj).containers as Obj[])[0];
    expect(container.image).toBe('mirror.example.com/busybox:1.36.1');
    expect(container.env).toContainEqual({ name: 'EXPECTED_REPLICAS', value: '3' });
    expect(container.env).toContainEqual({ name: 'HEADLESS_HOST', value: 'coder-headless.coder.svc.cluster.local' });
    expect(restrictedViolations(pod.spec as Obj)).toEqual([]);
    expect((container.securityContext as Obj).readOnlyRootFilesystem).toBe(true);
    // The API server needs a container name (a DNS label) to accept the Pod.
    expect(container.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    // Namespaces with a ResourceQuota admit only pods that state requests and limits, as quantities.
    const resources = container.resources as { requests: Obj; limits: Obj };
    for (const bound of [resources.requests, resources.limits]) {
      expect(Object.keys(bound).sort()).toEqual(['cpu', 'memory']);
      for (const quantity of Object.values(bound)) expect(quantity).toMatch(/^[1-9][0-9]*(m|Mi)?$/);
    }
  });

  test('is left out when disabled', async () => {
    const objects = await renderBoth({ coder: { helmTest: { enable: false } } });
    expect(objects.map((o) => o.kind)).not.toContain('Pod');
  });

  /**
   * Renders the test Pod for release team-coder in team-ns and runs its container as the kubelet
   * would (its command, its env, field references resolved), with fake nslookup and wget: the
   * headless Service's name resolves to `ips` for the DNS record `record`, and `down` do not answer.
   */
  async function runRenderedCheck(values: ValueMap, ips: string[], down: string[], record = 'A') {
    const objects = await renderBoth(values, { release: RELEASE, namespace: NAMESPACE });
    const pod = findObject(objects, 'Pod', 'coder-test-mesh');
    const container = ((pod.spec as Obj).containers as Obj[])[0];
    const env: Record<string, string> = {};
    for (const item of container.env as Obj[]) {
      const fieldPath = ((item.valueFrom as Obj | undefined)?.fieldRef as Obj | undefined)?.fieldPath;
      if (fieldPath === undefined) env[String(item.name)] = String(item.value);
      else if (fieldPath === 'metadata.namespace') env[String(item.name)] = String((pod.metadata as Obj).namespace);
      else throw new Error(`the test Pod reads ${String(fieldPath)}, which this runner does not resolve`);
    }
    const bin = scratchDir('mesh-check-');
    const answer = ['Server:\t\t10.96.0.10', 'Address:\t10.96.0.10:53', '', `Name:\t${HEADLESS_HOST}`];
    writeFileSync(
      join(bin, 'nslookup'),
      [
        '#!/bin/sh',
        `if [ "$1" != "-type=${record}" ] || [ "$2" != "${HEADLESS_HOST}" ]; then echo "** server can't find $2"; exit 1; fi`,
        "cat <<'OUT'",
        ...answer,
        ...ips.map((ip) => `Address: ${ip}`),
        'OUT',
        '',
      ].join('\n'),
    );
    const failing = down.map((ip) => `*${ip}*) exit 1 ;;`).join('\n    ');
    writeFileSync(
      join(bin, 'wget'),
      `#!/bin/sh\nfor last; do :; done\ncase "$last" in\n    ${failing}\nesac\nexit 0\n`,
    );
    chmodSync(join(bin, 'nslookup'), 0o755);
    chmodSync(join(bin, 'wget'), 0o755);
    const [command, ...args] = container.command as string[];
    return spawnSync(command, [...args, ...((container.args as string[] | undefined) ?? [])], {
      encoding: 'utf8',
      env: { PATH: `${bin}:${process.env.PATH ?? ''}`, ...env },
    });
  }

  test('passes when the Service and every replica answer at its relay address', async () => {
    const run = await runRenderedCheck(ha(3), ['10.1.0.4', '10.1.1.9', '10.1.2.3'], []);
    expect(run.stdout).toContain(`ok    Service coder: http://coder.${NAMESPACE}.svc.cluster.local:80/healthz`);
    expect(run.stdout).toContain('ok    replica 10.1.1.9 (its relay address): http://10.1.1.9:8080/healthz');
    expect(run.stdout).toContain(`3 of 3 replica(s) ready behind ${HEADLESS_HOST}`);
    expect(run.status).toBe(0);
  });

  test('fails naming the replica that does not answer', async () => {
    const run = await runRenderedCheck(ha(3), ['10.1.0.4', '10.1.1.9', '10.1.2.3'], ['10.1.1.9']);
    expect(run.stdout).toContain(
      'FAIL  replica 10.1.1.9 (its relay address) does not answer at http://10.1.1.9:8080/healthz',
    );
    expect(run.status).toBe(1);
  });

  test('fails when fewer replicas are ready than coder.replicaCount, saying how to look', async () => {
    const run = await runRenderedCheck(ha(3), ['10.1.0.4'], []);
    expect(run.stdout).toContain(
      `FAIL  2 replica(s) not ready: kubectl get pods -n ${NAMESPACE} -l app.kubernetes.io/instance=${RELEASE}`,
    );
    expect(run.status).toBe(1);
  });

  test('asks for IPv6 addresses and brackets them', async () => {
    const run = await runRenderedCheck(ha(2, { podIPFamily: 'IPv6' }), ['fd00:10:1::4', 'fd00:10:1::5'], [], 'AAAA');
    expect(run.stdout).toContain('http://[fd00:10:1::4]:8080/healthz');
    expect(run.status).toBe(0);
  });

  test('checks only the replicas when the coder Service is disabled', async () => {
    const run = await runRenderedCheck(ha(2, { service: { enable: false } }), ['10.1.0.4', '10.1.0.5'], []);
    expect(run.stdout).not.toContain('Service coder');
    expect(run.status).toBe(0);
  });
});

/** The NOTES Helm 4 prints after a client-side dry-run install of release coder with these --set values. */
async function notesAfterInstall(sets: string[]): Promise<string> {
  const run = await helm(4, [
    'install',
    'coder',
    CHART_DIR,
    '--namespace',
    'coder',
    '--dry-run=client',
    ...sets.flatMap((s) => ['--set', s]),
  ]);
  expect(run.stderr).toBe('');
  return run.stdout.slice(run.stdout.indexOf('NOTES:'));
}

testWithHelm('NOTES summarise the HA state after install (Helm 4 dry run)', async () => {
  const notes = await notesAfterInstall([
    'coder.replicaCount=3',
    'coder.envFrom[0].secretRef.name=db',
    'coder.podIPFamily=IPv6',
  ]);
  expect(notes).toContain('Replicas: 3');
  expect(notes).toContain('http://[<pod IP>]:8080');
  expect(notes).toContain('Postgres: expected from coder.envFrom');
  expect(notes).toContain('a PodDisruptionBudget lets at most 1 replica(s) go down at once');
  expect(notes).toContain('Placement: spread over zones and nodes');
  expect(notes).toContain('helm test coder --namespace coder --logs');
});

testWithHelm('NOTES for a release scaled to zero say so, not "Single replica"', async () => {
  const zero = await notesAfterInstall(['coder.replicaCount=0']);
  expect(zero).toContain('Scaled to zero: no coderd runs');
  expect(zero).not.toContain('Single replica');
  expect(await notesAfterInstall(['coder.replicaCount=1'])).toContain('Single replica');
});

testWithHelm(
  'NOTES name the autoscaler’s range, the metrics Service and the NetworkPolicy when they are on',
  async () => {
    const notes = await notesAfterInstall([
      'coder.replicaCount=0',
      'coder.envFrom[0].secretRef.name=db',
      'coder.autoscaling.enable=true',
      'coder.autoscaling.minReplicas=2',
      'coder.autoscaling.maxReplicas=7',
      'coder.metrics.enable=true',
      'coder.networkPolicy.enable=true',
    ]);
    expect(notes).toContain('Replicas: 2 to 7, set by the HorizontalPodAutoscaler');
    // coder.replicaCount is not used with the autoscaler: neither "scaled to zero" nor a single replica.
    expect(notes).toContain('High availability: the replicas form one cluster');
    expect(notes).not.toContain('Scaled to zero');
    expect(notes).toContain('Metrics: coder-metrics.coder.svc.cluster.local:2112 (ClusterIP only).');
    expect(notes).toContain('Network: a NetworkPolicy admits only the sources in coder.networkPolicy');
    const plain = await notesAfterInstall([]);
    expect(plain).not.toContain('Metrics:');
    expect(plain).not.toContain('Network:');
  },
);
