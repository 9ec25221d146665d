/** The generated half of schema/: Kubernetes definitions from @kubernetes/client-node. */
import { readFileSync, writeFileSync } from 'node:fs';
import { KUBERNETES_DEFINITIONS_FILE } from '../paths';
import { KubernetesDefinitions } from './kubernetes-definitions';

export function kubernetesDefinitionsJson(): string {
  return `${JSON.stringify(new KubernetesDefinitions().document(), null, 2)}\n`;
}

/** Whether the committed definitions differ from a fresh generation. */
export function kubernetesDefinitionsDrift(): boolean {
  return readFileSync(KUBERNETES_DEFINITIONS_FILE, 'utf8') !== kubernetesDefinitionsJson();
}

/**
 * Regenerates schema/kubernetes.definitions.json. Generation needs the devDependency
 * @kubernetes/client-node; without it (an installed package) the committed file stands.
 */
export function writeKubernetesDefinitions(): boolean {
  try {
    require.resolve('@kubernetes/client-node/package.json');
  } catch {
    return false;
  }
  writeFileSync(KUBERNETES_DEFINITIONS_FILE, kubernetesDefinitionsJson());
  return true;
}
