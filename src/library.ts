/**
 * The chart as a cdk8s construct, for users who build their manifests with cdk8s:
 *
 *   const app = new App();
 *   new CoderChart(app, 'coder', { namespace: 'coder', values: { coder: { replicaCount: 3, env: [...] } } });
 *   app.synth();
 *
 * Values are validated on construction with the same errors as `coder-chart validate`, and the
 * objects are the concrete render's (the same as `helm template`). cdk8s leaves out fields whose
 * value is null; Kubernetes reads null as unset, so the objects mean the same.
 */
import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { GoValue, isMap } from './expr/go-semantics';
import { Values } from './generated/values';
import { Manifest } from './backends/concrete';
import { renderManifests, ValueMap } from './render';

export interface CoderChartProps {
  /** Values as for the Helm chart: every key optional over the chart's defaults. @default {} */
  readonly values?: Values;
  /** The release name (labels, selectors, anti-affinity). @default "coder" */
  readonly releaseName?: string;
  /** The namespace every object goes to. @default "default" */
  readonly namespace?: string;
}

/** Whether Helm runs this object as a hook (the `helm test` Pod) rather than installing it. */
const isHelmHook = (manifest: Manifest): boolean =>
  isMap(manifest.metadata) && isMap(manifest.metadata.annotations) && 'helm.sh/hook' in manifest.metadata.annotations;

export class CoderChart extends Chart {
  /** The objects, in the order `helm template` would print them, Helm hooks left out. */
  public readonly objects: readonly ApiObject[];

  /**
   * What Helm runs as hooks instead of installing: the `helm test` Pod that checks every replica's
   * relay address. Not part of the synthesized chart (applied with the rest, the test would run at
   * deploy time); apply it yourself to run the check, after the replicas are ready.
   */
  public readonly helmTestObjects: readonly Manifest[];

  public constructor(scope: Construct, id: string, props: CoderChartProps = {}) {
    super(scope, id, { namespace: props.namespace ?? 'default', disableResourceNameHashes: true });
    const manifests = renderManifests([(props.values ?? {}) as unknown as ValueMap], {
      releaseName: props.releaseName ?? 'coder',
      namespace: props.namespace ?? 'default',
      // Applied by cdk8s users' own tooling, not by Helm.
      managedBy: 'cdk8s',
    });
    this.helmTestObjects = manifests.filter(isHelmHook);
    this.objects = manifests
      .filter((manifest) => !isHelmHook(manifest))
      .map((manifest) => {
        const { apiVersion, kind, metadata, ...rest } = manifest;
        const meta = isMap(metadata) ? metadata : {};
        const objectId = `${String(kind)}-${String(meta.namespace ?? '')}-${String(meta.name)}`;
        return new ApiObject(this, objectId, {
          apiVersion: String(apiVersion),
          kind: String(kind),
          metadata: meta as Record<string, never>,
          ...(rest as Record<string, GoValue>),
        });
      });
  }
}
