/**
 * What makes several coderd replicas a resilient cluster, and what refuses setups in which they
 * could not find each other. Coder's HA contract: replicas share one Postgres; each is reached
 * by the others at CODER_DERP_SERVER_RELAY_URL, its own pod address, never the load-balanced
 * access URL; with custom relays (embedded DERP off) the relay URL is unused.
 */
import {
  and,
  bound,
  concat,
  contains,
  defaultTo,
  empty,
  eq,
  Expr,
  get,
  gt,
  has,
  hasKey,
  intString,
  listOf,
  lit,
  lower,
  ne,
  not,
  or,
  regexReplaceAll,
  sub,
  ternary,
  toInt,
} from '../expr/expr';
import { hasItemNamed, helpers, imageVersion, liveContainerImage } from './helpers';
import { GoValue } from '../expr/go-semantics';
import {
  BlockNode,
  ChoiceNode,
  Guard,
  OptionalItemNode,
  OptionalNode,
  ScalarNode,
  SpliceNode,
  Tree,
  TreeMap,
} from '../tree/nodes';
import { selectorLabels } from './labels';
import { SchemaNode } from '../values/schema';
import { ValuePath } from '../generated/values';
import { release, under, valueRef } from '../values/refs';
import { userEnvValues } from './conditions';
import { coderImage, coderVersionLabel } from './image';
import { CODER_NAME, CONTAINER_NAME, HTTP_PORT } from './names';
import {
  allOf,
  itemNamed,
  NON_EMPTY_LIST,
  noItem,
  ruleGuard,
  TURNED_ON,
  valueAt,
  valueIs,
  whenThen,
} from './schema-rules';

const ha = under('coder.highAvailability');
const userEnv = (): Expr => valueRef('coder.env');

/** coder.autoscaling.enable: a HorizontalPodAutoscaler owns the replica count. */
export const autoscalingOn = (): Expr => valueRef('coder.autoscaling.enable');

/** coder.replicaCount, or with the autoscaler on, its `limit` (a shared value `$name`, see HelperLibrary.value). */
const replicasOr = (limit: 'minReplicas' | 'maxReplicas', name: string): Expr<number> =>
  helpers.value(
    name,
    'int',
    `coder.replicaCount, or coder.autoscaling.${limit} with the autoscaler on.`,
    toInt(ternary(valueRef(`coder.autoscaling.${limit}`), valueRef('coder.replicaCount'), autoscalingOn())),
  );

/** The replicas the chart plans for: coder.replicaCount, or the autoscaler's minimum. */
export const plannedReplicas = (): Expr<number> => replicasOr('minReplicas', 'plannedReplicas');

/** More than one replica: Coder runs in HA mode and the HA defaults apply. */
export const isHighlyAvailable = (): Expr<boolean> => gt(plannedReplicas(), lit(1));

/** More than one replica may run at some time: with the autoscaler, its maximum is above 1. */
export const maySeveralRun = (): Expr<boolean> => gt(replicasOr('maxReplicas', 'mostReplicas'), lit(1));

/** Custom relays: the user turned the embedded DERP server off, so no relay URL is needed. */
export const customRelays = (): Expr<boolean> =>
  bound('customRelays', has(lower(get(userEnvValues(), 'CODER_DERP_SERVER_ENABLE')), lit(['false', '0', 'f'])));

/**
 * IPv6-only pods: `coder.singleStackIPv6` (the official chart's key) or its earlier spelling here,
 * `coder.podIPFamily: IPv6`; either one says it. (Truthy, as Go's `or` returns an operand.)
 */
export const ipv6 = (): Expr =>
  bound('ipv6', or(valueRef('coder.singleStackIPv6'), eq(valueRef('coder.podIPFamily'), lit('IPv6'))));

/** `http://$(KUBE_POD_IP):8080`, with the IP in brackets for IPv6 (official issue #27266). */
export const relayURL = (): Expr<string> =>
  ternary(lit(`http://[$(KUBE_POD_IP)]:${HTTP_PORT}`), lit(`http://$(KUBE_POD_IP):${HTTP_PORT}`), ipv6());

/** Prefer one replica per node, matching this release's pods (the official default matched only `coder`). */
const antiAffinityDefault = (): TreeMap => ({
  podAntiAffinity: {
    preferredDuringSchedulingIgnoredDuringExecution: [
      {
        weight: 100,
        podAffinityTerm: {
          labelSelector: { matchLabels: selectorLabels() },
          topologyKey: 'kubernetes.io/hostname',
        },
      },
    ],
  },
});

/**
 * Spread evenly over zones, then nodes; ScheduleAnyway keeps pods schedulable on small clusters.
 * matchLabelKeys counts only the pods of the scheduled pod's own revision: without it the old
 * revision's pods, about to go, steer where the new ones land, and a rollout can end with two
 * replicas on one node and none on another (seen in the e2e suite with the real scheduler).
 */
const topologySpreadDefault = (): Tree[] =>
  ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: selectorLabels() },
    matchLabelKeys: ['pod-template-hash'],
  }));

/** Surge one new replica before taking an old one down: a rollout never drops below replicaCount. */
const rollingUpdateDefault = (): TreeMap => ({
  type: 'RollingUpdate',
  rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
});

/** The user's value when given, else the chart's default written out as YAML. */
const userOr = (user: Expr, fallback: Tree): ChoiceNode =>
  new ChoiceNode(not(empty(user)), new BlockNode(user), fallback);

/** The user's value when given; else, in HA mode and when switched on, the chart's default. */
function userOrHighAvailabilityDefault(
  userPath: ValuePath,
  enabled: Expr,
  fallback: Tree,
  comment: string,
): OptionalNode {
  const user = valueRef(userPath);
  return new OptionalNode(or(not(empty(user)), and(isHighlyAvailable(), enabled)), userOr(user, fallback), comment);
}

/** The chart's own spread (zones, then nodes) applies: several replicas, and the switch on. */
export const defaultSpreadWanted = (): Expr => and(isHighlyAvailable(), ha('topologySpread'));

/** With several replicas, the spread that renders is not the chart's own: switched off, or the user's. */
const defaultSpreadReplaced = (): Expr =>
  or(not(ha('topologySpread')), not(empty(valueRef('coder.topologySpreadConstraints'))));

/**
 * The anti-affinity default stands in for the spread when the chart's own spread is off. Beside
 * it, it would count the old revision's pods during a rollout (pod affinity terms have no
 * matchLabelKeys before Kubernetes 1.29) and pull against the spread, which counts only the new.
 */
export const affinityField = (): OptionalNode =>
  userOrHighAvailabilityDefault(
    'coder.affinity',
    and(ha('antiAffinity'), defaultSpreadReplaced()),
    antiAffinityDefault(),
    "coder.affinity, or with several replicas and without the chart's spread its default: one replica per node where possible.",
  );

export const topologySpreadField = (): OptionalNode =>
  userOrHighAvailabilityDefault(
    'coder.topologySpreadConstraints',
    ha('topologySpread'),
    topologySpreadDefault(),
    "coder.topologySpreadConstraints, or with several replicas the chart's default: even over zones, then nodes.",
  );

// ---- Coder version upgrades --------------------------------------------------------------------

/**
 * This upgrade changes the Coder version of a live release: the version its image runs, not the
 * image string, so that a mirror or a pinned digest is not taken for a new version. Coder
 * migrates its database when a new version starts, and its upgrade guidance warns that old
 * replicas holding connections may keep the migration from taking its locks. Only `lookup` can see
 * the live Deployment: renders without a cluster see none and treat every upgrade as a config
 * change.
 */
export const changesCoderVersion = (): Expr => {
  const live = liveCoderImage();
  return and(not(empty(live)), ne(imageVersion(live), imageVersion(coderImage())));
};

/** The image the live Deployment's coder container runs ("" without one): one lookup per render, however many ask. */
export const liveCoderImage = (): Expr<string> =>
  helpers.value(
    'liveCoderImage',
    'string',
    'The image the coder container of the live Deployment runs; "" before the first install.',
    liveContainerImage(release.namespace, CODER_NAME, CONTAINER_NAME),
  );

/**
 * The Service sends requests only to replicas of the Coder version the release runs (unless
 * versionUpgrade is rolling): an old replica keeps answering /healthz once a new version has
 * migrated the database, but answers signed-in users with 401 (observed with real coderd,
 * test/e2e/real-upgrade.e2e.ts), and no probe can tell. With the version in the selector the
 * upgrade takes every old replica out of the endpoints the moment it is applied, before any new
 * one has started to migrate. The pods always carry the label, so switching modes moves nothing.
 */
export const versionSelector = (): OptionalNode =>
  new OptionalNode(ne(ha('versionUpgrade'), lit('rolling')), new ScalarNode(coderVersionLabel()));

/**
 * Coder's "scale to one" without `kubectl scale`: the old ReplicaSet drops to one replica
 * (maxUnavailable N-1) before any pod of the new version is created (maxSurge 0: the Deployment
 * controller may not add a new pod until the old ones are told to stop), and that one keeps
 * serving while the new version migrates. With one replica, the single old pod stays up until
 * its replacement is ready.
 */
const minimalDowntimeRollout = (): TreeMap => ({
  type: 'RollingUpdate',
  rollingUpdate: { maxSurge: 0, maxUnavailable: new ScalarNode(sub(plannedReplicas(), lit(1))) },
});

/** Coder's "scale to zero": every old replica stops before the new version starts. */
const cutoverRollout = (): TreeMap => ({ type: 'Recreate' });

export const versionUpgradeWanted = (): Expr =>
  helpers.value(
    'versionUpgradeRollout',
    'bool',
    'This upgrade changes the Coder version and versionUpgrade is not rolling: the version-upgrade rollout applies.',
    and(ne(ha('versionUpgrade'), lit('rolling')), changesCoderVersion()),
  );

/**
 * This upgrade gives the Deployment a rollout that takes replicas down at once: the cutover, or
 * minimalDowntime with several replicas (with one, it is the surge rollout), unless coder.strategy
 * replaces the chart's.
 */
export const versionUpgradeTakesReplicasDown = (): Expr =>
  and(
    versionUpgradeWanted(),
    empty(valueRef('coder.strategy')),
    or(eq(ha('versionUpgrade'), lit('cutover')), isHighlyAvailable()),
  );

/**
 * The Deployment strategy: the user's when given; for a Coder version change, the versionUpgrade
 * mode; else, in HA mode, the surge rollout that never drops below replicaCount ready replicas.
 */
export const strategyField = (): OptionalNode => {
  const user = valueRef('coder.strategy');
  const versionUpgrade = versionUpgradeWanted();
  // One chain, so that each rollout is written once: with one replica, a minimalDowntime upgrade
  // is the surge rollout (the old pod serves until its replacement is ready).
  const rollout = new ChoiceNode(
    and(versionUpgrade, eq(ha('versionUpgrade'), lit('cutover'))),
    cutoverRollout(),
    new ChoiceNode(and(versionUpgrade, isHighlyAvailable()), minimalDowntimeRollout(), rollingUpdateDefault()),
  );
  return new OptionalNode(
    or(not(empty(user)), versionUpgrade, and(isHighlyAvailable(), ha('rollingUpdate'))),
    userOr(user, rollout),
    'coder.strategy; else for a new Coder version the versionUpgrade rollout; else with several replicas surge-only.',
  );
};

export const podDisruptionBudgetWanted = (): Expr => and(isHighlyAvailable(), ha('podDisruptionBudget.enable'));

// ---- A failed node ----------------------------------------------------------------------------

/**
 * Kubernetes keeps a pod bound to a node that stopped answering for 300 s before it evicts it, and
 * only then does the ReplicaSet start a replacement: with several replicas the chart tolerates the
 * node's not-ready and unreachable taints for nodeFailureTolerationSeconds instead, after the
 * user's own tolerations (Kubernetes then evicts at the shortest matching toleration).
 */
export const tolerationsField = (): (SpliceNode | OptionalItemNode)[] => {
  const user = valueRef('coder.tolerations');
  const seconds = ha('nodeFailureTolerationSeconds');
  const chartTolerates = bound('nodeFailureTolerated', and(isHighlyAvailable(), gt(toInt(seconds), lit(0))));
  const toleration = (key: string) =>
    new OptionalItemNode(chartTolerates, {
      key,
      operator: 'Exists',
      effect: 'NoExecute',
      tolerationSeconds: new ScalarNode(toInt(seconds)),
    });
  return [
    new SpliceNode(user),
    toleration('node.kubernetes.io/not-ready'),
    toleration('node.kubernetes.io/unreachable'),
  ];
};

// ---- Stopping a replica ------------------------------------------------------------------------

/**
 * coderd closes its listener the moment it gets SIGTERM, while the endpoint removal still has to
 * reach kube-proxy and any ingress or load balancer: requests routed to it in between are
 * refused. A preStop hook that sleeps keeps it serving until they have moved on (observed with
 * real coderd: test/e2e/real-coder.e2e.ts). The user's coder.lifecycle replaces it.
 */
export const lifecycleField = (): OptionalNode => {
  const user = valueRef('coder.lifecycle');
  const sleepSeconds = ha('preStopSleepSeconds');
  return new OptionalNode(
    or(not(empty(user)), gt(toInt(sleepSeconds), lit(0))),
    userOr(user, { preStop: { exec: { command: ['sleep', new ScalarNode(intString(sleepSeconds))] } } }),
    'coder.lifecycle; else a preStop sleep of coder.highAvailability.preStopSleepSeconds.',
  );
};

// ---- Guards ----------------------------------------------------------------------------------

const PG_URL = 'CODER_PG_CONNECTION_URL';
const RELAY = 'CODER_DERP_SERVER_RELAY_URL';

/** CODER_PG_CONNECTION_URL is in coder.env, from a Secret or as a non-empty value. */
export const postgresInEnv = (): Expr =>
  bound(
    'postgresInEnv',
    and(
      hasItemNamed(userEnv(), PG_URL),
      not(and(hasKey(userEnvValues(), PG_URL), empty(get(userEnvValues(), PG_URL)))),
    ),
  );

/** The host of a URL, lower-cased (the text itself when it is not a URL). */
const hostOf = (url: Expr<string>): Expr<string> =>
  lower(regexReplaceAll('^[A-Za-z][A-Za-z0-9+.-]*://(\\[[^\\]]*\\]|[^/:?#]*).*$', url, '${1}'));

/**
 * The access URL coderd will use, as far as values tell (a valueFrom one is unknown here).
 * `ternary` needs a bool, so the flag is read as `not (empty …)`: a missing key (possible under
 * --skip-schema-validation) is off, as in the Deployment, instead of a Go error at the file's top.
 */
const effectiveAccessURL = (clusterAccessURL: Expr<string>): Expr<string> =>
  bound(
    'accessURL',
    defaultTo(
      ternary(clusterAccessURL, lit(''), not(empty(valueRef('coder.envUseClusterAccessURL')))),
      get(userEnvValues(), 'CODER_ACCESS_URL'),
    ),
  );

/** Every name under which the chart's own Service answers inside the cluster. */
const serviceHosts = (): Expr<GoValue[]> =>
  listOf(
    CODER_NAME,
    concat(lit(`${CODER_NAME}.`), release.namespace),
    concat(lit(`${CODER_NAME}.`), release.namespace, lit('.svc')),
    concat(lit(`${CODER_NAME}.`), release.namespace, lit('.svc.cluster.local')),
  );

/** An env item giving CODER_PG_CONNECTION_URL, from a Secret or as a non-empty value (`postgresInEnv`). */
const POSTGRES_URL_ITEM = itemNamed(PG_URL, {
  not: { type: 'object', required: ['value'], properties: { value: { type: 'string', maxLength: 0 } } },
});

/** The autoscaler is on (`autoscalingOn`), or not, as schema. */
const AUTOSCALING_ON = valueIs('coder.autoscaling.enable', TURNED_ON);
const AUTOSCALING_OFF: SchemaNode = { not: AUTOSCALING_ON };

/** Values under which more than one replica may run, as schema (`maySeveralRun`). */
const SEVERAL_MAY_RUN: SchemaNode = {
  anyOf: [
    allOf(AUTOSCALING_OFF, valueIs('coder.replicaCount', { type: 'integer', minimum: 2 })),
    allOf(AUTOSCALING_ON, valueIs('coder.autoscaling.maxReplicas', { type: 'integer', minimum: 2 })),
  ],
};

/** No database the replicas could share: not a workspace proxy, no Postgres URL, no envFrom. */
const NO_SHARED_DATABASE: SchemaNode = valueAt('coder', {
  not: {
    anyOf: [
      valueIs('workspaceProxy', { const: true }),
      valueIs('env', { type: 'array', contains: POSTGRES_URL_ITEM }),
      valueIs('envFrom', NON_EMPTY_LIST),
    ],
  },
});

const NO_POSTGRES_ADVICE =
  'no external Postgres is configured: every replica must use the same database. ' +
  'Set CODER_PG_CONNECTION_URL in coder.env (for example valueFrom.secretKeyRef), or provide it through coder.envFrom.';

/** The env item that turns the embedded DERP server off (`customRelays`), as schema. */
const CUSTOM_RELAYS_ITEM = itemNamed('CODER_DERP_SERVER_ENABLE', {
  required: ['value'],
  // `lower` of the value is one of false, 0, f.
  properties: { value: { type: 'string', pattern: '^([Ff][Aa][Ll][Ss][Ee]|0|[Ff])$' } },
});

/** A relay URL that is set and names no per-pod variable, as schema. */
const FIXED_ADDRESS: SchemaNode = { type: 'string', minLength: 1, not: { pattern: '\\$\\(' } };

export function highAvailabilityGuards(clusterAccessURL: Expr<string>): Guard[] {
  const userRelay = bound('userRelay', get(userEnvValues(), RELAY));
  const accessURL = effectiveAccessURL(clusterAccessURL);
  const relayHost = bound('relayHost', hostOf(userRelay));
  const relayIsLoadBalanced = or(
    eq(lower(userRelay), lower(accessURL)),
    and(not(empty(accessURL)), eq(relayHost, hostOf(accessURL))),
    has(relayHost, serviceHosts()),
  );
  const noSharedDatabase = bound(
    'noSharedDatabase',
    and(not(valueRef('coder.workspaceProxy')), not(postgresInEnv()), empty(valueRef('coder.envFrom'))),
  );
  return [
    // Each replica would start against its own built-in database and never join the others.
    // Stated as "without a shared database, at most one replica", so that Helm's schema error
    // names the replica count to lower.
    ruleGuard(
      'coder.replicaCount',
      `coder.replicaCount is above 1, but ${NO_POSTGRES_ADVICE}`,
      and(not(autoscalingOn()), gt(toInt(valueRef('coder.replicaCount')), lit(1)), noSharedDatabase),
      whenThen(
        allOf(AUTOSCALING_OFF, NO_SHARED_DATABASE),
        valueAt('coder.replicaCount', { type: 'integer', maximum: 1 }),
      ),
    ),
    // The autoscaler may add replicas at any time: Postgres as soon as its maximum is above 1.
    ruleGuard(
      'coder.autoscaling.maxReplicas',
      `coder.autoscaling.maxReplicas is above 1, but ${NO_POSTGRES_ADVICE}`,
      and(autoscalingOn(), gt(toInt(valueRef('coder.autoscaling.maxReplicas')), lit(1)), noSharedDatabase),
      whenThen(
        allOf(AUTOSCALING_ON, NO_SHARED_DATABASE),
        valueAt('coder.autoscaling.maxReplicas', { type: 'integer', maximum: 1 }),
      ),
    ),
    {
      // The access URL is a load balancer over all replicas: relaying to it reaches a random one.
      renderOnly:
        "`CODER_DERP_SERVER_RELAY_URL` at the access URL or the chart's Service (it compares two values and the namespace)",
      when: and(not(customRelays()), not(empty(userRelay)), relayIsLoadBalanced),
      message: lit(
        `coder.env sets ${RELAY} to a load-balanced address (the access URL or the chart's Service), but replicas must reach each other directly. ` +
          `Remove it from coder.env to use each pod's own address (http://$(KUBE_POD_IP):${HTTP_PORT}).`,
      ),
    },
    // One literal address for all replicas: only one of them is reachable there.
    ruleGuard(
      'coder.env',
      `coder.replicaCount (or coder.autoscaling.maxReplicas) is above 1, but coder.env sets ${RELAY} to one fixed address for every replica. ` +
        "Each replica needs its own: refer to a per-pod variable such as $(KUBE_POD_IP), or remove it to use the chart's.",
      and(maySeveralRun(), not(customRelays()), not(empty(userRelay)), not(contains('$(', userRelay))),
      whenThen(
        allOf(SEVERAL_MAY_RUN, valueAt('coder.env', noItem(CUSTOM_RELAYS_ITEM))),
        valueAt('coder.env', noItem(itemNamed(RELAY, { required: ['value'], properties: { value: FIXED_ADDRESS } }))),
      ),
    ),
  ];
}
