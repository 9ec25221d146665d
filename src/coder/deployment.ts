/** The coderd Deployment: the HA spine (replicas, the relay env, the pod-IP wiring). */
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { concat, defaultTo, lit } from '../expr/expr';
import { Document, Guard, TreeMap, WithNode } from '../tree/nodes';
import { removeAt, setAt } from '../tree/patch';
import { TokenRegistry } from '../tree/tokens';
import { chart, release, valueRef } from '../values/refs';
import { coderEnv, envGuards } from './env';
import { selectorLabels, standardLabels } from './labels';
import { CODER_NAME, CONTAINER_NAME, HTTP_PORT, HTTP_PORT_NAME } from './names';

/** `repo:tag`, the tag defaulting to `v<appVersion>` so that an install from git works as is. */
export const coderImage = () =>
  concat(
    valueRef<string>('coder.image.repo'),
    lit(':'),
    defaultTo(concat(lit('v'), chart.appVersion), valueRef<string>('coder.image.tag')),
  );

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
  [...CONTAINER, 'readinessProbe', 'failureThreshold'],
];

export class CoderDeployment extends Construct {
  private readonly deployment: kplus.Deployment;

  public constructor(
    scope: Construct,
    id: string,
    private readonly tokens: TokenRegistry,
  ) {
    super(scope, id);
    const selector = selectorLabels(tokens);
    this.deployment = new kplus.Deployment(this, 'Resource', {
      metadata: { name: CODER_NAME, namespace: tokens.scalar(release.namespace), labels: standardLabels(tokens) },
      // Our own selector, not cdk8s-plus's per-construct address label (it is the same for every release).
      select: false,
      podMetadata: {
        labels: standardLabels(tokens),
        annotations: { 'app.kubernetes.io/component': 'coderd' },
      },
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
          command: ['/opt/coder'],
          args: ['server'],
          ports: [{ number: HTTP_PORT, name: HTTP_PORT_NAME, protocol: kplus.Protocol.TCP }],
          readiness: kplus.Probe.fromHttpGet('/healthz', { port: HTTP_PORT, scheme: kplus.ConnectionScheme.HTTP }),
        },
      ],
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: selector }));
  }

  public guards(): Guard[] {
    return envGuards();
  }

  public document(): Document {
    const json = ApiObject.of(this.deployment).toJson() as object;
    for (const path of LIBRARY_DEFAULTS) removeAt(json, path);
    setAt(json, ['spec', 'replicas'], this.tokens.scalar(valueRef('coder.replicaCount')));
    setAt(json, [...POD_SPEC, 'terminationGracePeriodSeconds'], 60);
    setAt(json, [...CONTAINER, 'imagePullPolicy'], this.tokens.scalar(valueRef('coder.image.pullPolicy')));
    setAt(json, [...CONTAINER, 'readinessProbe', 'httpGet', 'port'], HTTP_PORT_NAME);
    setAt(json, [...CONTAINER, 'readinessProbe', 'initialDelaySeconds'], 0);
    const tree = this.tokens.resolve(json) as TreeMap;
    setAt(tree, [...CONTAINER, 'env'], coderEnv());
    setAt(tree, [...POD_SPEC, 'imagePullSecrets'], new WithNode(valueRef('coder.image.pullSecrets')));
    return { file: 'deployment.yaml', tree };
  }
}
