/**
 * Gateway API objects: the HTTPRoute to the Service, the optional HTTP-to-HTTPS redirect route,
 * and a ListenerSet that adds Coder's listeners to a shared Gateway.
 */
import { sourceFileOf } from '../paths';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { and, empty } from '../expr/expr';
import { BlockNode, Document, Guard, OptionalItemNode, ScalarNode } from '../tree/nodes';
import { Authored, customObject } from '../tree/kube-object';
import { ValuePath } from '../generated/values';
import { release, under, valueRef } from '../values/refs';
import { SchemaNode } from '../values/schema';
import { allOf, NON_EMPTY_LIST, NON_EMPTY_STRING, ruleGuard, TURNED_ON, valueIs, whenThen } from './schema-rules';
import { wildcardRuleHost } from './ingress';
import { standardLabels, userAnnotations } from './labels';
import { CODER_NAME, SERVICE_HTTP_PORT } from './names';

/** This file, named in the banner of the templates it writes. */
const SOURCE = sourceFileOf(__filename);

const HTTP_ROUTE = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' };
const LISTENER_SET = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'ListenerSet' };

/** The parts of Gateway API's HTTPRoute (v1) that the chart writes; the user's parts are blocks. */
interface HttpRouteProps {
  readonly metadata: k8s.ObjectMeta;
  readonly spec: {
    readonly parentRefs: object[];
    readonly hostnames: string[];
    readonly rules: {
      readonly backendRefs?: { readonly name: string; readonly port: number }[];
      readonly filters?: {
        readonly type: string;
        readonly requestRedirect: { readonly scheme: string; readonly statusCode: number };
      }[];
      readonly matches?: { readonly path: { readonly type: string; readonly value: string } }[];
    }[];
  };
}

/** A ListenerSet (Gateway API v1): the Gateway it joins and its listeners, both from values. */
interface ListenerSetProps {
  readonly metadata: k8s.ObjectMeta;
  readonly spec: { readonly parentRef: object; readonly listeners: object[] };
}
const route = under('coder.httproute');
const listenerSet = under('coder.listenerset');

function hostnames(): Authored<string[]> {
  return [
    new ScalarNode(route('host')),
    new OptionalItemNode(route('wildcardHost'), new ScalarNode(wildcardRuleHost(route('wildcardHost')))),
  ];
}

const metadata = (name: string, annotations: ValuePath): Authored<k8s.ObjectMeta> => ({
  name,
  namespace: new ScalarNode(release.namespace),
  labels: standardLabels(),
  annotations: userAnnotations(annotations),
});

export class CoderGateway extends Construct {
  private readonly route = customObject<HttpRouteProps>(this, 'HTTPRoute', HTTP_ROUTE, {
    metadata: metadata(CODER_NAME, 'coder.httproute.annotations'),
    spec: {
      parentRefs: new BlockNode(route('parentRefs')),
      hostnames: hostnames(),
      // Gateway API backends name a Service port by number, not by name.
      rules: [{ backendRefs: [{ name: CODER_NAME, port: SERVICE_HTTP_PORT }] }],
    },
  });

  private readonly redirect = customObject<HttpRouteProps>(this, 'HTTPSRedirect', HTTP_ROUTE, {
    metadata: metadata(`${CODER_NAME}-https-redirect`, 'coder.httproute.annotations'),
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
  });

  private readonly listenerSet = customObject<ListenerSetProps>(this, 'ListenerSet', LISTENER_SET, {
    metadata: metadata(CODER_NAME, 'coder.listenerset.annotations'),
    spec: {
      parentRef: new BlockNode(listenerSet('parentRef')),
      listeners: new BlockNode(listenerSet('listeners')),
    },
  });

  public documents(): Document[] {
    return [
      { file: 'httproute.yaml', source: SOURCE, cond: route('enable'), tree: this.route.tree() },
      {
        file: 'httproute-https-redirect.yaml',
        source: SOURCE,
        cond: and(route('enable'), route('httpsRedirect.enable')),
        tree: this.redirect.tree(),
      },
      { file: 'listenerset.yaml', source: SOURCE, cond: listenerSet('enable'), tree: this.listenerSet.tree() },
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
