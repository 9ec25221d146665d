/** The generated half of schema/: Kubernetes definitions from @kubernetes/client-node. */
import { readFileSync, writeFileSync } from 'node:fs';
import { GENERATED_VALUES_TYPES_FILE, KUBERNETES_DEFINITIONS_FILE } from '../paths';
import { valuesTypesSource } from './values-types';
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

/** Writes src/generated/values.ts; returns whether it changed (the compiled code is then stale). */
export function writeValuesTypes(): boolean {
  const text = valuesTypesSource('schema/values.schema.json');
  let current = '';
  try {
    current = readFileSync(GENERATED_VALUES_TYPES_FILE, 'utf8');
  } catch {
    // first generation
  }
  if (current === text) return false;
  writeFileSync(GENERATED_VALUES_TYPES_FILE, text);
  return true;
}

export function valuesTypesDrift(): boolean {
  return readFileSync(GENERATED_VALUES_TYPES_FILE, 'utf8') !== valuesTypesSource('schema/values.schema.json');
}
