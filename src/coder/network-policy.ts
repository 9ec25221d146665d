/**
 * Network isolation for coderd (coder.networkPolicy): which sources may open connections to the
 * coderd pods, port by port. Replicas relay each other's DERP traffic on the HTTP port at their
 * pod addresses (CODER_DERP_SERVER_RELAY_URL), so the replicas always reach each other there,
 * whoever else may; the `helm test` Pod checks those addresses too.
 */
import { sourceFileOf } from '../paths';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { empty, not } from '../expr/expr';
import { BlockNode, Document, OptionalItemNode, OptionalNode, ScalarNode } from '../tree/nodes';
import { Authored, kubeObject } from '../tree/kube-object';
import { release, under } from '../values/refs';
import { prometheusEnabled, tlsEnabled } from './conditions';
import { selectorLabels, standardLabels } from './labels';
import { MESH_TEST_COMPONENT } from './mesh-test';
import { CODER_NAME, HTTP_PORT_NAME, HTTPS_PORT_NAME, PROMETHEUS_PORT_NAME } from './names';

/** This file, named in the banner of the templates it writes. */
const SOURCE = sourceFileOf(__filename);

const policy = under('coder.networkPolicy');

const tcp = (port: string): Authored<k8s.NetworkPolicyPort> => ({ protocol: 'TCP', port });

const sourcesOf = (key: 'ingressFrom' | 'metricsFrom') =>
  new OptionalNode(not(empty(policy(key))), new BlockNode(policy(key)));

export class CoderNetworkPolicy extends Construct {
  private readonly policy = kubeObject(this, 'Resource', k8s.KubeNetworkPolicy, {
    metadata: { name: CODER_NAME, namespace: new ScalarNode(release.namespace), labels: standardLabels() },
    spec: {
      podSelector: { matchLabels: selectorLabels() },
      // Incoming traffic only: coderd's own connections (Postgres, the API server, workspaces)
      // stay open.
      policyTypes: ['Ingress'],
      ingress: [
        // Replica to replica (DERP relay, at each pod's own address), and the helm test Pod.
        {
          from: [
            { podSelector: { matchLabels: selectorLabels() } },
            {
              podSelector: {
                matchLabels: {
                  'app.kubernetes.io/instance': new ScalarNode(release.name),
                  'app.kubernetes.io/component': MESH_TEST_COMPONENT,
                },
              },
            },
          ],
          ports: [tcp(HTTP_PORT_NAME)],
        },
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
  });

  public documents(): Document[] {
    return [{ file: 'networkpolicy.yaml', source: SOURCE, cond: policy('enable'), tree: this.policy.tree() }];
  }
}
