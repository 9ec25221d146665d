/** The whole chart as one construct tree, and the model both back-ends consume. */
import { SchemaRule } from '../values/validate';
import { App, Chart } from 'cdk8s';
import { ChartModel } from '../tree/nodes';
import { conventionalOrder } from '../tree/key-order';
import { treeApp } from '../tree/kube-object';
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

export class CoderTemplateChart extends Chart {
  private readonly serviceAccount = new CoderServiceAccount(this, 'ServiceAccount');
  private readonly rbac = new WorkspaceRbac(this, 'WorkspaceRbac');
  private readonly service = new CoderService(this, 'Service');
  private readonly deployment = new CoderDeployment(this, 'Deployment');
  private readonly ingress = new CoderIngress(this, 'Ingress');
  private readonly gateway = new CoderGateway(this, 'Gateway');
  private readonly disruptionBudget = new CoderDisruptionBudget(this, 'DisruptionBudget');
  private readonly headlessService = new CoderHeadlessService(this, 'HeadlessService');
  private readonly autoscaler = new CoderAutoscaler(this, 'Autoscaler');
  private readonly metrics = new CoderMetrics(this, 'Metrics');
  private readonly networkPolicy = new CoderNetworkPolicy(this, 'NetworkPolicy');
  private readonly meshTest = new CoderMeshTest(this, 'MeshTest');
  private readonly restartGuard = new CoderRestartGuard(this, 'RestartGuard');

  public constructor(scope: App, id: string) {
    super(scope, id, { disableResourceNameHashes: true });
  }

  /** Documents in install order, and the guards checked before any of them renders. */
  public model(): ChartModel {
    const documents = [
      this.serviceAccount.document(),
      ...this.rbac.documents(),
      this.service.document(),
      this.headlessService.document(),
      this.disruptionBudget.document(),
      // Before the Deployment: the upgrade's rollout is never live without the guard.
      ...this.restartGuard.documents(),
      this.deployment.document(),
      this.autoscaler.document(),
      this.ingress.document(),
      ...this.gateway.documents(),
      ...this.metrics.documents(),
      this.networkPolicy.document(),
      this.meshTest.document(),
    ];
    return {
      documents: documents.map((doc) => ({ ...doc, tree: conventionalOrder(doc.tree) })),
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
  cachedModel ??= new CoderTemplateChart(treeApp(), 'coder').model();
  return cachedModel;
}

let cachedRules: readonly SchemaRule[] | undefined;

/** The guards that the values schema states too, in guard order (the schema's root `allOf`). */
export function chartSchemaRules(): readonly SchemaRule[] {
  cachedRules ??= coderChartModel().guards.flatMap((guard) => (guard.rule ? [guard.rule] : []));
  return cachedRules;
}
