/** The PodDisruptionBudget that keeps voluntary disruptions to one replica at a time (HA only). */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Document, ScalarNode, TreeMap } from '../tree/nodes';
import { TokenRegistry } from '../tree/tokens';
import { release, valueRef } from '../values/refs';
import { podDisruptionBudgetWanted } from './high-availability';
import { selectorLabels, standardLabels } from './labels';
import { CODER_NAME } from './names';

export class CoderDisruptionBudget extends Construct {
  private readonly budget: ApiObject;

  public constructor(
    scope: Construct,
    id: string,
    private readonly tokens: TokenRegistry,
  ) {
    super(scope, id);
    this.budget = new ApiObject(this, 'Resource', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: CODER_NAME, namespace: tokens.scalar(release.namespace), labels: standardLabels(tokens) },
      spec: { selector: { matchLabels: selectorLabels(tokens) } },
    });
  }

  public document(): Document {
    const tree = this.tokens.resolve(this.budget.toJson()) as TreeMap;
    const spec = tree.spec as TreeMap;
    return {
      file: 'poddisruptionbudget.yaml',
      cond: podDisruptionBudgetWanted(),
      tree: {
        ...tree,
        spec: {
          maxUnavailable: new ScalarNode(valueRef('coder.highAvailability.podDisruptionBudget.maxUnavailable')),
          ...spec,
        },
      },
    };
  }
}
