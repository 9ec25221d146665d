/** The coderd Deployment: the HA spine (replicas, the relay env, the pod-IP wiring) and the pod. */
import { sourceFileOf } from '../paths';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { add, defaultTo, Expr, lit, max, mul, not, omit, ternary } from '../expr/expr';
import {
  BlockNode,
  Document,
  OptionalItemNode,
  OptionalNode,
  ScalarNode,
  SpreadNode,
  spreadKey,
  WithNode,
} from '../tree/nodes';
import { kubeObject } from '../tree/kube-object';
import { release, SubPath, under, valueRef } from '../values/refs';
import { prometheusEnabled, tlsEnabled } from './conditions';
import { coderEnv } from './env';
import {
  affinityField,
  autoscalingOn,
  lifecycleField,
  strategyField,
  tolerationsField,
  topologySpreadField,
} from './high-availability';
import { coderImage } from './image';
import { labelsWithUserLabels, selectorLabels, userAnnotations, userMap } from './labels';
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

/** This file, named in the banner of the templates it writes. */
const SOURCE = sourceFileOf(__filename);

/** `server`, or `wsproxy server` for a workspace proxy, unless `coder.commandArgs` is given. */
const coderArgs = () =>
  defaultTo(
    ternary(lit(['wsproxy', 'server']), lit(['server']), valueRef('coder.workspaceProxy')),
    valueRef('coder.commandArgs'),
  );

const COMPONENT_ANNOTATION = 'app.kubernetes.io/component';

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
    // A hung coderd keeps SIGTERM pending: the pod's 60 s grace would only delay its restart.
    ...(key === 'livenessProbe'
      ? { terminationGracePeriodSeconds: new ScalarNode(valueRef('coder.livenessProbe.terminationGracePeriodSeconds')) }
      : {}),
  });
}

/**
 * The startup probe: how long a start (a database migration: Coder says 4-7 minutes, up to 15) may
 * take, periodSeconds x failureThreshold, 15 minutes by default. Kubernetes runs neither the
 * liveness nor the readiness probe until it succeeds, so a liveness probe cannot kill a migration;
 * without one, a start that hangs past the window is restarted instead of waiting for ever.
 */
function startupProbe(): OptionalNode {
  const setting = under('coder.startupProbe');
  const field = (name: SubPath<'coder.startupProbe'>) => new ScalarNode(setting(name));
  return new OptionalNode(setting('enabled'), {
    httpGet: { path: '/healthz', port: HTTP_PORT_NAME, scheme: 'HTTP' },
    initialDelaySeconds: field('initialDelaySeconds'),
    periodSeconds: field('periodSeconds'),
    timeoutSeconds: field('timeoutSeconds'),
    successThreshold: 1,
    failureThreshold: field('failureThreshold'),
  });
}

/** Seconds a pod may take to schedule, pull its image and pass its readiness probe once started. */
const PROGRESS_MARGIN_SECONDS = 60;

/**
 * The Deployment's progress deadline: the startup window plus a margin, and never below
 * Kubernetes' 600 s. Kubernetes' default is shorter than the 15-minute window, and a Deployment
 * past its deadline reports ProgressDeadlineExceeded: Helm 4's --wait and --atomic then call a
 * migration still inside its window a failure, and roll it back in the middle.
 */
const progressDeadlineSeconds = (): Expr<number> => {
  const setting = under('coder.startupProbe');
  return max(
    lit(600),
    add(
      setting('initialDelaySeconds'),
      mul(setting('periodSeconds'), setting('failureThreshold')),
      lit(PROGRESS_MARGIN_SECONDS),
    ),
  );
};

export class CoderDeployment extends Construct {
  private readonly deployment = kubeObject(this, 'Resource', k8s.KubeDeployment, {
    metadata: {
      name: CODER_NAME,
      namespace: new ScalarNode(release.namespace),
      labels: labelsWithUserLabels('coder.labels'),
      annotations: userAnnotations('coder.annotations'),
    },
    spec: {
      // With the autoscaler on, it owns the count: a replicas field would reset it on every upgrade.
      replicas: new OptionalNode(not(autoscalingOn()), new ScalarNode(valueRef('coder.replicaCount'))),
      selector: { matchLabels: selectorLabels() },
      strategy: strategyField(),
      progressDeadlineSeconds: new ScalarNode(progressDeadlineSeconds()),
      template: {
        metadata: {
          labels: labelsWithUserLabels('coder.podLabels'),
          annotations: {
            [COMPONENT_ANNOTATION]: new ScalarNode(
              ternary(lit('wsproxy'), lit('coderd'), valueRef('coder.workspaceProxy')),
            ),
            [spreadKey()]: new SpreadNode(omit(userMap('coder.podAnnotations'), COMPONENT_ANNOTATION)),
          },
        },
        spec: {
          containers: [
            {
              name: CONTAINER_NAME,
              image: new ScalarNode(coderImage()),
              imagePullPolicy: new ScalarNode(valueRef('coder.image.pullPolicy')),
              ports: [
                { name: HTTP_PORT_NAME, containerPort: HTTP_PORT, protocol: 'TCP' },
                new OptionalItemNode(tlsEnabled(), {
                  name: HTTPS_PORT_NAME,
                  containerPort: HTTPS_PORT,
                  protocol: 'TCP',
                }),
                new OptionalItemNode(prometheusEnabled(), {
                  name: PROMETHEUS_PORT_NAME,
                  containerPort: PROMETHEUS_PORT,
                  protocol: 'TCP',
                }),
              ],
              command: new BlockNode(valueRef('coder.command')),
              args: new BlockNode(coderArgs()),
              env: coderEnv(),
              envFrom: new WithNode(valueRef('coder.envFrom')),
              readinessProbe: probe('readinessProbe'),
              livenessProbe: probe('livenessProbe'),
              startupProbe: startupProbe(),
              resources: new WithNode(valueRef('coder.resources')),
              securityContext: new WithNode(valueRef('coder.securityContext')),
              lifecycle: lifecycleField(),
              volumeMounts: containerVolumeMounts(),
            },
          ],
          restartPolicy: 'Always',
          serviceAccountName: new ScalarNode(valueRef('coder.serviceAccount.name')),
          terminationGracePeriodSeconds: new ScalarNode(valueRef('coder.terminationGracePeriodSeconds')),
          priorityClassName: new WithNode(valueRef('coder.priorityClassName')),
          securityContext: new WithNode(valueRef('coder.podSecurityContext')),
          imagePullSecrets: new WithNode(valueRef('coder.image.pullSecrets')),
          initContainers: new WithNode(valueRef('coder.initContainers')),
          affinity: affinityField(),
          topologySpreadConstraints: topologySpreadField(),
          tolerations: tolerationsField(),
          nodeSelector: new WithNode(valueRef('coder.nodeSelector')),
          hostAliases: new WithNode(valueRef('coder.hostAliases')),
          volumes: podVolumes(),
        },
      },
    },
  });

  public documents(): Document[] {
    return [{ file: 'deployment.yaml', source: SOURCE, tree: this.deployment.tree() }];
  }
}
