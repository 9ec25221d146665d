/**
 * A headless Service over the ready coderd pods: its DNS name resolves to each ready replica's
 * IP, which is how `helm test` finds every relay address.
 */
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Document, TreeMap } from '../tree/nodes';
import { removeAt, setAt } from '../tree/patch';
import { TokenRegistry } from '../tree/tokens';
import { release, valueRef } from '../values/refs';
import { selectorLabels, standardLabels } from './labels';
import { CODER_NAME, HTTP_PORT, HTTP_PORT_NAME } from './names';

export const HEADLESS_SERVICE_NAME = `${CODER_NAME}-headless`;

export class CoderHeadlessService extends Construct {
  private readonly service: kplus.Service;

  public constructor(
    scope: Construct,
    id: string,
    private readonly tokens: TokenRegistry,
  ) {
    super(scope, id);
    this.service = new kplus.Service(this, 'Resource', {
      metadata: {
        name: HEADLESS_SERVICE_NAME,
        namespace: tokens.scalar(release.namespace),
        labels: standardLabels(tokens),
      },
      type: kplus.ServiceType.CLUSTER_IP,
      clusterIP: 'None',
      ports: [{ name: HTTP_PORT_NAME, port: HTTP_PORT, targetPort: HTTP_PORT }],
    });
  }

  public document(): Document {
    const json = ApiObject.of(this.service).toJson() as object;
    removeAt(json, ['spec', 'externalIPs']);
    setAt(json, ['spec', 'ports', 0, 'targetPort'], HTTP_PORT_NAME);
    setAt(json, ['spec', 'ports', 0, 'protocol'], 'TCP');
    // Only ready pods: a hung replica drops out of DNS, and the test reports it missing.
    setAt(json, ['spec', 'publishNotReadyAddresses'], false);
    setAt(json, ['spec', 'selector'], selectorLabels(this.tokens));
    return {
      file: 'service-headless.yaml',
      cond: valueRef('coder.headlessService.enable'),
      tree: this.tokens.resolve(json) as TreeMap,
    };
  }
}
