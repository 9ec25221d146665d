/**
 * The order `helm template` prints objects in, so that the concrete render prints them in the
 * same order: hooks last; otherwise by Helm's install order of kinds (unknown kinds after the
 * known ones, by kind name), then by template file path, then as written in the file.
 */
import { isMap } from '../expr/go-semantics';
import { Manifest } from './concrete';

/** Helm's InstallOrder (pkg/releaseutil/kind_sorter.go). */
export const HELM_INSTALL_ORDER = [
  'PriorityClass',
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
];

export interface SourcedManifest {
  readonly manifest: Manifest;
  /** Template path inside the chart, as `templates/service.yaml`. */
  readonly file: string;
}

/** A Helm hook (such as the `helm test` Pod): not part of the install itself. */
export const isHook = (m: Manifest): boolean =>
  isMap(m.metadata) && isMap(m.metadata.annotations) && 'helm.sh/hook' in m.metadata.annotations;

function compareKinds(a: string, b: string): number {
  const [ia, ib] = [HELM_INSTALL_ORDER.indexOf(a), HELM_INSTALL_ORDER.indexOf(b)];
  if (ia >= 0 && ib >= 0) return ia - ib;
  if (ia >= 0) return -1;
  if (ib >= 0) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function helmOrder(manifests: readonly SourcedManifest[]): Manifest[] {
  return manifests
    .map((entry, index) => ({ ...entry, index }))
    .sort((a, b) => {
      const hooks = Number(isHook(a.manifest)) - Number(isHook(b.manifest));
      if (hooks) return hooks;
      const kinds = compareKinds(String(a.manifest.kind), String(b.manifest.kind));
      if (kinds) return kinds;
      if (a.file !== b.file) return a.file < b.file ? -1 : 1;
      return a.index - b.index;
    })
    .map((entry) => entry.manifest);
}
