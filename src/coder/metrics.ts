/**
 * Prometheus metrics without exposing them. The official chart once had coderd's metrics port on
 * its Service, which made it public behind a LoadBalancer, and removed it (coder/coder #12214);
 * its users scrape with hand-written objects (#5483). Here `coder.metrics.enable` turns on
 * coderd's metrics and puts port 2112 on a Service of its own that is always ClusterIP, and a
 * ServiceMonitor has the Prometheus Operator scrape every replica through it.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { and, empty, get, hasItemNamed, lit, ne, not } from '../expr/expr';
import { Document, Guard, OptionalNode, ScalarNode, TreeMap } from '../tree/nodes';
import { userEnvValues } from './conditions';
import { itemNamed, noItem, ruleGuard, TURNED_ON, valueAt, valueIs, whenThen } from './schema-rules';
import { TokenRegistry } from '../tree/tokens';
import { release, under, valueRef } from '../values/refs';
import { labelsWithUserLabels, selectorLabels, standardLabels } from './labels';
import { CODER_NAME, PROMETHEUS_PORT, PROMETHEUS_PORT_NAME } from './names';

export const METRICS_SERVICE_NAME = `${CODER_NAME}-metrics`;
/** Tells the metrics Service apart from the others, which carry the same standard labels. */
const METRICS_COMPONENT = { 'app.kubernetes.io/component': 'metrics' };

const metrics = under('coder.metrics');
export const metricsWanted = () => metrics('enable');
export const serviceMonitorWanted = () => and(metrics('enable'), metrics('serviceMonitor.enable'));

/** A ServiceMonitor endpoint field, set only when its value is not empty (else Prometheus' default). */
const durationField = (key: 'interval' | 'scrapeTimeout'): OptionalNode => {
  const value = metrics(`serviceMonitor.${key}`);
  return new OptionalNode(not(empty(value)), new ScalarNode(value));
};

export class CoderMetrics extends Construct {
  private readonly service: ApiObject;
  private readonly serviceMonitor: ApiObject;

  public constructor(
    scope: Construct,
    id: string,
    private readonly tokens: TokenRegistry,
  ) {
    super(scope, id);
    const namespace = tokens.scalar(release.namespace);
    this.service = new ApiObject(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: METRICS_SERVICE_NAME,
        namespace,
        labels: { ...standardLabels(tokens), ...METRICS_COMPONENT },
      },
      spec: {
        // Inside the cluster only, whatever coder.service.type is.
        type: 'ClusterIP',
        ports: [
          { name: PROMETHEUS_PORT_NAME, port: PROMETHEUS_PORT, targetPort: PROMETHEUS_PORT_NAME, protocol: 'TCP' },
        ],
        selector: selectorLabels(tokens),
      },
    });
    this.serviceMonitor = new ApiObject(this, 'ServiceMonitor', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: {
        name: CODER_NAME,
        namespace,
        labels: labelsWithUserLabels(tokens, 'coder.metrics.serviceMonitor.labels'),
      },
      spec: {
        selector: { matchLabels: { ...selectorLabels(tokens), ...METRICS_COMPONENT } },
        endpoints: [{ port: PROMETHEUS_PORT_NAME, path: '/', scheme: 'http' }],
      },
    });
  }

  public documents(): Document[] {
    const monitor = this.tokens.resolve(this.serviceMonitor.toJson()) as TreeMap;
    const spec = monitor.spec as TreeMap;
    const [endpoint] = spec.endpoints as TreeMap[];
    return [
      {
        file: 'service-metrics.yaml',
        cond: metricsWanted(),
        tree: this.tokens.resolve(this.service.toJson()) as TreeMap,
      },
      {
        file: 'servicemonitor.yaml',
        cond: serviceMonitorWanted(),
        tree: {
          ...monitor,
          spec: {
            ...spec,
            // coderd serves its metrics at / (the Operator's default path is /metrics).
            endpoints: [
              { ...endpoint, interval: durationField('interval'), scrapeTimeout: durationField('scrapeTimeout') },
            ],
          },
        },
      },
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
