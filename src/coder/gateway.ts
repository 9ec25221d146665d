/**
 * Gateway API objects: the HTTPRoute to the Service, the optional HTTP-to-HTTPS redirect route,
 * and a ListenerSet that adds Coder's listeners to a shared Gateway.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { and, empty, Expr, lit } from '../expr/expr';
import { BlockNode, Document, Guard, OptionalItemNode, ScalarNode, Tree, TreeMap, WithNode } from '../tree/nodes';
import { TokenRegistry } from '../tree/tokens';
import { release, under } from '../values/refs';
import { wildcardRuleHost } from './ingress';
import { standardLabels } from './labels';
import { CODER_NAME, SERVICE_HTTP_PORT } from './names';

const GATEWAY_API = 'gateway.networking.k8s.io/v1';
const route = under('coder.httproute');
const listenerSet = under('coder.listenerset');

function hostnames(): Tree[] {
  return [
    new ScalarNode(route('host')),
    new OptionalItemNode(
      route('wildcardHost'),
      new ScalarNode(wildcardRuleHost(route('wildcardHost') as Expr<string>)),
    ),
  ];
}

export class CoderGateway extends Construct {
  private readonly objects: Record<'route' | 'redirect' | 'listenerSet', ApiObject>;

  public constructor(
    scope: Construct,
    id: string,
    private readonly tokens: TokenRegistry,
  ) {
    super(scope, id);
    const metadata = (name: string) => ({
      name,
      namespace: tokens.scalar(release.namespace),
      labels: standardLabels(tokens),
    });
    this.objects = {
      route: new ApiObject(this, 'HTTPRoute', {
        apiVersion: GATEWAY_API,
        kind: 'HTTPRoute',
        metadata: metadata(CODER_NAME),
      }),
      redirect: new ApiObject(this, 'HTTPSRedirect', {
        apiVersion: GATEWAY_API,
        kind: 'HTTPRoute',
        metadata: metadata(`${CODER_NAME}-https-redirect`),
      }),
      listenerSet: new ApiObject(this, 'ListenerSet', {
        apiVersion: GATEWAY_API,
        kind: 'ListenerSet',
        metadata: metadata(CODER_NAME),
      }),
    };
  }

  private base(object: ApiObject, annotations: Expr): TreeMap {
    const tree = this.tokens.resolve(object.toJson()) as TreeMap;
    return { ...tree, metadata: { ...(tree.metadata as TreeMap), annotations: new WithNode(annotations) } };
  }

  public documents(): Document[] {
    return [
      {
        file: 'httproute.yaml',
        cond: route('enable'),
        tree: {
          ...this.base(this.objects.route, route('annotations')),
          spec: {
            parentRefs: new BlockNode(route('parentRefs')),
            hostnames: hostnames(),
            // Gateway API backends name a Service port by number, not by name.
            rules: [{ backendRefs: [{ name: CODER_NAME, port: SERVICE_HTTP_PORT }] }],
          },
        },
      },
      {
        file: 'httproute-https-redirect.yaml',
        cond: and(route('enable'), route('httpsRedirect.enable')),
        tree: {
          ...this.base(this.objects.redirect, route('annotations')),
          spec: {
            parentRefs: new BlockNode(route('httpsRedirect.parentRefs')),
            hostnames: hostnames(),
            rules: [
              {
                filters: [
                  {
                    type: 'RequestRedirect',
                    requestRedirect: { scheme: 'https', statusCode: new ScalarNode(route('httpsRedirect.statusCode')) },
                  },
                ],
              },
            ],
          },
        },
      },
      {
        file: 'listenerset.yaml',
        cond: listenerSet('enable'),
        tree: {
          ...this.base(this.objects.listenerSet, listenerSet('annotations')),
          spec: {
            parentRef: new BlockNode(listenerSet('parentRef')),
            listeners: new BlockNode(listenerSet('listeners')),
          },
        },
      },
    ];
  }

  public guards(): Guard[] {
    const required = (enabled: Expr, value: Expr, message: string): Guard => ({
      when: and(enabled, empty(value)),
      message: lit(message),
    });
    return [
      required(
        route('enable'),
        route('host'),
        'coder.httproute.host is required when coder.httproute.enable is true: set the host name Coder is served at.',
      ),
      required(
        route('enable'),
        route('parentRefs'),
        'coder.httproute.parentRefs is required when coder.httproute.enable is true: name the Gateway (or ListenerSet) the route attaches to.',
      ),
      required(
        and(route('enable'), route('httpsRedirect.enable')),
        route('httpsRedirect.parentRefs'),
        'coder.httproute.httpsRedirect.parentRefs is required when coder.httproute.httpsRedirect.enable is true: name the HTTP listener(s) to redirect from.',
      ),
      required(
        listenerSet('enable'),
        listenerSet('parentRef.name'),
        'coder.listenerset.parentRef.name is required when coder.listenerset.enable is true: name the Gateway to attach to.',
      ),
      required(
        listenerSet('enable'),
        listenerSet('listeners'),
        'coder.listenerset.listeners is required when coder.listenerset.enable is true: list at least one listener.',
      ),
    ];
  }
}
