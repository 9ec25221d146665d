/** Refusals for workspace namespaces whose Roles would collide. */
import { bound, concat, has, join, lit } from '../expr/expr';
import { duplicatesOf, namesOf } from './helpers';
import { Guard } from '../tree/nodes';
import { release, valueRef } from '../values/refs';

export function workspaceNamespaceGuards(): Guard[] {
  const namespaces = valueRef('coder.serviceAccount.workspaceNamespaces');
  const repeated = bound('repeatedWorkspaceNamespaces', duplicatesOf(namesOf(namespaces)));
  return [
    {
      renderOnly: '`coder.serviceAccount.workspaceNamespaces` listing the release namespace (known only at install)',
      when: has(release.namespace, namesOf(namespaces)),
      message: concat(
        lit('coder.serviceAccount.workspaceNamespaces lists the release namespace '),
        release.namespace,
        lit(
          ': the chart already grants workspace permissions there (coder.serviceAccount.workspacePerms). Remove it from the list.',
        ),
      ),
    },
    {
      renderOnly: 'a namespace named twice in `coder.serviceAccount.workspaceNamespaces`',
      when: repeated,
      message: concat(
        lit('coder.serviceAccount.workspaceNamespaces lists '),
        join(', ', repeated),
        lit(' more than once; each namespace gets one Role and RoleBinding.'),
      ),
    },
  ];
}
