/**
 * Worst-case availability figures read from rendered manifests (the Deployment, its
 * PodDisruptionBudget), under an explicit placement model:
 * - a spreading rule on a topology key (pod anti-affinity or topology spread, required or
 *   preferred) that matches the Deployment's own pods places replicas evenly when there are
 *   enough nodes/zones with room; a preference is what kube-scheduler follows in that case;
 * - with no such rule nothing keeps the scheduler from packing every replica into one node or
 *   zone, so the worst case loses them all.
 */
import { GoValue, isMap, GoMap } from '../../src/expr/go-semantics';

const obj = (value: GoValue | undefined): GoMap => (isMap(value) ? value : {});
const list = (value: GoValue | undefined): GoMap[] => (Array.isArray(value) ? (value.filter(isMap) as GoMap[]) : []);

export const HOSTNAME = 'kubernetes.io/hostname';
export const ZONE = 'topology.kubernetes.io/zone';

/** Kubernetes' readiness probe defaults for fields a manifest leaves out. */
const PROBE_DEFAULTS = { periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 1 };

export interface Figures {
  /** Replicas lost when one node fails (enough nodes for one replica each). */
  readonly nodeFailureLoss: number;
  /** Replicas lost when one of three zones fails. */
  readonly zoneFailureLoss: number;
  /** Seconds until a hung replica leaves the Service endpoints; null without a readiness probe. */
  readonly endpointRemovalSeconds: number | null;
  /** Ready replicas kept at every moment of a rolling upgrade. */
  readonly readyDuringRollout: number;
  /** Ready replicas kept at every moment of a node drain. */
  readonly readyDuringDrain: number;
}

function labelsMatch(selector: GoMap, labels: GoMap): boolean {
  const matchLabels = obj(selector.matchLabels);
  const expressions = list(selector.matchExpressions);
  if (Object.keys(matchLabels).length === 0 && expressions.length === 0) return false;
  const labelsOk = Object.entries(matchLabels).every(([k, v]) => labels[k] === v);
  const expressionsOk = expressions.every((e) => {
    const value = labels[String(e.key)];
    const values = Array.isArray(e.values) ? e.values : [];
    switch (e.operator) {
      case 'In':
        return values.includes(value as GoValue);
      case 'NotIn':
        return !values.includes(value as GoValue);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        return false;
    }
  });
  return labelsOk && expressionsOk;
}

/** Whether the pod spec spreads its own pods over `topologyKey`. */
export function spreadsOver(podSpec: GoMap, podLabels: GoMap, topologyKey: string): boolean {
  const antiAffinity = obj(obj(podSpec.affinity).podAntiAffinity);
  const terms = [
    ...list(antiAffinity.requiredDuringSchedulingIgnoredDuringExecution),
    ...list(antiAffinity.preferredDuringSchedulingIgnoredDuringExecution).map((p) => obj(p.podAffinityTerm)),
  ];
  const byAffinity = terms.some((t) => t.topologyKey === topologyKey && labelsMatch(obj(t.labelSelector), podLabels));
  const bySpread = list(podSpec.topologySpreadConstraints).some(
    (c) => c.topologyKey === topologyKey && Number(c.maxSkew) === 1 && labelsMatch(obj(c.labelSelector), podLabels),
  );
  return byAffinity || bySpread;
}

/** An int-or-percent field scaled to `replicas` (Kubernetes rounds `up` or down by field). */
function scaled(value: GoValue | undefined, replicas: number, fallback: string, up: boolean): number {
  const given = value ?? fallback;
  if (typeof given === 'number') return given;
  const percent = Number(String(given).replace('%', '')) / 100;
  return up ? Math.ceil(replicas * percent) : Math.floor(replicas * percent);
}

export function figures(deployment: GoMap, budgets: readonly GoMap[], zones = 3): Figures {
  const spec = obj(deployment.spec);
  const replicas = Number(spec.replicas ?? 1);
  const template = obj(spec.template);
  const podLabels = obj(obj(template.metadata).labels);
  const podSpec = obj(template.spec);

  const lossOver = (key: string, domains: number): number =>
    replicas === 0
      ? 0
      : spreadsOver(podSpec, podLabels, key)
        ? Math.ceil(replicas / Math.min(replicas, domains))
        : replicas;
  const nodeFailureLoss = lossOver(HOSTNAME, replicas);
  const zoneFailureLoss = lossOver(ZONE, zones);

  const container = list(podSpec.containers)[0] ?? {};
  const probe = isMap(container.readinessProbe) ? { ...PROBE_DEFAULTS, ...container.readinessProbe } : undefined;
  const endpointRemovalSeconds = probe
    ? Number(probe.periodSeconds) * Number(probe.failureThreshold) + Number(probe.timeoutSeconds)
    : null;

  const strategy = obj(spec.strategy);
  let readyDuringRollout: number;
  if (strategy.type === 'Recreate') {
    readyDuringRollout = 0;
  } else {
    const rolling = obj(strategy.rollingUpdate);
    let maxUnavailable = scaled(rolling.maxUnavailable, replicas, '25%', false);
    const maxSurge = scaled(rolling.maxSurge, replicas, '25%', true);
    if (maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
    readyDuringRollout = Math.max(0, replicas - maxUnavailable);
  }

  const budget = budgets.find((b) => labelsMatch(obj(obj(b.spec).selector), podLabels));
  const evictedAtOnce = budget
    ? Math.min(nodeFailureLoss, scaled(obj(budget.spec).maxUnavailable, replicas, '100%', true))
    : nodeFailureLoss;
  const readyDuringDrain = Math.max(0, replicas - evictedAtOnce);

  return { nodeFailureLoss, zoneFailureLoss, endpointRemovalSeconds, readyDuringRollout, readyDuringDrain };
}
