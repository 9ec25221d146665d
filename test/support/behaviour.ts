/**
 * What a user relies on, checked on a render against the values it came from. Each expectation is
 * worked out here from the values alone, in plain TypeScript and independently of src/coder, so
 * that a bug shared by the template and concrete back-ends fails on behaviour, not only on
 * disagreement between them.
 */
import { deepEqual, GoMap, GoValue, isMap, isTruthy } from '../../src/expr/go-semantics';
import { invariantViolations, officialSelector } from './invariants';
import { chartInfo } from '../../src/chart-meta';

const obj = (v: GoValue | undefined): GoMap => (isMap(v) ? v : {});
const list = (v: GoValue | undefined): GoMap[] => (Array.isArray(v) ? (v.filter(isMap) as GoMap[]) : []);
const nameOf = (o: GoMap): string => String(obj(o.metadata).name);

export interface RenderContext {
  /** The values the templates saw: the user's over the chart's defaults (`resolveValues`). */
  readonly values: GoMap;
  readonly release: string;
  readonly namespace: string;
}

export const RELAY_URL = 'CODER_DERP_SERVER_RELAY_URL';
export const HTTP_PORT = 8080;

/** The chart's HA defaults, as the HA guide documents them. */
const antiAffinityDefault = (selector: GoMap): GoMap => ({
  podAntiAffinity: {
    preferredDuringSchedulingIgnoredDuringExecution: [
      {
        weight: 100,
        podAffinityTerm: { labelSelector: { matchLabels: selector }, topologyKey: 'kubernetes.io/hostname' },
      },
    ],
  },
});
const topologySpreadDefault = (selector: GoMap): GoMap[] =>
  ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: selector },
    matchLabelKeys: ['pod-template-hash'],
  }));
const rollingUpdateDefault: GoMap = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };

function selects(selector: GoMap, labels: GoMap): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/**
 * The Coder version an image runs, as the chart documents it, as a label value: the tag without a
 * leading "v" (a digest after it ignored), else the digest ("sha256-…"), cut to 63 characters.
 */
export function coderVersionLabel(image: GoMap): string {
  const tag = String(image.tag || `v${chartInfo().AppVersion}`);
  const [tagPart, digest] = tag.split('@');
  const version = tagPart ? tagPart.replace(/^v(?=[0-9])/, '') : String(digest);
  return version
    .replace(/:/g, '-')
    .slice(0, 63)
    .replace(/^[_.-]+|[_.-]+$/g, '');
}

/** Every violation of the chart's promises in this render; empty when it keeps them all. */
export function behaviourViolations(objects: readonly GoMap[], context: RenderContext): string[] {
  const { values, release, namespace } = context;
  const coder = obj(values.coder);
  const appName = (values.nameOverride as string | undefined) || 'coder';
  const violations = invariantViolations(objects, release, appName);
  const deployment = objects.find((o) => o.kind === 'Deployment' && nameOf(o) === 'coder');
  if (!deployment) return violations;
  const own = officialSelector(release, appName);
  const spec = obj(deployment.spec);
  const template = obj(spec.template);
  const podLabels = obj(obj(template.metadata).labels);
  const podSpec = obj(template.spec);
  // With the autoscaler on, it owns the count and the chart plans for its minimum.
  const autoscaling = obj(coder.autoscaling);
  const autoscaled = isTruthy(autoscaling.enable);
  const replicas = (autoscaled ? autoscaling.minReplicas : coder.replicaCount) as number;
  const highlyAvailable = replicas > 1;
  const ha = obj(coder.highAvailability);

  // Everything lands in the release namespace, except the workspace permissions in the
  // workspace namespaces the user listed.
  const workspaceNamespaces = list(obj(coder.serviceAccount).workspaceNamespaces).map((w) => w.name);
  for (const o of objects) {
    const where = `${String(o.kind)} ${nameOf(o)}`;
    const ns = obj(o.metadata).namespace;
    const workspaceRbac = ['Role', 'RoleBinding'].includes(String(o.kind)) && workspaceNamespaces.includes(ns);
    if (ns !== undefined && ns !== namespace && !workspaceRbac)
      violations.push(`${where} is in namespace ${String(ns)}`);
  }

  // Services and the disruption budget select exactly this release's coderd pods.
  const selecting = [
    ...objects.filter((o) => o.kind === 'Service').map((o) => [o, obj(obj(o.spec).selector)] as const),
    ...objects
      .filter((o) => o.kind === 'PodDisruptionBudget')
      .map((o) => [o, obj(obj(obj(o.spec).selector).matchLabels)] as const),
  ];
  // The Service in front of coderd selects only the release's Coder version too, unless the
  // version-upgrade mode is rolling (old replicas keep serving through a version change).
  const version = coderVersionLabel(obj(coder.image));
  const versioned = ha.versionUpgrade !== 'rolling' ? { ...own, 'app.kubernetes.io/version': version } : own;
  if (podLabels['app.kubernetes.io/version'] !== version) {
    violations.push(
      `the pods' app.kubernetes.io/version is ${JSON.stringify(podLabels['app.kubernetes.io/version'])}, the image runs ${version}`,
    );
  }
  for (const [o, selector] of selecting) {
    const where = `${String(o.kind)} ${nameOf(o)}`;
    const expected = o.kind === 'Service' && nameOf(o) === 'coder' ? versioned : own;
    if (!deepEqual(selector, expected))
      violations.push(`${where} selects ${JSON.stringify(selector)}, not this release`);
    if (!selects(selector, podLabels)) violations.push(`${where} does not select the coderd pods`);
    for (const pod of objects.filter((p) => p.kind === 'Pod')) {
      if (selects(selector, obj(obj(pod.metadata).labels))) violations.push(`${where} selects the Pod ${nameOf(pod)}`);
    }
  }

  const autoscalers = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
  if (autoscaled) {
    // A replicas field would reset the autoscaler's count on every upgrade.
    if ('replicas' in spec) violations.push(`spec.replicas is ${JSON.stringify(spec.replicas)} beside an autoscaler`);
    const targets = autoscalers.map((a) => obj(obj(a.spec).scaleTargetRef));
    if (targets.length !== 1 || targets[0].kind !== 'Deployment' || targets[0].name !== nameOf(deployment)) {
      violations.push(`the autoscalers scale ${JSON.stringify(targets)}, not the coderd Deployment alone`);
    }
    for (const a of autoscalers) {
      const { minReplicas, maxReplicas } = obj(a.spec);
      if (minReplicas !== autoscaling.minReplicas || maxReplicas !== autoscaling.maxReplicas) {
        violations.push(`the autoscaler scales between ${String(minReplicas)} and ${String(maxReplicas)}`);
      }
    }
  } else {
    if (spec.replicas !== replicas) {
      violations.push(`spec.replicas is ${JSON.stringify(spec.replicas)}, coder.replicaCount is ${replicas}`);
    }
    if (autoscalers.length) violations.push(`${autoscalers.length} autoscaler(s) with coder.autoscaling off`);
  }

  // Each HA default: the user's value when given, else the chart's default exactly in HA mode.
  const defaults: [string, GoValue | undefined, GoValue | undefined, boolean, GoValue][] = [
    // The anti-affinity default stands in for the chart's own spread, never beside it.
    [
      'affinity',
      podSpec.affinity,
      coder.affinity,
      isTruthy(ha.antiAffinity) && (!isTruthy(ha.topologySpread) || isTruthy(coder.topologySpreadConstraints)),
      antiAffinityDefault(own),
    ],
    [
      'topologySpreadConstraints',
      podSpec.topologySpreadConstraints,
      coder.topologySpreadConstraints,
      isTruthy(ha.topologySpread),
      topologySpreadDefault(own),
    ],
    ['strategy', spec.strategy, coder.strategy, isTruthy(ha.rollingUpdate), rollingUpdateDefault],
  ];
  for (const [field, rendered, user, enabled, chartDefault] of defaults) {
    const expected = isTruthy(user) ? user : highlyAvailable && enabled ? chartDefault : undefined;
    if (!deepEqual(rendered ?? null, expected ?? null)) {
      violations.push(`${field} is ${JSON.stringify(rendered)}, expected ${JSON.stringify(expected)}`);
    }
  }
  const budgets = objects.filter((o) => o.kind === 'PodDisruptionBudget');
  const budgetWanted = highlyAvailable && isTruthy(obj(ha.podDisruptionBudget).enable);
  if (budgets.length !== (budgetWanted ? 1 : 0)) {
    violations.push(`${budgets.length} PodDisruptionBudgets for ${replicas} replicas`);
  }
  for (const budget of budgets) {
    const maxUnavailable = obj(ha.podDisruptionBudget).maxUnavailable;
    if (obj(budget.spec).maxUnavailable !== maxUnavailable) {
      violations.push(`PodDisruptionBudget maxUnavailable is not coder.highAvailability.podDisruptionBudget's`);
    }
  }

  violations.push(...relayViolations(deployment, coder));
  return violations;
}

/**
 * One relay URL per pod, built from that pod's own IP (bracketed for IPv6), or the user's own;
 * none with custom relays (embedded DERP off), where Coder does not use it.
 */
function relayViolations(deployment: GoMap, coder: GoMap): string[] {
  const container = list(obj(obj(obj(deployment.spec).template).spec).containers).find((c) => c.name === 'coder');
  const env = list(container?.env);
  const userEnv = list(coder.env);
  const userEntry = (name: string) => userEnv.find((e) => e.name === name);
  const derpEnable = userEntry('CODER_DERP_SERVER_ENABLE')?.value;
  const customRelays = typeof derpEnable === 'string' && ['false', '0', 'f'].includes(derpEnable.toLowerCase());
  const relays = env.filter((e) => e.name === RELAY_URL);
  const userRelay = userEntry(RELAY_URL);
  const violations: string[] = [];

  const podIP = env.findIndex((e) => e.name === 'KUBE_POD_IP');
  if (podIP < 0 || !deepEqual(env[podIP].valueFrom ?? null, { fieldRef: { fieldPath: 'status.podIP' } })) {
    violations.push('KUBE_POD_IP is not taken from status.podIP');
  }
  if (customRelays && !userRelay) {
    if (relays.length) violations.push(`${RELAY_URL} is set although custom relays are in use`);
    return violations;
  }
  if (relays.length !== 1) return [...violations, `${relays.length} ${RELAY_URL} entries`];
  const relay = relays[0];
  const expected = userRelay
    ? userRelay
    : {
        name: RELAY_URL,
        value:
          coder.singleStackIPv6 === true || coder.podIPFamily === 'IPv6'
            ? `http://[$(KUBE_POD_IP)]:${HTTP_PORT}`
            : `http://$(KUBE_POD_IP):${HTTP_PORT}`,
      };
  if (!deepEqual(relay, expected))
    violations.push(`${RELAY_URL} is ${JSON.stringify(relay)}, expected ${JSON.stringify(expected)}`);
  if (!userRelay && env.indexOf(relay) < podIP) violations.push(`${RELAY_URL} comes before KUBE_POD_IP`);
  return violations;
}
