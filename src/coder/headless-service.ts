/**
 * A headless Service over the ready coderd pods: its DNS name resolves to each ready replica's
 * IP, which is how `helm test` finds every relay address.
 */
import { sourceFileOf } from '../paths';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Document, ScalarNode } from '../tree/nodes';
import { kubeObject } from '../tree/kube-object';
import { release, valueRef } from '../values/refs';
import { selectorLabels, standardLabels } from './labels';
import { CODER_NAME, HTTP_PORT, HTTP_PORT_NAME } from './names';

/** This file, named in the banner of the templates it writes. */
const SOURCE = sourceFileOf(__filename);

export const HEADLESS_SERVICE_NAME = `${CODER_NAME}-headless`;

export class CoderHeadlessService extends Construct {
  private readonly service = kubeObject(this, 'Resource', k8s.KubeService, {
    metadata: { name: HEADLESS_SERVICE_NAME, namespace: new ScalarNode(release.namespace), labels: standardLabels() },
    spec: {
      type: 'ClusterIP',
      clusterIP: 'None',
      ports: [{ name: HTTP_PORT_NAME, port: HTTP_PORT, targetPort: HTTP_PORT_NAME, protocol: 'TCP' }],
      selector: selectorLabels(),
      // Only ready pods: a hung replica drops out of DNS, and the test reports it missing.
      publishNotReadyAddresses: false,
    },
  });

  public documents(): Document[] {
    return [
      {
        file: 'service-headless.yaml',
        source: SOURCE,
        cond: valueRef('coder.headlessService.enable'),
        tree: this.service.tree(),
      },
    ];
  }
}
