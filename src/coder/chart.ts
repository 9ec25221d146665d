/** The whole chart as one construct tree, and the model both back-ends consume. */
import { SchemaRule } from '../values/validate';
import { App, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ChartModel, Document } from '../tree/nodes';
import { valueRef } from '../values/refs';
import { CoderDeployment } from './deployment';
import { CoderDisruptionBudget } from './disruption-budget';
import { clusterAccessURL, envGuards } from './env';
import { CoderHeadlessService } from './headless-service';
import { highAvailabilityGuards } from './high-availability';
import { CoderMeshTest } from './mesh-test';
import { CoderGateway } from './gateway';
import { CoderIngress } from './ingress';
import { labelGuards } from './labels';
import { volumeGuards } from './pod-storage';
import { WorkspaceRbac } from './rbac';
import { workspaceNamespaceGuards } from './rbac-guards';
import { CoderService, serviceGuards } from './service';
import { CoderMetrics, metricsGuards } from './metrics';
import { autoscalingGuards, CoderAutoscaler } from './autoscaler';
import { CoderNetworkPolicy } from './network-policy';
import { CoderServiceAccount } from './service-account';
import { CoderRestartGuard } from './restart-guard';

/** A construct of the chart: the template files it writes. */
interface ChartPart {
  documents(): Document[];
}

const isChartPart = (child: IConstruct): child is IConstruct & ChartPart =>
  typeof (child as Partial<ChartPart>).documents === 'function';

/**
 * The chart's constructs, declared in install order: the construct tree is the list of parts, and
 * `model()` walks it.
 */
export class CoderTemplateChart extends Chart {
  private readonly ingress: CoderIngress;
  private readonly gateway: CoderGateway;

  public constructor(scope: App, id: string) {
    super(scope, id, { disableResourceNameHashes: true });
    new CoderServiceAccount(this, 'ServiceAccount');
    new WorkspaceRbac(this, 'WorkspaceRbac');
    new CoderService(this, 'Service');
    new CoderHeadlessService(this, 'HeadlessService');
    new CoderDisruptionBudget(this, 'DisruptionBudget');
    // Before the Deployment: the upgrade's rollout is never live without the guard.
    new CoderRestartGuard(this, 'RestartGuard');
    new CoderDeployment(this, 'Deployment');
    new CoderAutoscaler(this, 'Autoscaler');
    this.ingress = new CoderIngress(this, 'Ingress');
    this.gateway = new CoderGateway(this, 'Gateway');
    new CoderMetrics(this, 'Metrics');
    new CoderNetworkPolicy(this, 'NetworkPolicy');
    new CoderMeshTest(this, 'MeshTest');
  }

  /** Documents in install order, and the guards checked before any of them renders. */
  public model(): ChartModel {
    const documents = this.node.children.filter(isChartPart).flatMap((part) => part.documents());
    return {
      documents,
      guards: [
        ...envGuards(),
        ...highAvailabilityGuards(clusterAccessURL()),
        ...labelGuards(),
        ...workspaceNamespaceGuards(),
        ...volumeGuards(),
        ...serviceGuards(),
        ...this.ingress.guards(),
        ...this.gateway.guards(),
        ...metricsGuards(),
        ...autoscalingGuards(),
      ],
      userTemplates: { file: 'extra-templates.yaml', list: valueRef('extraTemplates') },
    };
  }
}

let cachedModel: ChartModel | undefined;

/** The chart model, built once per process (building is pure: it reads no values). */
export function coderChartModel(): ChartModel {
  cachedModel ??= new CoderTemplateChart(new App(), 'coder').model();
  return cachedModel;
}

let cachedRules: readonly SchemaRule[] | undefined;

/** The guards that the values schema states too, in guard order (the schema's root `allOf`). */
export function chartSchemaRules(): readonly SchemaRule[] {
  cachedRules ??= coderChartModel().guards.flatMap((guard) => (guard.rule ? [guard.rule] : []));
  return cachedRules;
}
