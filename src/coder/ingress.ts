/** The Ingress (networking.k8s.io/v1) in front of the Service, as the official chart renders it. */
import { sourceFileOf } from '../paths';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { and, empty, Expr, not, regexReplaceAll } from '../expr/expr';
import { Document, Guard, OptionalItemNode, OptionalNode, ScalarNode } from '../tree/nodes';
import { Authored, kubeObject } from '../tree/kube-object';
import { release, under } from '../values/refs';
import { standardLabels, userAnnotations } from './labels';
import {
  allOf,
  EMPTY_STRING,
  NON_EMPTY_STRING,
  ruleGuard,
  TURNED_ON,
  valueAt,
  valueIs,
  whenThen,
} from './schema-rules';
import { CODER_NAME, HTTP_PORT_NAME } from './names';

/** This file, named in the banner of the templates it writes. */
const SOURCE = sourceFileOf(__filename);

const ingress = under('coder.ingress');

/**
 * The wildcard host as a legal Ingress host: `*-suffix.example.com` (Coder's wildcard app
 * form) becomes `*.example.com`, as in the official chart.
 */
export const wildcardRuleHost = (wildcardHost: Expr<string>): Expr<string> =>
  regexReplaceAll('\\*[^.]*(\\..*)', wildcardHost, '*${1}');

const wildcardHost = () => wildcardRuleHost(ingress('wildcardHost'));

function rule(host: Expr<string>): Authored<k8s.IngressRule> {
  return {
    host: new ScalarNode(host),
    http: {
      paths: [
        {
          path: '/',
          pathType: 'Prefix',
          backend: { service: { name: CODER_NAME, port: { name: HTTP_PORT_NAME } } },
        },
      ],
    },
  };
}

export class CoderIngress extends Construct {
  private readonly ingress = kubeObject(this, 'Resource', k8s.KubeIngress, {
    metadata: {
      name: CODER_NAME,
      namespace: new ScalarNode(release.namespace),
      labels: standardLabels(),
      annotations: userAnnotations('coder.ingress.annotations'),
    },
    spec: {
      // An empty class name fails validation in Kubernetes: leave it out instead.
      ingressClassName: new OptionalNode(ingress('className'), new ScalarNode(ingress('className'))),
      rules: [rule(ingress('host')), new OptionalItemNode(ingress('wildcardHost'), rule(wildcardHost()))],
      tls: new OptionalNode(ingress('tls.enable'), [
        { hosts: [new ScalarNode(ingress('host'))], secretName: new ScalarNode(ingress('tls.secretName')) },
        new OptionalItemNode(ingress('tls.wildcardSecretName'), {
          hosts: [new ScalarNode(wildcardHost())],
          secretName: new ScalarNode(ingress('tls.wildcardSecretName')),
        }),
      ]),
    },
  });

  public documents(): Document[] {
    return [{ file: 'ingress.yaml', source: SOURCE, cond: ingress('enable'), tree: this.ingress.tree() }];
  }

  public guards(): Guard[] {
    const enabled = valueIs('coder.ingress.enable', TURNED_ON);
    return [
      ruleGuard(
        'coder.ingress.host',
        'coder.ingress.host is required when coder.ingress.enable is true: set the host name Coder is served at.',
        and(ingress('enable'), empty(ingress('host'))),
        whenThen(enabled, valueIs('coder.ingress.host', NON_EMPTY_STRING)),
      ),
      ruleGuard(
        'coder.ingress.tls.secretName',
        'coder.ingress.tls.secretName is required when coder.ingress.tls.enable is true: name the TLS Secret for coder.ingress.host.',
        and(ingress('enable'), ingress('tls.enable'), empty(ingress('tls.secretName'))),
        whenThen(
          allOf(enabled, valueIs('coder.ingress.tls.enable', TURNED_ON)),
          valueIs('coder.ingress.tls.secretName', NON_EMPTY_STRING),
        ),
      ),
      ruleGuard(
        'coder.ingress.tls.wildcardSecretName',
        'coder.ingress.tls.wildcardSecretName is set but coder.ingress.wildcardHost is empty: set the wildcard host, or remove the Secret name.',
        and(ingress('enable'), not(empty(ingress('tls.wildcardSecretName'))), empty(ingress('wildcardHost'))),
        // Stated as "without a wildcard host, no wildcard Secret", so that schema errors name the Secret.
        whenThen(
          allOf(enabled, valueAt('coder.ingress.wildcardHost', EMPTY_STRING)),
          valueAt('coder.ingress.tls.wildcardSecretName', EMPTY_STRING),
        ),
      ),
    ];
  }
}
