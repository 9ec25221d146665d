/**
 * Workspace permissions: a Role and RoleBinding in the release namespace, and one pair in each of
 * `coder.serviceAccount.workspaceNamespaces`, whose items may override `workspacePerms`,
 * `enableDeployments` and `extraRules`. Names and rules are the official chart's.
 */
import { sourceFileOf } from '../paths';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Expr, hasKey, ternary, Var } from '../expr/expr';
import { Document, OptionalItemNode, ScalarNode, SpliceNode } from '../tree/nodes';
import { Authored, kubeObject, TemplateObject } from '../tree/kube-object';
import { listItem, release, valueRef } from '../values/refs';
import { workspaceRoleName } from './conditions';
import { standardLabels } from './labels';

/** This file, named in the banner of the templates it writes. */
const SOURCE = sourceFileOf(__filename);

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** What one namespace's Role grants. */
interface Grants {
  readonly workspacePerms: Expr;
  readonly enableDeployments: Expr;
  readonly extraRules: Expr;
}

const releaseGrants = (): Grants => ({
  workspacePerms: valueRef('coder.serviceAccount.workspacePerms'),
  enableDeployments: valueRef('coder.serviceAccount.enableDeployments'),
  extraRules: valueRef('coder.serviceAccount.extraRules'),
});

/**
 * A workspace namespace's grants: its own key when it has one, else the release's. (`default`
 * would not do: it treats an explicit `false` as unset.)
 */
function namespaceGrants(item: Var): Grants {
  const own = (key: keyof Grants): Expr => ternary(item.field(key), releaseGrants()[key], hasKey(item, key));
  return {
    workspacePerms: own('workspacePerms'),
    enableDeployments: own('enableDeployments'),
    extraRules: own('extraRules'),
  };
}

function rules(grants: Grants): Authored<k8s.PolicyRule[]> {
  return [
    { apiGroups: [''], resources: ['pods'], verbs: ALL_VERBS },
    { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ALL_VERBS },
    new OptionalItemNode(grants.enableDeployments, {
      apiGroups: ['apps'],
      resources: ['deployments'],
      verbs: ALL_VERBS,
    }),
    new SpliceNode(grants.extraRules),
  ];
}

/** The Role of one namespace: what coderd may do with workspaces there. */
function role(scope: Construct, id: string, namespace: Expr, grants: Grants): TemplateObject {
  return kubeObject(scope, id, k8s.KubeRole, {
    metadata: {
      name: new ScalarNode(workspaceRoleName()),
      namespace: new ScalarNode(namespace),
      labels: standardLabels(),
    },
    rules: rules(grants),
  });
}

/** The binding of a namespace's Role to coderd's ServiceAccount (in `accountNamespace` when given). */
function roleBinding(scope: Construct, id: string, namespace: Expr, accountNamespace?: Expr): TemplateObject {
  return kubeObject(scope, id, k8s.KubeRoleBinding, {
    metadata: {
      name: new ScalarNode(valueRef('coder.serviceAccount.name')),
      namespace: new ScalarNode(namespace),
      labels: standardLabels(),
    },
    roleRef: { name: new ScalarNode(workspaceRoleName()), apiGroup: 'rbac.authorization.k8s.io', kind: 'Role' },
    subjects: [
      {
        name: new ScalarNode(valueRef('coder.serviceAccount.name')),
        ...(accountNamespace ? { namespace: new ScalarNode(accountNamespace) } : {}),
        kind: 'ServiceAccount',
      },
    ],
  });
}

export class WorkspaceRbac extends Construct {
  private readonly namespaces = valueRef('coder.serviceAccount.workspaceNamespaces');
  /** One workspace namespace, in the documents made once per item of `namespaces`. */
  private readonly item = listItem('coder.serviceAccount.workspaceNamespaces', 'workspaceNamespace');
  private readonly itemGrants = namespaceGrants(this.item);
  private readonly releaseRole = role(this, 'Role', release.namespace, releaseGrants());
  private readonly releaseBinding = roleBinding(this, 'RoleBinding', release.namespace);
  private readonly namespaceRole = role(this, 'NamespaceRole', this.item.field('name'), this.itemGrants);
  private readonly namespaceBinding = roleBinding(
    this,
    'NamespaceRoleBinding',
    this.item.field('name'),
    release.namespace,
  );

  public documents(): Document[] {
    const each = { list: this.namespaces, variable: this.item };
    return [
      { file: 'rbac-role.yaml', source: SOURCE, cond: releaseGrants().workspacePerms, tree: this.releaseRole.tree() },
      {
        file: 'rbac-rolebinding.yaml',
        source: SOURCE,
        cond: releaseGrants().workspacePerms,
        tree: this.releaseBinding.tree(),
      },
      {
        file: 'rbac-workspace-namespace-roles.yaml',
        source: SOURCE,
        each,
        cond: this.itemGrants.workspacePerms,
        tree: this.namespaceRole.tree(),
      },
      {
        file: 'rbac-workspace-namespace-rolebindings.yaml',
        source: SOURCE,
        each,
        cond: this.itemGrants.workspacePerms,
        tree: this.namespaceBinding.tree(),
      },
    ];
  }
}
