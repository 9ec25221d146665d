/**
 * Each HA guard refuses every form that docs/high-availability.md ("What is refused, and why")
 * documents, with Helm 3, Helm 4 and the concrete render alike, and lets through the per-pod forms
 * next to them. The load-balancer guard's host forms are enumerated for a release namespace other
 * than `default`, where a namespace written into the chart would show.
 */
import { dump } from 'js-yaml';
import { HELM_MAJORS } from '../tools/helm/tools';
import { ValueMap } from '../src/render';
import { helmTemplate } from './support/helm-chart';
import { WITHOUT_HELM } from './support/render-both';
import { concreteRefusal, helmSays } from './support/refusals';

const RELEASE = 'team-coder';
const NAMESPACE = 'coder-prod';
const POSTGRES = { name: 'CODER_PG_CONNECTION_URL', valueFrom: { secretKeyRef: { name: 'db', key: 'url' } } };
const ACCESS_URL = 'https://coder.example.com';

const env = (replicaCount: number, ...entries: ValueMap[]): ValueMap => ({
  coder: { replicaCount, env: [POSTGRES, ...entries] },
});
const relay = (value: string): ValueMap => ({ name: 'CODER_DERP_SERVER_RELAY_URL', value });
const accessURL = { name: 'CODER_ACCESS_URL', value: ACCESS_URL };

/** What each guard's message says, whatever else it says. */
const LOAD_BALANCED = 'to a load-balanced address';
const NO_POSTGRES = 'no external Postgres is configured';
const SHARED_RELAY = 'one fixed address for every replica';

/** Every name under which the chart's Service answers inside the cluster, in any case. */
const SERVICE_HOSTS = ['coder', `coder.${NAMESPACE}`, `coder.${NAMESPACE}.svc`, `coder.${NAMESPACE}.svc.cluster.local`];

const refused: [string, ValueMap, string][] = [
  ['replicas > 1 without Postgres', { coder: { replicaCount: 2 } }, NO_POSTGRES],
  [
    'replicas > 1 with an empty CODER_PG_CONNECTION_URL',
    { coder: { replicaCount: 5, env: [{ name: 'CODER_PG_CONNECTION_URL', value: '' }] } },
    NO_POSTGRES,
  ],
  ['a relay URL equal to the access URL', env(1, accessURL, relay(ACCESS_URL)), LOAD_BALANCED],
  [
    'a relay URL equal to the access URL in other case',
    env(1, accessURL, relay(ACCESS_URL.toUpperCase())),
    LOAD_BALANCED,
  ],
  [
    'a relay URL on the access URL’s host with another scheme, port and path',
    env(3, accessURL, relay('http://CODER.example.com:8080/derp?x=$(KUBE_POD_IP)')),
    LOAD_BALANCED,
  ],
  [
    'a relay URL equal to the cluster access URL the chart sets',
    env(1, relay(`http://coder.${NAMESPACE}.svc.cluster.local`)),
    LOAD_BALANCED,
  ],
  ...SERVICE_HOSTS.flatMap((host): [string, ValueMap, string][] => [
    [`a relay URL on the Service host ${host}`, env(1, relay(`http://${host}:8080`)), LOAD_BALANCED],
    [
      `a relay URL on the Service host ${host.toUpperCase()} without access URL`,
      { coder: { envUseClusterAccessURL: false, env: [relay(`https://${host.toUpperCase()}/`)] } },
      LOAD_BALANCED,
    ],
  ]),
  ['replicas > 1 with one fixed relay address', env(2, relay('http://10.0.0.5:8080')), SHARED_RELAY],
  ['coder.env setting KUBE_POD_IP', env(1, { name: 'KUBE_POD_IP', value: '10.0.0.5' }), 'must not set KUBE_POD_IP'],
  [
    'coder.env setting CODER_HTTP_ADDRESS',
    env(1, { name: 'CODER_HTTP_ADDRESS', value: '0.0.0.0:3000' }),
    'must not set CODER_HTTP_ADDRESS',
  ],
  [
    'a variable twice in coder.env',
    env(1, { name: 'CODER_VERBOSE', value: 'true' }, { name: 'CODER_VERBOSE', value: 'false' }),
    'sets CODER_VERBOSE more than once',
  ],
];

const accepted: [string, ValueMap][] = [
  ['replicas > 1 with Postgres from a Secret', env(3)],
  [
    'replicas > 1 with Postgres from coder.envFrom',
    { coder: { replicaCount: 3, envFrom: [{ secretRef: { name: 'db' } }] } },
  ],
  ['a workspace proxy with replicas > 1 and no Postgres', { coder: { replicaCount: 3, workspaceProxy: true } }],
  ['a per-pod relay URL over TLS', env(3, accessURL, relay('https://$(KUBE_POD_IP):8443'))],
  ['a per-pod relay URL through a per-pod DNS name', env(3, relay('http://$(KUBE_POD_IP).coder-prod.pod:8080'))],
  ['a host that only starts like the Service name', env(1, relay(`http://coder-relay.${NAMESPACE}:8080`))],
  ['a Service name of another namespace', env(1, relay('http://coder.other-namespace.svc:8080'))],
  [
    'custom relays, where the relay URL is unused',
    env(3, accessURL, { name: 'CODER_DERP_SERVER_ENABLE', value: 'false' }, relay(ACCESS_URL)),
  ],
];

const OPTIONS = { releaseName: RELEASE, namespace: NAMESPACE };

describe.each(refused)('refused: %s', (_name, values, says) => {
  test('by the concrete render', () => {
    expect(concreteRefusal(values, OPTIONS)?.message).toContain(says);
  });
  (WITHOUT_HELM ? test.skip : test.concurrent).each(HELM_MAJORS)('by Helm %i, rendering nothing', async (major) => {
    const run = await helmTemplate(major, { release: RELEASE, namespace: NAMESPACE, valuesTexts: [dump(values)] });
    expect({ status: run.status === 0 ? 'rendered' : 'refused', stdout: run.stdout }).toEqual({
      status: 'refused',
      stdout: '',
    });
    const refusal = concreteRefusal(values, OPTIONS);
    expect(run.stderr).toContain(refusal ? helmSays(refusal, says) : says);
  });
});

describe.each(accepted)('accepted: %s', (_name, values) => {
  test('by the concrete render', () => {
    expect(concreteRefusal(values, OPTIONS)).toBeUndefined();
  });
  (WITHOUT_HELM ? test.skip : test.concurrent).each(HELM_MAJORS)('by Helm %i', async (major) => {
    const run = await helmTemplate(major, { release: RELEASE, namespace: NAMESPACE, valuesTexts: [dump(values)] });
    expect(run.stderr).toBe('');
  });
});
