/**
 * The HorizontalPodAutoscaler (coder.autoscaling). coderd replicas hold long-lived connections
 * (workspace agents, terminals, port forwards, DERP relays) that a removed replica cuts, so
 * scale-down waits for load to stay low (scaleDownStabilizationSeconds) and then removes one
 * replica per five minutes; scale-up keeps Kubernetes' defaults.
 */
import { sourceFileOf } from '../paths';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { and, concat, empty, gt, intString, lit, not, toInt } from '../expr/expr';
import { Document, Guard, OptionalItemNode, ScalarNode } from '../tree/nodes';
import { kubeObject } from '../tree/kube-object';
import { release, under } from '../values/refs';
import { SchemaNode } from '../values/schema';
import { containerResource } from './conditions';
import { standardLabels } from './labels';
import { CODER_NAME } from './names';
import { allOf, ruleGuard, TURNED_ON, valueIs, whenThen } from './schema-rules';

/** This file, named in the banner of the templates it writes. */
const SOURCE = sourceFileOf(__filename);

const autoscaling = under('coder.autoscaling');

/** How many replicas at most leave per period once scale-down starts, and the period. */
export const SCALE_DOWN_PODS = 1;
export const SCALE_DOWN_PERIOD_SECONDS = 300;

type Resource = 'cpu' | 'memory';
const TARGET_KEY: Record<Resource, 'targetCPUUtilizationPercentage' | 'targetMemoryUtilizationPercentage'> = {
  cpu: 'targetCPUUtilizationPercentage',
  memory: 'targetMemoryUtilizationPercentage',
};

/** A utilization target of the HPA, present when its percentage is set. */
function resourceMetric(resource: Resource): OptionalItemNode {
  const target = autoscaling(TARGET_KEY[resource]);
  return new OptionalItemNode(not(empty(target)), {
    type: 'Resource',
    resource: { name: resource, target: { type: 'Utilization', averageUtilization: new ScalarNode(target) } },
  });
}

/** The container's request for a resource, or empty. */
const requestOf = (resource: Resource) => containerResource('requests', resource);

/** Go's `empty` for a request: absent, null, "", 0. */
const SET_REQUEST: SchemaNode = { not: { enum: [null, '', 0] } };

export class CoderAutoscaler extends Construct {
  private readonly autoscaler = kubeObject(this, 'Resource', k8s.KubeHorizontalPodAutoscalerV2, {
    metadata: { name: CODER_NAME, namespace: new ScalarNode(release.namespace), labels: standardLabels() },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: CODER_NAME },
      minReplicas: new ScalarNode(autoscaling('minReplicas')),
      maxReplicas: new ScalarNode(autoscaling('maxReplicas')),
      metrics: [resourceMetric('cpu'), resourceMetric('memory')],
      behavior: {
        scaleDown: {
          stabilizationWindowSeconds: new ScalarNode(autoscaling('scaleDownStabilizationSeconds')),
          policies: [{ type: 'Pods', value: SCALE_DOWN_PODS, periodSeconds: SCALE_DOWN_PERIOD_SECONDS }],
        },
      },
    },
  });

  public documents(): Document[] {
    return [
      {
        file: 'horizontalpodautoscaler.yaml',
        source: SOURCE,
        cond: autoscaling('enable'),
        tree: this.autoscaler.tree(),
      },
    ];
  }
}

export function autoscalingGuards(): Guard[] {
  const on = valueIs('coder.autoscaling.enable', TURNED_ON);
  const minReplicas = toInt(autoscaling('minReplicas'));
  const maxReplicas = toInt(autoscaling('maxReplicas'));
  const requestRule = (resource: Resource): Guard =>
    ruleGuard(
      `coder.resources.requests.${resource}`,
      `coder.resources.requests.${resource} is required when coder.autoscaling.${TARGET_KEY[resource]} is set: the autoscaler measures use as a percentage of the request. Set the request, or set the target to null.`,
      and(autoscaling('enable'), not(empty(autoscaling(TARGET_KEY[resource]))), empty(requestOf(resource))),
      whenThen(
        allOf(on, valueIs(`coder.autoscaling.${TARGET_KEY[resource]}`, { type: 'integer' })),
        valueIs(`coder.resources.requests.${resource}`, SET_REQUEST),
      ),
    );
  return [
    {
      renderOnly: '`coder.autoscaling.minReplicas` above `coder.autoscaling.maxReplicas` (it compares two values)',
      when: and(autoscaling('enable'), gt(minReplicas, maxReplicas)),
      message: concat(
        lit('coder.autoscaling.minReplicas ('),
        intString(autoscaling('minReplicas')),
        lit(') is above coder.autoscaling.maxReplicas ('),
        intString(autoscaling('maxReplicas')),
        lit('): raise maxReplicas or lower minReplicas.'),
      ),
    },
    ruleGuard(
      'coder.autoscaling',
      'coder.autoscaling needs a target when it is on: set targetCPUUtilizationPercentage or targetMemoryUtilizationPercentage (both are null).',
      and(
        autoscaling('enable'),
        empty(autoscaling('targetCPUUtilizationPercentage')),
        empty(autoscaling('targetMemoryUtilizationPercentage')),
      ),
      whenThen(on, {
        anyOf: [
          valueIs('coder.autoscaling.targetCPUUtilizationPercentage', { type: 'integer' }),
          valueIs('coder.autoscaling.targetMemoryUtilizationPercentage', { type: 'integer' }),
        ],
      }),
    ),
    requestRule('cpu'),
    requestRule('memory'),
  ];
}
