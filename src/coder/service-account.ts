/** The ServiceAccount coderd runs as (skipped with `coder.serviceAccount.disableCreate`). */
import { sourceFileOf } from '../paths';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { not } from '../expr/expr';
import { Document, ScalarNode } from '../tree/nodes';
import { kubeObject } from '../tree/kube-object';
import { release, valueRef } from '../values/refs';
import { labelsWithUserLabels, userAnnotations } from './labels';

/** This file, named in the banner of the templates it writes. */
const SOURCE = sourceFileOf(__filename);

export class CoderServiceAccount extends Construct {
  // Token automounting is left to Kubernetes' default, as in the official chart.
  private readonly account = kubeObject(this, 'Resource', k8s.KubeServiceAccount, {
    metadata: {
      name: new ScalarNode(valueRef('coder.serviceAccount.name')),
      namespace: new ScalarNode(release.namespace),
      labels: labelsWithUserLabels('coder.serviceAccount.labels'),
      annotations: userAnnotations('coder.serviceAccount.annotations'),
    },
  });

  public documents(): Document[] {
    return [
      {
        file: 'serviceaccount.yaml',
        source: SOURCE,
        cond: not(valueRef('coder.serviceAccount.disableCreate')),
        tree: this.account.tree(),
      },
    ];
  }
}
