/**
 * Prometheus metrics without exposing them. The official chart once had coderd's metrics port on
 * its Service, which made it public behind a LoadBalancer, and removed it (coder/coder #12214);
 * its users scrape with hand-written objects (#5483). Here `coder.metrics.enable` turns on
 * coderd's metrics and puts port 2112 on a Service of its own that is always ClusterIP, and a
 * ServiceMonitor has the Prometheus Operator scrape every replica through it.
 */
import { sourceFileOf } from '../paths';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { and, empty, get, lit, ne, not } from '../expr/expr';
import { hasItemNamed } from './helpers';
import { Document, Guard, OptionalNode, ScalarNode } from '../tree/nodes';
import { customObject, kubeObject } from '../tree/kube-object';
import { userEnvValues } from './conditions';
import { itemNamed, noItem, ruleGuard, TURNED_ON, valueAt, valueIs, whenThen } from './schema-rules';
import { release, under, valueRef } from '../values/refs';
import { labelsWithUserLabels, selectorLabels, standardLabels } from './labels';
import { CODER_NAME, PROMETHEUS_PORT, PROMETHEUS_PORT_NAME } from './names';

/** This file, named in the banner of the templates it writes. */
const SOURCE = sourceFileOf(__filename);

export const METRICS_SERVICE_NAME = `${CODER_NAME}-metrics`;
/** Tells the metrics Service apart from the others, which carry the same standard labels. */
const METRICS_COMPONENT = { 'app.kubernetes.io/component': 'metrics' };

const metrics = under('coder.metrics');

/** The parts of the Prometheus Operator's ServiceMonitor (monitoring.coreos.com/v1) that the chart writes. */
interface ServiceMonitorProps {
  readonly metadata: k8s.ObjectMeta;
  readonly spec: {
    readonly selector: k8s.LabelSelector;
    readonly endpoints: {
      readonly port: string;
      readonly path: string;
      readonly scheme: string;
      readonly interval?: string;
      readonly scrapeTimeout?: string;
    }[];
  };
}
export const metricsWanted = () => metrics('enable');
export const serviceMonitorWanted = () => and(metrics('enable'), metrics('serviceMonitor.enable'));

/** A ServiceMonitor endpoint field, set only when its value is not empty (else Prometheus' default). */
const durationField = (key: 'interval' | 'scrapeTimeout'): OptionalNode => {
  const value = metrics(`serviceMonitor.${key}`);
  return new OptionalNode(not(empty(value)), new ScalarNode(value));
};

export class CoderMetrics extends Construct {
  private readonly service = kubeObject(this, 'Service', k8s.KubeService, {
    metadata: {
      name: METRICS_SERVICE_NAME,
      namespace: new ScalarNode(release.namespace),
      labels: { ...standardLabels(), ...METRICS_COMPONENT },
    },
    spec: {
      // Inside the cluster only, whatever coder.service.type is.
      type: 'ClusterIP',
      ports: [{ name: PROMETHEUS_PORT_NAME, port: PROMETHEUS_PORT, targetPort: PROMETHEUS_PORT_NAME, protocol: 'TCP' }],
      selector: selectorLabels(),
    },
  });

  private readonly serviceMonitor = customObject<ServiceMonitorProps>(
    this,
    'ServiceMonitor',
    { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' },
    {
      metadata: {
        name: CODER_NAME,
        namespace: new ScalarNode(release.namespace),
        labels: labelsWithUserLabels('coder.metrics.serviceMonitor.labels'),
      },
      spec: {
        endpoints: [
          {
            // coderd serves its metrics at / (the Operator's default path is /metrics).
            path: '/',
            port: PROMETHEUS_PORT_NAME,
            scheme: 'http',
            interval: durationField('interval'),
            scrapeTimeout: durationField('scrapeTimeout'),
          },
        ],
        selector: { matchLabels: { ...selectorLabels(), ...METRICS_COMPONENT } },
      },
    },
  );

  public documents(): Document[] {
    return [
      { file: 'service-metrics.yaml', source: SOURCE, cond: metricsWanted(), tree: this.service.tree() },
      { file: 'servicemonitor.yaml', source: SOURCE, cond: serviceMonitorWanted(), tree: this.serviceMonitor.tree() },
    ];
  }
}

const PROMETHEUS_ENABLE = 'CODER_PROMETHEUS_ENABLE';

export function metricsGuards(): Guard[] {
  const userValue = get(userEnvValues(), PROMETHEUS_ENABLE);
  return [
    ruleGuard(
      'coder.env',
      `coder.env sets ${PROMETHEUS_ENABLE} to something other than "true" while coder.metrics.enable is true, which sets it to "true". Remove it from coder.env, or turn coder.metrics.enable off.`,
      and(metrics('enable'), hasItemNamed(valueRef('coder.env'), PROMETHEUS_ENABLE), ne(userValue, lit('true'))),
      whenThen(
        valueIs('coder.metrics.enable', TURNED_ON),
        valueAt(
          'coder.env',
          noItem(
            itemNamed(PROMETHEUS_ENABLE, {
              not: { type: 'object', required: ['value'], properties: { value: { const: 'true' } } },
            }),
          ),
        ),
      ),
    ),
    ruleGuard(
      'coder.metrics.enable',
      'coder.metrics.enable must be true for coder.metrics.serviceMonitor.enable: the ServiceMonitor scrapes the metrics Service it creates. Turn both on.',
      and(metrics('serviceMonitor.enable'), not(metrics('enable'))),
      whenThen(valueIs('coder.metrics.serviceMonitor.enable', TURNED_ON), valueIs('coder.metrics.enable', TURNED_ON)),
    ),
  ];
}
