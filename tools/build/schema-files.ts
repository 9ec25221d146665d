/** The generated files under schema/ and src/generated/, and their drift checks. */
import { readFileSync, writeFileSync } from 'node:fs';
import { KubernetesDefinitions } from '../kubernetes/client-models';
import { GENERATED_VALUES_TYPES_FILE, KUBERNETES_DEFINITIONS_FILE } from '../../src/paths';
import { valuesTypesSource } from './values-types';

/** The Kubernetes types the values contract refers to; everything they use comes along. */
export const VALUES_KUBERNETES_TYPES = [
  'V1Affinity',
  'V1Container',
  'V1DeploymentStrategy',
  'V1EnvFromSource',
  'V1EnvVar',
  'V1HostAlias',
  'V1Lifecycle',
  'V1LocalObjectReference',
  'V1NetworkPolicyPeer',
  'V1PodSecurityContext',
  'V1PolicyRule',
  'V1Probe',
  'V1ResourceRequirements',
  'V1SecurityContext',
  'V1ServicePort',
  'V1Toleration',
  'V1TopologySpreadConstraint',
  'V1Volume',
  'V1VolumeMount',
] as const;

export function kubernetesDefinitionsJson(): string {
  return `${JSON.stringify(new KubernetesDefinitions(VALUES_KUBERNETES_TYPES).document(), null, 2)}\n`;
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
