/** The Service in front of coderd (name, ports and selector as the official chart's). */
import { sourceFileOf } from '../paths';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { and, bound, concat, concatLists, empty, Expr, join, lit, not, ternary } from '../expr/expr';
import { duplicatesOf, missingFrom, namesOf, omitEach, stringsAt } from './helpers';
import { Document, Guard, OptionalItemNode, OptionalNode, ScalarNode, SpliceNode } from '../tree/nodes';
import { Authored, kubeObject } from '../tree/kube-object';
import { ValuePath } from '../generated/values';
import { release, valueRef } from '../values/refs';
import { hasNodePorts, isLoadBalancer, prometheusEnabled, tlsEnabled } from './conditions';
import { versionSelector } from './high-availability';
import { selectorLabels, standardLabels, userAnnotations, VERSION_LABEL } from './labels';
import {
  CODER_NAME,
  HTTP_PORT_NAME,
  HTTPS_PORT_NAME,
  PROMETHEUS_PORT_NAME,
  SERVICE_HTTP_PORT,
  SERVICE_HTTPS_PORT,
} from './names';

/** This file, named in the banner of the templates it writes. */
const SOURCE = sourceFileOf(__filename);

/** A Service field from values, set only when `when` holds and the value is not empty. */
function optionalField(when: Expr, path: ValuePath): OptionalNode {
  return new OptionalNode(and(when, not(empty(valueRef(path)))), new ScalarNode(valueRef(path)));
}

function servicePort(name: string, port: number, nodePortPath: ValuePath): Authored<k8s.ServicePort> {
  return {
    name,
    port,
    targetPort: name,
    protocol: 'TCP',
    nodePort: optionalField(hasNodePorts(), nodePortPath),
  };
}

const additionalPorts = (): Expr => valueRef('coder.service.additionalPorts');

/** The names of the Service's own ports, then the user's: Kubernetes refuses a name used twice. */
export function serviceGuards(): Guard[] {
  const ownNames = ternary(lit([HTTP_PORT_NAME, HTTPS_PORT_NAME]), lit([HTTP_PORT_NAME]), tlsEnabled());
  const repeated = bound('repeatedPortNames', duplicatesOf(concatLists(ownNames, namesOf(additionalPorts()))));
  // A target port given by name reaches only a port the coderd container declares.
  const containerPortNames = bound(
    'containerPortNames',
    concatLists(
      lit([HTTP_PORT_NAME]),
      ternary(lit([HTTPS_PORT_NAME]), lit([]), tlsEnabled()),
      // `ternary` needs a bool, and prometheusEnabled is an `or` of values (nil without metrics.enable).
      ternary(lit([PROMETHEUS_PORT_NAME]), lit([]), not(empty(prometheusEnabled()))),
    ),
  );
  const unknownTargets = bound(
    'unknownTargetPorts',
    missingFrom(stringsAt(additionalPorts(), 'targetPort'), containerPortNames),
  );
  return [
    {
      renderOnly: 'a `coder.service.additionalPorts` target port name that coderd does not declare',
      when: and(valueRef('coder.service.enable'), unknownTargets),
      message: concat(
        lit('coder.service.additionalPorts targets '),
        join(', ', unknownTargets),
        lit(', which the coderd container does not declare (its ports: '),
        join(', ', containerPortNames),
        lit('): use a port number, or one of those names.'),
      ),
    },
    {
      renderOnly: 'a port name used twice in `coder.service.additionalPorts` or taken by the chart',
      when: and(valueRef('coder.service.enable'), repeated),
      message: concat(
        lit('coder.service.additionalPorts names '),
        join(', ', repeated),
        lit(
          ` more than once (the chart's own ports are ${HTTP_PORT_NAME}, and ${HTTPS_PORT_NAME} with TLS): give each port its own name.`,
        ),
      ),
    },
  ];
}

export class CoderService extends Construct {
  private readonly service = kubeObject(this, 'Resource', k8s.KubeService, {
    metadata: {
      name: CODER_NAME,
      namespace: new ScalarNode(release.namespace),
      labels: standardLabels(),
      annotations: userAnnotations('coder.service.annotations'),
    },
    spec: {
      type: new ScalarNode(valueRef('coder.service.type')),
      sessionAffinity: new ScalarNode(valueRef('coder.service.sessionAffinity')),
      // Ports by name, as the official chart: they follow the container if its numbers change.
      ports: [
        servicePort(HTTP_PORT_NAME, SERVICE_HTTP_PORT, 'coder.service.httpNodePort'),
        new OptionalItemNode(
          tlsEnabled(),
          servicePort(HTTPS_PORT_NAME, SERVICE_HTTPS_PORT, 'coder.service.httpsNodePort'),
        ),
        // The user's ports, with node ports kept where Kubernetes allocates them (as above).
        new SpliceNode(ternary(additionalPorts(), omitEach(additionalPorts(), 'nodePort'), hasNodePorts())),
      ],
      selector: { ...selectorLabels(), [VERSION_LABEL]: versionSelector() },
      // Load-balancer settings only on a LoadBalancer Service (Kubernetes rejects them elsewhere).
      loadBalancerIP: optionalField(isLoadBalancer(), 'coder.service.loadBalancerIP'),
      loadBalancerClass: optionalField(isLoadBalancer(), 'coder.service.loadBalancerClass'),
      externalTrafficPolicy: optionalField(isLoadBalancer(), 'coder.service.externalTrafficPolicy'),
    },
  });

  public documents(): Document[] {
    return [
      { file: 'service.yaml', source: SOURCE, cond: valueRef('coder.service.enable'), tree: this.service.tree() },
    ];
  }
}
