/**
 * Random values that the schema accepts, biased toward the spots where template engines go
 * wrong: replica counts 0/1/2/large, user env that overrides each chart default, TLS on and off,
 * every optional object on and off, and strings that look like numbers, booleans, YAML syntax or
 * template text.
 */
import fc from 'fast-check';
import { ValueMap } from '../../src/render';

type Json = ValueMap[string];

/** Strings that other YAML readers or Go templates might take for something else. */
export const TRICKY_STRINGS = [
  '1.10',
  '0775',
  '1e3',
  'on',
  'yes',
  'No',
  'null',
  '~',
  'true',
  '',
  ' ',
  '{{ .Values.secret }}',
  '}}{{',
  '$1 $& $$',
  '$(KUBE_POD_IP)',
  'a "quoted" value',
  "it's",
  'multi\nline\n',
  'tab\there',
  'naïve ✓ 日本',
  '#not-a-comment',
  'key: value',
  '- item',
  '@at',
  '`tick`',
  'back\\slash',
  '* star',
  '&anchor',
  '!tag',
  '%percent',
];

const tricky = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TRICKY_STRINGS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);
/** Template text cannot reach the concrete back-end through extraTemplates; elsewhere it may. */
const trickyWithoutActions = tricky.filter((s) => !s.includes('{{'));

const dnsLabel = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/);
const hostName = fc.tuple(dnsLabel, dnsLabel).map(([a, b]) => `${a}.${b}.example.com`);
const labelValue = fc.stringMatching(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,20}[A-Za-z0-9])?)?$/);
const qualifiedKey = fc
  .tuple(
    fc.option(fc.constantFrom('example.com', 'team.example.io'), { nil: undefined }),
    fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/),
  )
  .map(([prefix, name]) => (prefix ? `${prefix}/${name}` : name))
  .filter((k) => !k.startsWith('app.kubernetes.io/') && k !== 'helm.sh/chart');
const labelMap = fc.dictionary(qualifiedKey, labelValue, { maxKeys: 3 });
const annotationMap = fc.dictionary(qualifiedKey, tricky, { maxKeys: 3 });
const envName = fc
  .stringMatching(/^[A-Z][A-Z0-9_]{0,12}$/)
  .filter((n) => !['KUBE_POD_IP', 'CODER_HTTP_ADDRESS'].includes(n));

const POSTGRES = { name: 'CODER_PG_CONNECTION_URL', valueFrom: { secretKeyRef: { name: 'coder-db', key: 'url' } } };

/** User env that overrides chart defaults (or not), with tricky values, names unique. */
const envList = fc
  .uniqueArray(
    fc.oneof(
      fc.constantFrom(
        'CODER_ACCESS_URL',
        'CODER_PROMETHEUS_ADDRESS',
        'CODER_PPROF_ADDRESS',
        'CODER_CLUSTER_HOST',
        'CODER_PROMETHEUS_ENABLE',
        'CODER_DERP_SERVER_ENABLE',
        'CODER_DERP_SERVER_RELAY_URL',
        'CODER_TLS_ENABLE',
        'CODER_PROVISIONER_DAEMON_PSK',
      ),
      envName,
    ),
    { maxLength: 5 },
  )
  .chain((names) =>
    fc.tuple(
      ...names.map((name) =>
        fc.oneof(
          fc
            .oneof(
              tricky,
              fc.constantFrom(
                'true',
                'false',
                'http://$(KUBE_POD_IP):9090',
                'https://coder.example.com',
                '0.0.0.0:9100',
              ),
            )
            .map((value): Json => ({ name, value })),
          fc.constant<Json>({ name, valueFrom: { secretKeyRef: { name: 'coder-env', key: name.toLowerCase() } } }),
          fc.constant<Json>({ name, valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }),
        ),
      ),
    ),
  );

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
const nodePort = fc.oneof(fc.constant(''), fc.integer({ min: 30000, max: 32767 }));
const probe = (enabledDefault: boolean) =>
  fc.record(
    {
      enabled: fc.boolean(),
      initialDelaySeconds: fc.integer({ min: 0, max: 600 }),
      periodSeconds: fc.integer({ min: 1, max: 60 }),
      timeoutSeconds: fc.integer({ min: 1, max: 30 }),
      successThreshold: enabledDefault ? fc.integer({ min: 1, max: 5 }) : fc.constant(1),
      failureThreshold: fc.integer({ min: 1, max: 10 }),
    },
    { requiredKeys: [] },
  );

const workspaceNamespace = fc.record(
  {
    name: dnsLabel,
    workspacePerms: fc.boolean(),
    enableDeployments: fc.boolean(),
    extraRules: fc.constant([{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list'] }]),
  },
  { requiredKeys: ['name'] },
);

const coderValues = fc.record(
  {
    replicaCount: fc.oneof(fc.constantFrom(0, 1, 2, 3, 5), fc.integer({ min: 0, max: 1000000 })),
    env: envList,
    withPostgres: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    envFrom: optional(fc.constant([{ secretRef: { name: 'coder-extra-env' } }])),
    envUseClusterAccessURL: fc.boolean(),
    image: fc.record(
      {
        repo: fc.constantFrom('ghcr.io/coder/coder', 'registry.example.com/mirror/coder', 'localhost:5000/coder'),
        // Tags as users write them: with and without "v", pinned to a digest, a digest alone, and
        // ones whose label value must be cut (64 characters) or trimmed (a leading "_").
        tag: fc.oneof(
          fc.constant(''),
          fc.constantFrom('v2.37.1', '1.10', 'latest', '0775', '_v2', `${'a'.repeat(62)}-x`),
          fc.constantFrom('v2.36.1@sha256:', '@sha256:').map((prefix) => `${prefix}${'0f'.repeat(32)}`),
        ),
        pullPolicy: fc.constantFrom('Always', 'IfNotPresent', 'Never'),
        pullSecrets: fc.uniqueArray(dnsLabel, { maxLength: 2 }).map((names) => names.map((name) => ({ name }))),
      },
      { requiredKeys: [] },
    ),
    annotations: annotationMap,
    labels: labelMap,
    podAnnotations: annotationMap,
    podLabels: labelMap,
    priorityClassName: fc.constantFrom('', 'high-priority'),
    serviceAccount: fc.record(
      {
        name: dnsLabel,
        disableCreate: fc.boolean(),
        workspacePerms: fc.boolean(),
        enableDeployments: fc.boolean(),
        annotations: annotationMap,
        labels: labelMap,
        extraRules: fc.constant([{ apiGroups: [''], resources: ['services'], verbs: ['get'] }]),
        workspaceNamespaces: fc.uniqueArray(workspaceNamespace, {
          maxLength: 3,
          selector: (n) => (n as { name: string }).name,
        }),
      },
      { requiredKeys: [] },
    ),
    securityContext: fc.oneof(
      fc.constant(null),
      fc.constant({ readOnlyRootFilesystem: true }),
      fc.constant({ runAsUser: 2000 }),
      // Nulls as users copy them from the official chart's values, and null removing a default.
      fc.constant({ readOnlyRootFilesystem: null, runAsUser: null }),
    ),
    podSecurityContext: fc.constantFrom({}, { fsGroup: 1000 }, { fsGroup: null }),
    tls: fc.record({ secretNames: fc.uniqueArray(dnsLabel, { maxLength: 3 }) }),
    certs: fc.record({
      secrets: fc
        .uniqueArray(dnsLabel, { maxLength: 2 })
        .map((names) => names.map((name) => ({ name, key: 'ca.crt' }))),
    }),
    // A volume with its mount (mostly), or a mount of no volume, which the chart must refuse.
    storage: fc.oneof(
      { weight: 2, arbitrary: fc.constant({}) },
      {
        weight: 2,
        arbitrary: fc.constant({
          volumes: [{ name: 'cache', emptyDir: { sizeLimit: '1Gi' } }],
          volumeMounts: [{ name: 'cache', mountPath: '/cache' }],
        }),
      },
      { weight: 1, arbitrary: fc.constant({ volumeMounts: [{ name: 'missing', mountPath: '/missing' }] }) },
    ),
    resources: fc.oneof(
      fc.constant(null),
      fc.constant({ limits: { cpu: 4, memory: '8Gi' } }),
      fc.constant({ limits: null }),
    ),
    readinessProbe: probe(true),
    livenessProbe: probe(false),
    affinity: fc.constantFrom(
      {},
      {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 1, preference: { matchExpressions: [{ key: 'a', operator: 'Exists' }] } },
          ],
        },
      },
    ),
    topologySpreadConstraints: fc.constantFrom(
      [],
      [{ maxSkew: 2, topologyKey: 'rack', whenUnsatisfiable: 'DoNotSchedule' }],
    ),
    strategy: fc.constantFrom({}, { type: 'Recreate' }),
    tolerations: fc.constantFrom([], [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }]),
    nodeSelector: labelMap,
    hostAliases: fc.constantFrom([], [{ ip: '10.0.0.5', hostnames: ['db.internal'] }]),
    lifecycle: fc.constantFrom({}, { preStop: { exec: { command: ['sleep', '5'] } } }),
    workspaceProxy: fc.boolean(),
    command: fc.constantFrom(['/opt/coder'], ['/bin/wrapper', '/opt/coder']),
    commandArgs: fc.constantFrom([], ['server', '--verbose']),
    podIPFamily: fc.constantFrom('IPv4', 'IPv6'),
    singleStackIPv6: fc.boolean(),
    highAvailability: fc.record(
      {
        podDisruptionBudget: fc.record(
          {
            enable: fc.boolean(),
            maxUnavailable: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constantFrom('25%', '50%')),
          },
          { requiredKeys: [] },
        ),
        antiAffinity: fc.boolean(),
        topologySpread: fc.boolean(),
        rollingUpdate: fc.boolean(),
        versionUpgrade: fc.constantFrom('minimalDowntime', 'cutover', 'rolling'),
      },
      { requiredKeys: [] },
    ),
    helmTest: fc.record({ enable: fc.boolean() }, { requiredKeys: [] }),
    service: fc.record(
      {
        enable: fc.boolean(),
        type: fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer'),
        sessionAffinity: fc.constantFrom('None', 'ClientIP'),
        externalTrafficPolicy: fc.constantFrom('Cluster', 'Local'),
        loadBalancerIP: fc.constantFrom('', '203.0.113.7'),
        loadBalancerClass: fc.constantFrom('', 'example.com/lb'),
        annotations: annotationMap,
        httpNodePort: nodePort,
        httpsNodePort: nodePort,
        additionalPorts: fc.constantFrom(
          [],
          [{ name: 'extra', port: 8081, nodePort: 30081 }],
          [{ name: 'alt-http', port: 8080, targetPort: 'http' }],
          [
            { name: 'grpc', port: 9090, targetPort: 9090, protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' },
            { name: 'syslog', port: 514, protocol: 'UDP' },
          ],
        ),
      },
      { requiredKeys: [] },
    ),
    ingress: fc.oneof(
      fc.constant({ enable: false }),
      fc.record({
        enable: fc.constant(true),
        className: fc.constantFrom('', 'nginx'),
        host: hostName,
        wildcardHost: fc.constantFrom('', '*.apps.example.com', '*-apps.example.com'),
        annotations: annotationMap,
        tls: fc.record({
          enable: fc.boolean(),
          secretName: fc.constant('coder-tls'),
          wildcardSecretName: fc.constant(''),
        }),
      }),
    ),
    httproute: fc.oneof(
      fc.constant({ enable: false }),
      fc.record({
        enable: fc.constant(true),
        host: hostName,
        wildcardHost: fc.constantFrom('', '*.apps.example.com'),
        parentRefs: fc.constant([{ name: 'gateway', sectionName: 'https' }]),
        httpsRedirect: fc.record({
          enable: fc.boolean(),
          statusCode: fc.constantFrom(301, 302),
          parentRefs: fc.constant([{ name: 'gateway', sectionName: 'http' }]),
        }),
      }),
    ),
  },
  { requiredKeys: ['withPostgres'] },
);

/** Values as a user would write them (partial, over the chart's defaults). */
export const valuesArbitrary: fc.Arbitrary<ValueMap> = fc
  .record(
    {
      coder: coderValues,
      nameOverride: fc.constantFrom('', 'coder-platform'),
      provisionerDaemon: fc.record({ pskSecretName: fc.constantFrom('', 'coder-psk') }),
      extraTemplates: fc.array(
        fc.record({ data: fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), trickyWithoutActions, { maxKeys: 3 }) }),
        { maxLength: 2 },
      ),
      global: fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), tricky, { maxKeys: 2 }),
    },
    { requiredKeys: ['coder'] },
  )
  .map((values) => {
    const coder = { ...(values.coder as unknown as Record<string, Json>) };
    const withPostgres = coder.withPostgres;
    delete coder.withPostgres;
    Object.assign(coder, coder.storage as object);
    delete coder.storage;
    // Most HA cases get a Postgres, so that they render; the rest exercise the guard.
    if (withPostgres)
      coder.env = [
        POSTGRES,
        ...((coder.env as Json[]) ?? []).filter((e) => (e as ValueMap).name !== 'CODER_PG_CONNECTION_URL'),
      ];
    const extraTemplates = ((values.extraTemplates as ValueMap[] | undefined) ?? []).map((t, i) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `extra-${i}` },
      ...t,
    }));
    return { ...values, coder, ...(values.extraTemplates ? { extraTemplates } : {}) } as ValueMap;
  });
