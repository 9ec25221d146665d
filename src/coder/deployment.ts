/** The coderd Deployment: the HA spine (replicas, the relay env, the pod-IP wiring) and the pod. */
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { and, defaultTo, lit, not, omit, ternary } from '../expr/expr';
import {
  BlockNode,
  Document,
  OptionalItemNode,
  OptionalNode,
  ScalarNode,
  SpreadNode,
  spreadKey,
  TreeMap,
  WithNode,
} from '../tree/nodes';
import { removeAt, setAt } from '../tree/patch';
import { TokenRegistry } from '../tree/tokens';
import { release, SubPath, under, valueRef } from '../values/refs';
import { prometheusEnabled, tlsEnabled } from './conditions';
import { coderEnv } from './env';
import { affinityField, autoscalingOn, strategyField, topologySpreadField } from './high-availability';
import { coderImage } from './image';
import { labelsWithUserLabels, selectorLabels, userMap } from './labels';
import {
  CODER_NAME,
  CONTAINER_NAME,
  HTTP_PORT,
  HTTP_PORT_NAME,
  HTTPS_PORT,
  HTTPS_PORT_NAME,
  PROMETHEUS_PORT,
  PROMETHEUS_PORT_NAME,
} from './names';
import { containerVolumeMounts, podVolumes } from './pod-storage';

/** `server`, or `wsproxy server` for a workspace proxy, unless `coder.commandArgs` is given. */
const coderArgs = () =>
  defaultTo(
    ternary(lit(['wsproxy', 'server']), lit(['server']), valueRef('coder.workspaceProxy')),
    valueRef('coder.commandArgs'),
  );

const COMPONENT_ANNOTATION = 'app.kubernetes.io/component';

const POD_SPEC = ['spec', 'template', 'spec'];
const CONTAINER = [...POD_SPEC, 'containers', 0];

/**
 * Defaults that cdk8s-plus writes and the values contract does not ask for. Each is removed
 * explicitly (a removal that finds nothing fails the build, so a library change is noticed).
 */
const LIBRARY_DEFAULTS: readonly (readonly (string | number)[])[] = [
  ['spec', 'minReadySeconds'],
  ['spec', 'progressDeadlineSeconds'],
  ['spec', 'strategy'],
  ['spec', 'template', 'metadata', 'labels', 'cdk8s.io/metadata.addr'],
  [...POD_SPEC, 'automountServiceAccountToken'],
  [...POD_SPEC, 'dnsPolicy'],
  [...POD_SPEC, 'hostNetwork'],
  [...POD_SPEC, 'setHostnameAsFQDN'],
  [...POD_SPEC, 'securityContext'],
  [...CONTAINER, 'resources'],
  [...CONTAINER, 'securityContext'],
  [...CONTAINER, 'readinessProbe'],
];

/** A probe on /healthz from `coder.<key>` (the official chart's shape: `enabled` plus timings). */
function probe(key: 'readinessProbe' | 'livenessProbe'): OptionalNode {
  const setting = under(`coder.${key}`);
  const field = (name: SubPath<`coder.${typeof key}`>) => new ScalarNode(setting(name));
  return new OptionalNode(setting('enabled'), {
    httpGet: { path: '/healthz', port: HTTP_PORT_NAME, scheme: 'HTTP' },
    initialDelaySeconds: field('initialDelaySeconds'),
    periodSeconds: field('periodSeconds'),
    timeoutSeconds: field('timeoutSeconds'),
    successThreshold: field('successThreshold'),
    failureThreshold: field('failureThreshold'),
  });
}

/**
 * The startup probe, only beside a liveness probe: Kubernetes runs no liveness probe until it
 * succeeds, so a database migration may take periodSeconds x failureThreshold (15 minutes by
 * default) without a restart. Without a liveness probe nothing restarts a slow start.
 */
function startupProbe(): OptionalNode {
  const setting = under('coder.startupProbe');
  const field = (name: SubPath<'coder.startupProbe'>) => new ScalarNode(setting(name));
  return new OptionalNode(and(valueRef('coder.livenessProbe.enabled'), setting('enabled')), {
    httpGet: { path: '/healthz', port: HTTP_PORT_NAME, scheme: 'HTTP' },
    initialDelaySeconds: field('initialDelaySeconds'),
    periodSeconds: field('periodSeconds'),
    timeoutSeconds: field('timeoutSeconds'),
    successThreshold: 1,
    failureThreshold: field('failureThreshold'),
  });
}

export class CoderDeployment extends Construct {
  private readonly deployment: kplus.Deployment;

  public constructor(
    scope: Construct,
    id: string,
    private readonly tokens: TokenRegistry,
  ) {
    super(scope, id);
    this.deployment = new kplus.Deployment(this, 'Resource', {
      metadata: { name: CODER_NAME, namespace: tokens.scalar(release.namespace) },
      // Our own selector, not cdk8s-plus's per-construct address label (it is the same for every release).
      select: false,
      serviceAccount: kplus.ServiceAccount.fromServiceAccountName(
        this,
        'ServiceAccount',
        tokens.scalar(valueRef('coder.serviceAccount.name')),
      ),
      restartPolicy: kplus.RestartPolicy.ALWAYS,
      containers: [
        {
          name: CONTAINER_NAME,
          image: tokens.scalar(coderImage()),
          ports: [{ number: HTTP_PORT, name: HTTP_PORT_NAME, protocol: kplus.Protocol.TCP }],
          readiness: kplus.Probe.fromHttpGet('/healthz', { port: HTTP_PORT }),
        },
      ],
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: selectorLabels(tokens) }));
  }

  public document(): Document {
    const json = ApiObject.of(this.deployment).toJson() as object;
    for (const path of LIBRARY_DEFAULTS) removeAt(json, path);
    const t = this.tokens;
    setAt(json, ['metadata', 'labels'], labelsWithUserLabels(t, 'coder.labels'));
    setAt(json, ['metadata', 'annotations'], t.node(new WithNode(valueRef('coder.annotations'))));
    // With the autoscaler on, it owns the count: a replicas field would reset it on every upgrade.
    setAt(
      json,
      ['spec', 'replicas'],
      t.node(new OptionalNode(not(autoscalingOn()), new ScalarNode(valueRef('coder.replicaCount')))),
    );
    setAt(json, ['spec', 'strategy'], t.node(strategyField()));
    setAt(json, ['spec', 'template', 'metadata'], {
      labels: labelsWithUserLabels(t, 'coder.podLabels'),
      annotations: {
        [COMPONENT_ANNOTATION]: t.scalar(ternary(lit('wsproxy'), lit('coderd'), valueRef('coder.workspaceProxy'))),
        [spreadKey()]: t.node(new SpreadNode(omit(userMap('coder.podAnnotations'), COMPONENT_ANNOTATION))),
      },
    });

    const pod: Record<string, unknown> = {
      terminationGracePeriodSeconds: t.scalar(valueRef('coder.terminationGracePeriodSeconds')),
      priorityClassName: t.node(new WithNode(valueRef('coder.priorityClassName'))),
      securityContext: t.node(new WithNode(valueRef('coder.podSecurityContext'))),
      imagePullSecrets: t.node(new WithNode(valueRef('coder.image.pullSecrets'))),
      initContainers: t.node(new WithNode(valueRef('coder.initContainers'))),
      affinity: t.node(affinityField()),
      topologySpreadConstraints: t.node(topologySpreadField()),
      tolerations: t.node(new WithNode(valueRef('coder.tolerations'))),
      nodeSelector: t.node(new WithNode(valueRef('coder.nodeSelector'))),
      hostAliases: t.node(new WithNode(valueRef('coder.hostAliases'))),
      volumes: podVolumes(),
    };
    for (const [key, value] of Object.entries(pod)) setAt(json, [...POD_SPEC, key], value);

    const container: Record<string, unknown> = {
      imagePullPolicy: t.scalar(valueRef('coder.image.pullPolicy')),
      command: t.node(new BlockNode(valueRef('coder.command'))),
      args: t.node(new BlockNode(coderArgs())),
      env: coderEnv(),
      envFrom: t.node(new WithNode(valueRef('coder.envFrom'))),
      ports: [
        { name: HTTP_PORT_NAME, containerPort: HTTP_PORT, protocol: 'TCP' },
        new OptionalItemNode(tlsEnabled(), { name: HTTPS_PORT_NAME, containerPort: HTTPS_PORT, protocol: 'TCP' }),
        new OptionalItemNode(prometheusEnabled(), {
          name: PROMETHEUS_PORT_NAME,
          containerPort: PROMETHEUS_PORT,
          protocol: 'TCP',
        }),
      ],
      readinessProbe: t.node(probe('readinessProbe')),
      livenessProbe: t.node(probe('livenessProbe')),
      startupProbe: t.node(startupProbe()),
      resources: t.node(new WithNode(valueRef('coder.resources'))),
      securityContext: t.node(new WithNode(valueRef('coder.securityContext'))),
      lifecycle: t.node(new WithNode(valueRef('coder.lifecycle'))),
      volumeMounts: containerVolumeMounts(),
    };
    for (const [key, value] of Object.entries(container)) setAt(json, [...CONTAINER, key], value);
    return { file: 'deployment.yaml', tree: this.tokens.resolve(json) as TreeMap };
  }
}
