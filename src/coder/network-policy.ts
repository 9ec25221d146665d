/**
 * Network isolation for coderd (coder.networkPolicy): which sources may open connections to the
 * coderd pods, port by port. Replicas relay each other's DERP traffic on the HTTP port at their
 * pod addresses (CODER_DERP_SERVER_RELAY_URL), so the replicas always reach each other there,
 * whoever else may; the `helm test` Pod checks those addresses too.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { empty, not } from '../expr/expr';
import { BlockNode, Document, OptionalItemNode, OptionalNode, ScalarNode, TreeMap } from '../tree/nodes';
import { TokenRegistry } from '../tree/tokens';
import { release, under } from '../values/refs';
import { prometheusEnabled, tlsEnabled } from './conditions';
import { selectorLabels, standardLabels } from './labels';
import { MESH_TEST_COMPONENT } from './mesh-test';
import { CODER_NAME, HTTP_PORT_NAME, HTTPS_PORT_NAME, PROMETHEUS_PORT_NAME } from './names';

const policy = under('coder.networkPolicy');

const tcp = (port: string): TreeMap => ({ protocol: 'TCP', port });

export class CoderNetworkPolicy extends Construct {
  private readonly policy: ApiObject;

  public constructor(
    scope: Construct,
    id: string,
    private readonly tokens: TokenRegistry,
  ) {
    super(scope, id);
    this.policy = new ApiObject(this, 'Resource', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: CODER_NAME, namespace: tokens.scalar(release.namespace), labels: standardLabels(tokens) },
      spec: {
        podSelector: { matchLabels: selectorLabels(tokens) },
        // Incoming traffic only: coderd's own connections (Postgres, the API server, workspaces)
        // stay open.
        policyTypes: ['Ingress'],
      },
    });
  }

  public document(): Document {
    const tree = this.tokens.resolve(this.policy.toJson()) as TreeMap;
    const spec = tree.spec as TreeMap;
    const podSelector = spec.podSelector as TreeMap;
    const testPod = {
      podSelector: {
        matchLabels: {
          'app.kubernetes.io/instance': new ScalarNode(release.name),
          'app.kubernetes.io/component': MESH_TEST_COMPONENT,
        },
      },
    };
    const sourcesOf = (key: 'ingressFrom' | 'metricsFrom') =>
      new OptionalNode(not(empty(policy(key))), new BlockNode(policy(key)));
    return {
      file: 'networkpolicy.yaml',
      cond: policy('enable'),
      tree: {
        ...tree,
        spec: {
          ...spec,
          ingress: [
            // Replica to replica (DERP relay, at each pod's own address), and the helm test Pod.
            { from: [{ podSelector }, testPod], ports: [tcp(HTTP_PORT_NAME)] },
            // Users, workspaces and proxies through the Service (every source when ingressFrom is empty).
            {
              ports: [tcp(HTTP_PORT_NAME), new OptionalItemNode(tlsEnabled(), tcp(HTTPS_PORT_NAME))],
              from: sourcesOf('ingressFrom'),
            },
            new OptionalItemNode(prometheusEnabled(), {
              from: new BlockNode(policy('metricsFrom')),
              ports: [tcp(PROMETHEUS_PORT_NAME)],
            }),
          ],
        },
      },
    };
  }
}
