/**
 * Validates rendered objects against the Kubernetes OpenAPI types of one Kubernetes release,
 * strictly: wrong types, missing required fields and unknown fields are all errors, plus the
 * name and label rules the API server enforces that a schema cannot say.
 */
import Ajv, { ValidateFunction } from 'ajv';
import { isMap, GoMap } from '../../src/expr/go-semantics';
import { ClientModels, definitionRef, KubernetesDefinitions, releaseFieldEnums } from './client-models';

/** apiVersion/kind → the client model of that resource. */
export const RESOURCE_MODELS: Readonly<Record<string, string>> = {
  'v1/ConfigMap': 'V1ConfigMap',
  'v1/Pod': 'V1Pod',
  'v1/Secret': 'V1Secret',
  'v1/Service': 'V1Service',
  'v1/ServiceAccount': 'V1ServiceAccount',
  'apps/v1/Deployment': 'V1Deployment',
  'autoscaling/v2/HorizontalPodAutoscaler': 'V2HorizontalPodAutoscaler',
  'networking.k8s.io/v1/Ingress': 'V1Ingress',
  'networking.k8s.io/v1/NetworkPolicy': 'V1NetworkPolicy',
  'policy/v1/PodDisruptionBudget': 'V1PodDisruptionBudget',
  'rbac.authorization.k8s.io/v1/Role': 'V1Role',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'V1RoleBinding',
};

/** API groups that are not part of Kubernetes itself (CRDs): outside these schemas. */
export const EXTENSION_GROUPS = ['gateway.networking.k8s.io', 'monitoring.coreos.com'];

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export interface ObjectProblem {
  readonly object: string;
  readonly path: string;
  readonly message: string;
}

export type Verdict =
  | { readonly checked: true; readonly problems: readonly ObjectProblem[] }
  | { readonly checked: false; readonly reason: string };

function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const [prefix, name] = slash >= 0 ? [key.slice(0, slash), key.slice(slash + 1)] : ['', key];
  if (prefix && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)))
    return `label key prefix ${JSON.stringify(prefix)} is not a DNS subdomain`;
  if (name.length > 63 || !LABEL_NAME.test(name)) return `label key name ${JSON.stringify(name)} is not valid`;
  return undefined;
}

/** Name and label rules of the API server that JSON Schema does not carry. */
function metadataProblems(id: string, metadata: GoMap, prefix: string): ObjectProblem[] {
  const problems: ObjectProblem[] = [];
  if (typeof metadata.name === 'string' && (metadata.name.length > 253 || !DNS_SUBDOMAIN.test(metadata.name))) {
    problems.push({
      object: id,
      path: `${prefix}.name`,
      message: `${JSON.stringify(metadata.name)} is not a DNS subdomain`,
    });
  }
  for (const [key, value] of Object.entries(isMap(metadata.labels) ? metadata.labels : {})) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) problems.push({ object: id, path: `${prefix}.labels`, message: keyProblem });
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      problems.push({
        object: id,
        path: `${prefix}.labels.${key}`,
        message: `${JSON.stringify(value)} is not a valid label value`,
      });
    }
  }
  return problems;
}

export class KubernetesValidator {
  private readonly validators = new Map<string, ValidateFunction>();
  public readonly release: string;

  public constructor(client: ClientModels) {
    const models = Object.values(RESOURCE_MODELS);
    const release = new KubernetesDefinitions(['V1Container'], client).kubernetesRelease();
    const enums = releaseFieldEnums()[release.replace(/^release-/, '')];
    if (!enums) throw new Error(`no field enums for Kubernetes ${release}: run \`npm run kubernetes-enums\``);
    const definitions = new KubernetesDefinitions(models, client, enums);
    this.release = release;
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    ajv.addSchema({ $id: 'kubernetes', definitions: definitions.all() });
    for (const [key, model] of Object.entries(RESOURCE_MODELS)) {
      this.validators.set(key, ajv.compile({ $ref: `kubernetes${definitionRef(model)}` }));
    }
  }

  public validate(object: GoMap): Verdict {
    const apiVersion = String(object.apiVersion);
    const kind = String(object.kind);
    const metadata = isMap(object.metadata) ? object.metadata : {};
    const id = `${kind}/${String(metadata.name)}`;
    if (EXTENSION_GROUPS.includes(apiVersion.split('/')[0])) {
      return { checked: false, reason: `${apiVersion} is a custom resource, outside the Kubernetes schema` };
    }
    const validate = this.validators.get(`${apiVersion}/${kind}`);
    if (!validate) return { checked: false, reason: `no model for ${apiVersion} ${kind}` };
    const problems: ObjectProblem[] = [];
    if (!validate(object)) {
      for (const error of validate.errors ?? []) {
        const where = error.instancePath.split('/').slice(1).join('.');
        const extra = error.keyword === 'additionalProperties' ? ` (${String(error.params.additionalProperty)})` : '';
        problems.push({ object: id, path: where || '(root)', message: `${error.message ?? error.keyword}${extra}` });
      }
    }
    problems.push(...metadataProblems(id, metadata, 'metadata'));
    const template = isMap(object.spec) && isMap(object.spec.template) ? object.spec.template : undefined;
    if (template && isMap(template.metadata))
      problems.push(...metadataProblems(id, template.metadata, 'spec.template.metadata'));
    return { checked: true, problems };
  }
}
