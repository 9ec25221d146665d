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
import { renderManifests, ValueMap } from './render';

export interface CoderChartProps {
  /** Values as for the Helm chart: every key optional over the chart's defaults. @default {} */
  readonly values?: Values;
  /** The release name (labels, selectors, anti-affinity). @default "coder" */
  readonly releaseName?: string;
  /** The namespace every object goes to. @default "default" */
  readonly namespace?: string;
}

export class CoderChart extends Chart {
  /** The objects, in the order `helm template` would print them. */
  public readonly objects: readonly ApiObject[];

  public constructor(scope: Construct, id: string, props: CoderChartProps = {}) {
    super(scope, id, { namespace: props.namespace ?? 'default', disableResourceNameHashes: true });
    const manifests = renderManifests([(props.values ?? {}) as unknown as ValueMap], {
      releaseName: props.releaseName ?? 'coder',
      namespace: props.namespace ?? 'default',
      // Applied by cdk8s users' own tooling, not by Helm.
      managedBy: 'cdk8s',
    });
    this.objects = manifests.map((manifest) => {
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
