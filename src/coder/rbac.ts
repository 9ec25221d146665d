/**
 * Workspace permissions: a Role and RoleBinding in the release namespace, and one pair in each of
 * `coder.serviceAccount.workspaceNamespaces`, whose items may override `workspacePerms`,
 * `enableDeployments` and `extraRules`. Names and rules are the official chart's.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Expr, hasKey, ternary, Var } from '../expr/expr';
import { Document, OptionalItemNode, ScalarNode, SpliceNode, Tree, TreeMap } from '../tree/nodes';
import { TokenRegistry } from '../tree/tokens';
import { release, valueRef } from '../values/refs';
import { workspaceRoleName } from './conditions';

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

function rules(grants: Grants): Tree[] {
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

export class WorkspaceRbac extends Construct {
  private readonly role: ApiObject;
  private readonly binding: ApiObject;

  public constructor(
    scope: Construct,
    id: string,
    private readonly tokens: TokenRegistry,
  ) {
    super(scope, id);
    this.role = new ApiObject(this, 'Role', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: tokens.scalar(workspaceRoleName()) },
    });
    this.binding = new ApiObject(this, 'RoleBinding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: tokens.scalar(valueRef('coder.serviceAccount.name')) },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: tokens.scalar(workspaceRoleName()) },
    });
  }

  public documents(): Document[] {
    const namespaces = valueRef('coder.serviceAccount.workspaceNamespaces');
    const item = new Var('workspaceNamespace');
    const itemGrants = namespaceGrants(item);
    const account = (namespace?: Expr): TreeMap => ({
      kind: 'ServiceAccount',
      name: new ScalarNode(valueRef('coder.serviceAccount.name')),
      ...(namespace ? { namespace: new ScalarNode(namespace) } : {}),
    });
    const role = (namespace: Expr, grants: Grants): TreeMap => {
      const tree = this.tokens.resolve(this.role.toJson()) as TreeMap;
      return {
        ...tree,
        metadata: { ...(tree.metadata as TreeMap), namespace: new ScalarNode(namespace) },
        rules: rules(grants),
      };
    };
    const binding = (namespace: Expr, subjectNamespace?: Expr): TreeMap => {
      const tree = this.tokens.resolve(this.binding.toJson()) as TreeMap;
      return {
        ...tree,
        metadata: { ...(tree.metadata as TreeMap), namespace: new ScalarNode(namespace) },
        subjects: [account(subjectNamespace)],
      };
    };
    return [
      { file: 'rbac-role.yaml', cond: releaseGrants().workspacePerms, tree: role(release.namespace, releaseGrants()) },
      { file: 'rbac-rolebinding.yaml', cond: releaseGrants().workspacePerms, tree: binding(release.namespace) },
      {
        file: 'rbac-workspace-namespace-roles.yaml',
        each: { list: namespaces, variable: item },
        cond: itemGrants.workspacePerms,
        tree: role(item.field('name'), itemGrants),
      },
      {
        file: 'rbac-workspace-namespace-rolebindings.yaml',
        each: { list: namespaces, variable: item },
        cond: itemGrants.workspacePerms,
        tree: binding(item.field('name'), release.namespace),
      },
    ];
  }
}
