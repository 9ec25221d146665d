/**
 * The coderd environment: the chart's variables in the official chart's order, then the user's
 * `coder.env`. Order matters: `$(VAR)` expands only variables defined earlier in the list, so
 * KUBE_POD_IP must precede CODER_DERP_SERVER_RELAY_URL.
 */
import { and, bound, concat, empty, Expr, join, lit, not, ternary } from '../expr/expr';
import { duplicatesOf, hasItemNamed, joinEach, namesOf } from './helpers';
import { itemNamed, noItem, ruleGuard, valueAt } from './schema-rules';
import { k8s } from 'cdk8s-plus-28';
import { Guard, OptionalItemNode, ScalarNode, SpliceNode } from '../tree/nodes';
import { Authored } from '../tree/kube-object';
import { release, valueRef } from '../values/refs';
import { containerResource, tlsEnabled } from './conditions';
import { customRelays, ipv6, relayURL } from './high-availability';
import { CODER_NAME, HTTP_PORT, HTTPS_PORT, PPROF_PORT, PROMETHEUS_PORT, TLS_MOUNT_ROOT } from './names';

const userEnv = (): Expr => valueRef('coder.env');

/** How a chart variable relates to the user's `coder.env`. */
enum UserOverride {
  /** The user's entry replaces the chart's. */
  REPLACES,
  /** The user may not set it: the chart's other objects depend on its value. */
  FORBIDDEN,
}

/** Where a variable's value comes from: `value` or `valueFrom`. */
type EnvSource = Authored<Omit<k8s.EnvVar, 'name'>>;

interface ChartVariable {
  readonly name: string;
  readonly entry: () => EnvSource;
  readonly override: UserOverride;
  /** Why the user may not set it (for FORBIDDEN variables). */
  readonly reserved?: string;
  /** Set only when this holds (besides the user not setting it). */
  readonly when?: () => Expr;
}

const fromPodIP = (): EnvSource => ({ valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });

/** The in-cluster access URL: the Service's cluster DNS name, https when coderd serves TLS. */
export const clusterAccessURL = (): Expr<string> =>
  concat(
    ternary(lit('https'), lit('http'), tlsEnabled()),
    lit(`://${CODER_NAME}.`),
    release.namespace,
    lit('.svc.cluster.local'),
  );

const tlsSecrets = (): Expr => valueRef('coder.tls.secretNames');

/** Where coderd listens on `port`: every interface of the pod's IP family. */
const listenOn = (port: number): EnvSource => ({
  value: new ScalarNode(ternary(lit(`[::]:${port}`), lit(`0.0.0.0:${port}`), ipv6())),
});

/** The container's memory limit, or empty when there is none. */
const memoryLimit = (): Expr => containerResource('limits', 'memory');

const CHART_VARIABLES: readonly ChartVariable[] = [
  {
    name: 'CODER_HTTP_ADDRESS',
    entry: () => listenOn(HTTP_PORT),
    override: UserOverride.FORBIDDEN,
    reserved: `the Service, the probes and the relay URL all expect coderd on port ${HTTP_PORT}`,
  },
  {
    name: 'CODER_PROMETHEUS_ENABLE',
    entry: () => ({ value: 'true' }),
    override: UserOverride.REPLACES,
    when: () => valueRef('coder.metrics.enable'),
  },
  {
    name: 'CODER_PROMETHEUS_ADDRESS',
    entry: () => listenOn(PROMETHEUS_PORT),
    override: UserOverride.REPLACES,
  },
  { name: 'CODER_PPROF_ADDRESS', entry: () => listenOn(PPROF_PORT), override: UserOverride.REPLACES },
  {
    name: 'CODER_PROVISIONER_DAEMON_PSK',
    entry: () => ({
      valueFrom: { secretKeyRef: { name: new ScalarNode(valueRef('provisionerDaemon.pskSecretName')), key: 'psk' } },
    }),
    override: UserOverride.REPLACES,
    when: () => valueRef('provisionerDaemon.pskSecretName'),
  },
  {
    name: 'CODER_ACCESS_URL',
    entry: () => ({ value: new ScalarNode(clusterAccessURL()) }),
    override: UserOverride.REPLACES,
    when: () => valueRef('coder.envUseClusterAccessURL'),
  },
  {
    name: 'KUBE_POD_IP',
    entry: fromPodIP,
    override: UserOverride.FORBIDDEN,
    reserved: 'the chart sets it from status.podIP and builds CODER_DERP_SERVER_RELAY_URL from it',
  },
  {
    name: 'CODER_DERP_SERVER_RELAY_URL',
    entry: () => ({ value: new ScalarNode(relayURL()) }),
    override: UserOverride.REPLACES,
    // With custom relays Coder ignores it (Postgres is the only rendezvous): leave it out.
    when: () => not(customRelays()),
  },
  { name: 'CODER_CLUSTER_HOST', entry: fromPodIP, override: UserOverride.REPLACES },
  {
    // The Go runtime collects garbage harder as it nears the container's memory limit instead of
    // being killed at it (the official chart's default). Without a limit there is nothing to use.
    name: 'GOMEMLIMIT',
    entry: () => ({ valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } }),
    override: UserOverride.REPLACES,
    when: () => not(empty(memoryLimit())),
  },
  { name: 'CODER_TLS_ENABLE', entry: () => ({ value: 'true' }), override: UserOverride.REPLACES, when: tlsSecrets },
  {
    name: 'CODER_TLS_ADDRESS',
    entry: () => listenOn(HTTPS_PORT),
    override: UserOverride.REPLACES,
    when: tlsSecrets,
  },
  {
    name: 'CODER_TLS_CERT_FILE',
    entry: () => ({ value: new ScalarNode(joinEach(tlsSecrets(), `${TLS_MOUNT_ROOT}/`, '/tls.crt', ',')) }),
    override: UserOverride.REPLACES,
    when: tlsSecrets,
  },
  {
    name: 'CODER_TLS_KEY_FILE',
    entry: () => ({ value: new ScalarNode(joinEach(tlsSecrets(), `${TLS_MOUNT_ROOT}/`, '/tls.key', ',')) }),
    override: UserOverride.REPLACES,
    when: tlsSecrets,
  },
];

/** The env list of the coderd container: chart variables, then the user's. */
export function coderEnv(): Authored<k8s.EnvVar[]> {
  const items: Authored<k8s.EnvVar[]> = CHART_VARIABLES.map((variable) => {
    const item: Authored<k8s.EnvVar> = { name: variable.name, ...variable.entry() };
    const conds: Expr[] = [];
    if (variable.when) conds.push(variable.when());
    if (variable.override === UserOverride.REPLACES) conds.push(not(hasItemNamed(userEnv(), variable.name)));
    if (conds.length === 0) return item;
    return new OptionalItemNode(conds.length === 1 ? conds[0] : and(...conds), item);
  });
  items.push(new SpliceNode(userEnv()));
  return items;
}

/** Refusals that keep env names unique and the chart-owned variables intact. */
export function envGuards(): Guard[] {
  const reserved = CHART_VARIABLES.filter((v) => v.override === UserOverride.FORBIDDEN);
  const duplicates = bound('repeatedEnvNames', duplicatesOf(namesOf(userEnv())));
  return [
    ...reserved.map((variable) =>
      ruleGuard(
        'coder.env',
        `coder.env must not set ${variable.name}: ${variable.reserved}. Remove it from coder.env.`,
        hasItemNamed(userEnv(), variable.name),
        valueAt('coder.env', noItem(itemNamed(variable.name))),
      ),
    ),
    {
      renderOnly: 'a variable named twice in `coder.env` (schema can only compare whole items)',
      when: duplicates,
      message: concat(
        lit('coder.env sets '),
        join(', ', duplicates),
        lit(' more than once; keep one entry per variable name.'),
      ),
    },
  ];
}
