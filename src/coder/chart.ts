/** The whole chart as one construct tree, and the model both back-ends consume. */
import { App, Chart } from 'cdk8s';
import { ChartModel } from '../tree/nodes';
import { TokenRegistry } from '../tree/tokens';
import { CoderDeployment } from './deployment';
import { CoderService } from './service';
import { CoderServiceAccount } from './service-account';

export class CoderTemplateChart extends Chart {
  private readonly tokens = new TokenRegistry();
  private readonly serviceAccount: CoderServiceAccount;
  private readonly deployment: CoderDeployment;
  private readonly service: CoderService;

  public constructor(scope: App, id: string) {
    super(scope, id, { disableResourceNameHashes: true });
    this.serviceAccount = new CoderServiceAccount(this, 'ServiceAccount', this.tokens);
    this.service = new CoderService(this, 'Service', this.tokens);
    this.deployment = new CoderDeployment(this, 'Deployment', this.tokens);
  }

  /** Documents in install order, and the guards checked before any of them renders. */
  public model(): ChartModel {
    const documents = [this.serviceAccount.document(), this.service.document(), this.deployment.document()];
    const unresolved = this.tokens.unresolved();
    if (unresolved.length > 0) {
      throw new Error(`tokens ${unresolved.join(', ')} were handed to constructs but never reached the output`);
    }
    return { documents, guards: this.deployment.guards() };
  }
}

let cachedModel: ChartModel | undefined;

/** The chart model, built once per process (building is pure: it reads no values). */
export function coderChartModel(): ChartModel {
  cachedModel ??= new CoderTemplateChart(new App(), 'coder').model();
  return cachedModel;
}
