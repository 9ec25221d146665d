/**
 * The concrete render: values in, Kubernetes manifests out, exactly as `helm template` of the
 * built chart gives them (the parity tests hold the two together).
 */
import { checkModelGuards, Manifest, renderModel } from './backends/concrete';
import { plainYaml } from './backends/template';
import { chartInfo } from './chart-meta';
import { chartSchemaRules, coderChartModel } from './coder/chart';
import { EvalScope } from './expr/expr';
import { GoMap, isMap } from './expr/go-semantics';
import { coalesceWithDefaults, mergeUserValues } from './values/coalesce';
import { schemaDefaults } from './values/schema';
import { checkValuesWith, InvalidValuesError, ValuesProblem } from './values/validate';

/** Values as a map (the library's name for GoMap). */
export type ValueMap = GoMap;

export interface ReleaseOptions {
  /** @default "release-name" (as `helm template` without a name) */
  readonly releaseName?: string;
  /** @default "default" */
  readonly namespace?: string;
  /**
   * The tool that renders and applies the manifests, as `app.kubernetes.io/managed-by` names it
   * (Helm's `.Release.Service`). @default "Helm" (what `helm template` writes)
   */
  readonly managedBy?: string;
  /**
   * Objects the cluster holds, as Helm's `lookup` would find them during `helm upgrade`. Renders
   * without a cluster see none (as `helm template` does): give the live coder Deployment here to
   * render the rollout that a `helm upgrade` from it would get.
   */
  readonly liveObjects?: readonly Manifest[];
  /**
   * The API versions the cluster serves (`group/version` or `group/version/Kind`), as Helm's
   * `.Capabilities.APIVersions` lists them. @default every version is taken as served
   */
  readonly apiVersions?: readonly string[];
}

/** Helm's `lookup` over the given objects: the one with this apiVersion, kind, namespace and name. */
function lookupIn(objects: readonly Manifest[]): EvalScope['lookup'] {
  return (apiVersion, kind, namespace, name) => {
    const found = objects.find((o) => {
      const metadata = isMap(o.metadata) ? o.metadata : {};
      return (
        o.apiVersion === apiVersion && o.kind === kind && metadata.namespace === namespace && metadata.name === name
      );
    });
    return found ?? {};
  };
}

/**
 * Problems with (resolved) values against the chart's values schema, the cross-field rules it
 * states included, as `helm lint` finds them; none when the values are valid.
 */
export function checkValues(values: unknown): ValuesProblem[] {
  return checkValuesWith(values, chartSchemaRules());
}

/** The values templates see: user layers merged in order, over the chart's defaults, validated. */
export function resolveValues(userLayers: readonly ValueMap[]): ValueMap {
  const defaults = schemaDefaults();
  if (!isMap(defaults)) throw new Error('the schema defaults must form a map');
  const values = coalesceWithDefaults(defaults, mergeUserValues(userLayers));
  const problems = checkValues(values);
  if (problems.length) throw new InvalidValuesError(problems);
  return values;
}

export function scopeFor(values: ValueMap, options: ReleaseOptions = {}): EvalScope {
  return {
    Values: values,
    Release: {
      Name: options.releaseName ?? 'release-name',
      Namespace: options.namespace ?? 'default',
      Service: options.managedBy ?? 'Helm',
      IsInstall: true,
      IsUpgrade: false,
      Revision: 1,
    },
    Chart: chartInfo(),
    lookup: lookupIn(options.liveObjects ?? []),
    ...(options.apiVersions ? { apiServed: (version: string) => options.apiVersions?.includes(version) ?? true } : {}),
  };
}

/** Runs the chart's cross-field rules (the same `fail`s Helm runs) on resolved values. */
export function checkGuards(values: ValueMap, options: ReleaseOptions = {}): void {
  checkModelGuards(coderChartModel(), scopeFor(values, options));
}

/** Every manifest the chart renders for these values; throws on invalid values or a guard. */
export function renderManifests(userLayers: readonly ValueMap[], options: ReleaseOptions = {}): Manifest[] {
  return renderModel(coderChartModel(), scopeFor(resolveValues(userLayers), options));
}

/** Multi-document YAML, one document per manifest. */
export function manifestsToYaml(manifests: readonly Manifest[]): string {
  return manifests.map((m) => `---\n${plainYaml(m)}`).join('');
}
