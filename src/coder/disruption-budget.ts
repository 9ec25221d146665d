/** The PodDisruptionBudget that keeps voluntary disruptions to one replica at a time (HA only). */
import { sourceFileOf } from '../paths';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Document, ScalarNode } from '../tree/nodes';
import { kubeObject } from '../tree/kube-object';
import { release, valueRef } from '../values/refs';
import { podDisruptionBudgetWanted } from './high-availability';
import { selectorLabels, standardLabels } from './labels';
import { CODER_NAME } from './names';

/** This file, named in the banner of the templates it writes. */
const SOURCE = sourceFileOf(__filename);

export class CoderDisruptionBudget extends Construct {
  private readonly budget = kubeObject(this, 'Resource', k8s.KubePodDisruptionBudget, {
    metadata: { name: CODER_NAME, namespace: new ScalarNode(release.namespace), labels: standardLabels() },
    spec: {
      maxUnavailable: new ScalarNode(valueRef('coder.highAvailability.podDisruptionBudget.maxUnavailable')),
      selector: { matchLabels: selectorLabels() },
      // AlwaysAllow: a hung replica (running, not Ready) can always be evicted, so it never
      // holds a node drain until the drain times out.
      unhealthyPodEvictionPolicy: new ScalarNode(
        valueRef('coder.highAvailability.podDisruptionBudget.unhealthyPodEvictionPolicy'),
      ),
    },
  });

  public documents(): Document[] {
    return [
      {
        file: 'poddisruptionbudget.yaml',
        source: SOURCE,
        cond: podDisruptionBudgetWanted(),
        tree: this.budget.tree(),
      },
    ];
  }
}
