/** The ServiceAccount coderd runs as (skipped with `coder.serviceAccount.disableCreate`). */
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { not } from '../expr/expr';
import { Document, TreeMap, WithNode } from '../tree/nodes';
import { removeAt, setAt } from '../tree/patch';
import { TokenRegistry } from '../tree/tokens';
import { release, valueRef } from '../values/refs';
import { labelsWithUserLabels } from './labels';

export class CoderServiceAccount extends Construct {
  private readonly account: kplus.ServiceAccount;

  public constructor(
    scope: Construct,
    id: string,
    private readonly tokens: TokenRegistry,
  ) {
    super(scope, id);
    this.account = new kplus.ServiceAccount(this, 'Resource', {
      metadata: {
        name: tokens.scalar(valueRef('coder.serviceAccount.name')),
        namespace: tokens.scalar(release.namespace),
      },
    });
  }

  public document(): Document {
    const json = ApiObject.of(this.account).toJson() as object;
    // cdk8s-plus turns token automounting off; the official chart leaves the Kubernetes default.
    removeAt(json, ['automountServiceAccountToken']);
    setAt(json, ['metadata', 'labels'], labelsWithUserLabels(this.tokens, 'coder.serviceAccount.labels'));
    setAt(json, ['metadata', 'annotations'], new WithNode(valueRef('coder.serviceAccount.annotations')));
    const tree = this.tokens.resolve(json) as TreeMap;
    return {
      file: 'serviceaccount.yaml',
      cond: not(valueRef('coder.serviceAccount.disableCreate')),
      tree,
    };
  }
}
