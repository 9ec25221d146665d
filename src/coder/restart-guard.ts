/**
 * A restart that would roll out as a version upgrade, refused. A `helm upgrade` that changes the
 * Coder version gives the Deployment the rollout of coder.highAvailability.versionUpgrade (down to
 * one old replica, or none), and only the next `helm upgrade` puts the surge rollout back. Any
 * other rollout in between (`kubectl rollout restart`, `kubectl set env`) would take replicas down
 * the same way, with no migration to justify it. A ValidatingAdmissionPolicy, rendered only with
 * such an upgrade (so the next `helm upgrade` deletes it), has the API server refuse a change to
 * the pod template that keeps both the Coder version and that rollout, and says what to run.
 *
 * Why not put the surge rollout back from a hook Job: whatever changes fields Helm renders owns
 * them, and Helm 4's server-side apply then refuses the next upgrade that sets them (a conflict).
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { sourceFileOf } from '../paths';
import { and, apiServed, concat, lit } from '../expr/expr';
import { Document, ScalarNode } from '../tree/nodes';
import { customObject } from '../tree/kube-object';
import { release, under } from '../values/refs';
import { standardLabels, VERSION_LABEL } from './labels';
import { CODER_NAME } from './names';
import { versionUpgradeTakesReplicasDown } from './high-availability';

const SOURCE = sourceFileOf(__filename);
const API_VERSION = 'admissionregistration.k8s.io/v1';

/** One per release namespace: the policy and its binding are cluster-scoped, the release is not. */
const guardName = () => concat(lit(`${CODER_NAME}-restart-guard.`), release.namespace);

/** The Coder version a pod template of `object` carries ("" without the label). */
const templateVersion = (object: 'object' | 'oldObject'): string => {
  const labels = `${object}.spec.template.metadata.labels`;
  return `has(${labels}) && '${VERSION_LABEL}' in ${labels} ? ${labels}['${VERSION_LABEL}'] : ''`;
};

export const RESTART_REFUSED_MESSAGE =
  `The ${CODER_NAME} Deployment still has the rollout of its last Coder version upgrade ` +
  '(coder.highAvailability.versionUpgrade), which takes replicas down at once: a restart or another ' +
  'change to its pods now would roll out that way. Run helm upgrade <release> <chart> --reuse-values ' +
  'first: it puts back the rollout that keeps every replica ready.';

/** The parts of a ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1) that the chart writes. */
interface PolicyProps {
  readonly metadata: k8s.ObjectMeta;
  readonly spec: {
    readonly failurePolicy: 'Fail' | 'Ignore';
    readonly matchConstraints: {
      readonly resourceRules: {
        readonly apiGroups: string[];
        readonly apiVersions: string[];
        readonly operations: string[];
        readonly resources: string[];
      }[];
    };
    readonly matchConditions: { readonly name: string; readonly expression: string }[];
    readonly variables: { readonly name: string; readonly expression: string }[];
    readonly validations: { readonly expression: string; readonly message: string; readonly reason: string }[];
  };
}

interface BindingProps {
  readonly metadata: k8s.ObjectMeta;
  readonly spec: {
    readonly policyName: ScalarNode;
    readonly validationActions: string[];
    readonly matchResources: { readonly namespaceSelector: k8s.LabelSelector };
  };
}

const ha = under('coder.highAvailability');

/** Rendered with a version upgrade that takes replicas down, unless turned off or not served. */
export const restartGuardWanted = () =>
  and(
    versionUpgradeTakesReplicasDown(),
    ha('restartGuard'),
    apiServed(`${API_VERSION}/ValidatingAdmissionPolicy`),
    apiServed(`${API_VERSION}/ValidatingAdmissionPolicyBinding`),
  );

export class CoderRestartGuard extends Construct {
  private readonly policy = customObject<PolicyProps>(
    this,
    'Policy',
    { apiVersion: API_VERSION, kind: 'ValidatingAdmissionPolicy' },
    {
      metadata: { name: new ScalarNode(guardName()), labels: standardLabels() },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [
            { apiGroups: ['apps'], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['deployments'] },
          ],
        },
        // The binding narrows it to the release's namespace.
        matchConditions: [{ name: 'the-coder-deployment', expression: `object.metadata.name == '${CODER_NAME}'` }],
        variables: [
          { name: 'oldVersion', expression: templateVersion('oldObject') },
          { name: 'newVersion', expression: templateVersion('object') },
        ],
        validations: [
          {
            // Allowed: a change of rollout (the next helm upgrade), a change that starts no
            // rollout (replicas, metadata), and a new Coder version (an upgrade or a rollback).
            expression:
              'object.spec.strategy != oldObject.spec.strategy || object.spec.template == oldObject.spec.template || ' +
              'variables.newVersion != variables.oldVersion',
            message: RESTART_REFUSED_MESSAGE,
            reason: 'Forbidden',
          },
        ],
      },
    },
  );

  private readonly binding = customObject<BindingProps>(
    this,
    'Binding',
    { apiVersion: API_VERSION, kind: 'ValidatingAdmissionPolicyBinding' },
    {
      metadata: { name: new ScalarNode(guardName()), labels: standardLabels() },
      spec: {
        policyName: new ScalarNode(guardName()),
        validationActions: ['Deny'],
        matchResources: {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': new ScalarNode(release.namespace) } },
        },
      },
    },
  );

  public documents(): Document[] {
    return [
      { file: 'restart-guard.yaml', source: SOURCE, cond: restartGuardWanted(), tree: this.policy.tree() },
      { file: 'restart-guard-binding.yaml', source: SOURCE, cond: restartGuardWanted(), tree: this.binding.tree() },
    ];
  }
}
