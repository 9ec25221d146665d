/** The Service in front of coderd (name, ports and selector as the official chart's). */
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { eq, lit, or } from '../expr/expr';
import { Document, OptionalNode, ScalarNode, TreeMap, WithNode } from '../tree/nodes';
import { removeAt, setAt } from '../tree/patch';
import { TokenRegistry } from '../tree/tokens';
import { release, valueRef } from '../values/refs';
import { selectorLabels, standardLabels } from './labels';
import { CODER_NAME, HTTP_PORT, HTTP_PORT_NAME, SERVICE_HTTP_PORT } from './names';

export class CoderService extends Construct {
  private readonly service: kplus.Service;

  public constructor(
    scope: Construct,
    id: string,
    private readonly tokens: TokenRegistry,
  ) {
    super(scope, id);
    this.service = new kplus.Service(this, 'Resource', {
      metadata: { name: CODER_NAME, namespace: tokens.scalar(release.namespace), labels: standardLabels(tokens) },
      type: tokens.scalar(valueRef('coder.service.type')) as kplus.ServiceType,
      ports: [{ name: HTTP_PORT_NAME, port: SERVICE_HTTP_PORT, targetPort: HTTP_PORT, protocol: kplus.Protocol.TCP }],
    });
  }

  public document(): Document {
    const json = ApiObject.of(this.service).toJson() as object;
    removeAt(json, ['spec', 'externalIPs']);
    // The container port by name, as the official chart: it follows the pod if the number changes.
    setAt(json, ['spec', 'ports', 0, 'targetPort'], HTTP_PORT_NAME);
    setAt(json, ['spec', 'selector'], selectorLabels(this.tokens));
    setAt(json, ['spec', 'sessionAffinity'], this.tokens.scalar(valueRef('coder.service.sessionAffinity')));
    const tree = this.tokens.resolve(json) as TreeMap;
    const type = valueRef('coder.service.type');
    // Kubernetes rejects externalTrafficPolicy on a ClusterIP Service.
    setAt(
      tree,
      ['spec', 'externalTrafficPolicy'],
      new OptionalNode(
        or(eq(type, lit('LoadBalancer')), eq(type, lit('NodePort'))),
        new ScalarNode(valueRef('coder.service.externalTrafficPolicy')),
      ),
    );
    setAt(tree, ['metadata', 'annotations'], new WithNode(valueRef('coder.service.annotations')));
    return { file: 'service.yaml', cond: valueRef('coder.service.enable'), tree };
  }
}
