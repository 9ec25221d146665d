/** The whole chart as one construct tree, and the model both back-ends consume. */
import { SchemaRule } from '../values/validate';
import { App, Chart } from 'cdk8s';
import { ChartModel } from '../tree/nodes';
import { conventionalOrder } from '../tree/key-order';
import { TokenRegistry } from '../tree/tokens';
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

export class CoderTemplateChart extends Chart {
  private readonly tokens = new TokenRegistry();
  private readonly serviceAccount = new CoderServiceAccount(this, 'ServiceAccount', this.tokens);
  private readonly rbac = new WorkspaceRbac(this, 'WorkspaceRbac', this.tokens);
  private readonly service = new CoderService(this, 'Service', this.tokens);
  private readonly deployment = new CoderDeployment(this, 'Deployment', this.tokens);
  private readonly ingress = new CoderIngress(this, 'Ingress', this.tokens);
  private readonly gateway = new CoderGateway(this, 'Gateway', this.tokens);
  private readonly disruptionBudget = new CoderDisruptionBudget(this, 'DisruptionBudget', this.tokens);
  private readonly headlessService = new CoderHeadlessService(this, 'HeadlessService', this.tokens);
  private readonly autoscaler = new CoderAutoscaler(this, 'Autoscaler', this.tokens);
  private readonly metrics = new CoderMetrics(this, 'Metrics', this.tokens);
  private readonly networkPolicy = new CoderNetworkPolicy(this, 'NetworkPolicy', this.tokens);
  private readonly meshTest = new CoderMeshTest(this, 'MeshTest', this.tokens);

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
      this.deployment.document(),
      this.autoscaler.document(),
      this.ingress.document(),
      ...this.gateway.documents(),
      ...this.metrics.documents(),
      this.networkPolicy.document(),
      this.meshTest.document(),
    ];
    const unresolved = this.tokens.unresolved();
    if (unresolved.length > 0) {
      throw new Error(`tokens ${unresolved.join(', ')} were handed to constructs but never reached the output`);
    }
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
  cachedModel ??= new CoderTemplateChart(new App(), 'coder').model();
  return cachedModel;
}

let cachedRules: readonly SchemaRule[] | undefined;

/** The guards that the values schema states too, in guard order (the schema's root `allOf`). */
export function chartSchemaRules(): readonly SchemaRule[] {
  cachedRules ??= coderChartModel().guards.flatMap((guard) => (guard.rule ? [guard.rule] : []));
  return cachedRules;
}
