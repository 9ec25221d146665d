/**
 * Gateway API objects: the HTTPRoute to the Service, the optional HTTP-to-HTTPS redirect route,
 * and a ListenerSet that adds Coder's listeners to a shared Gateway.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { and, empty, Expr } from '../expr/expr';
import { BlockNode, Document, Guard, OptionalItemNode, ScalarNode, Tree, TreeMap, WithNode } from '../tree/nodes';
import { TokenRegistry } from '../tree/tokens';
import { ValuePath } from '../generated/values';
import { release, under, valueRef } from '../values/refs';
import { SchemaNode } from '../values/schema';
import { allOf, NON_EMPTY_LIST, NON_EMPTY_STRING, ruleGuard, TURNED_ON, valueIs, whenThen } from './schema-rules';
import { wildcardRuleHost } from './ingress';
import { standardLabels } from './labels';
import { CODER_NAME, SERVICE_HTTP_PORT } from './names';

const GATEWAY_API = 'gateway.networking.k8s.io/v1';
const route = under('coder.httproute');
const listenerSet = under('coder.listenerset');

function hostnames(): Tree[] {
  return [
    new ScalarNode(route('host')),
    new OptionalItemNode(route('wildcardHost'), new ScalarNode(wildcardRuleHost(route('wildcardHost')))),
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
                // Every path, written out as the official chart does (it is also Gateway API's default).
                matches: [{ path: { type: 'PathPrefix', value: '/' } }],
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
    // Each: when these switches are on, this key must not be empty.
    const required = (switches: readonly ValuePath[], path: ValuePath, nonEmpty: SchemaNode, advice: string): Guard =>
      ruleGuard(
        path,
        `${path} is required when ${switches[switches.length - 1]} is true: ${advice}`,
        and(...switches.map((s) => valueRef(s)), empty(valueRef(path))),
        whenThen(allOf(...switches.map((s) => valueIs(s, TURNED_ON))), valueIs(path, nonEmpty)),
      );
    const routeOn: ValuePath = 'coder.httproute.enable';
    const listenerSetOn: ValuePath = 'coder.listenerset.enable';
    return [
      required([routeOn], 'coder.httproute.host', NON_EMPTY_STRING, 'set the host name Coder is served at.'),
      required(
        [routeOn],
        'coder.httproute.parentRefs',
        NON_EMPTY_LIST,
        'name the Gateway (or ListenerSet) the route attaches to.',
      ),
      required(
        [routeOn, 'coder.httproute.httpsRedirect.enable'],
        'coder.httproute.httpsRedirect.parentRefs',
        NON_EMPTY_LIST,
        'name the HTTP listener(s) to redirect from.',
      ),
      required([listenerSetOn], 'coder.listenerset.parentRef.name', NON_EMPTY_STRING, 'name the Gateway to attach to.'),
      required([listenerSetOn], 'coder.listenerset.listeners', NON_EMPTY_LIST, 'list at least one listener.'),
    ];
  }
}
