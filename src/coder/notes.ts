/**
 * templates/NOTES.txt: what a user reads after `helm install` / `helm upgrade`: the HA state
 * (replicas, relay mode, Postgres source, disruption budget, spread) and the `helm test` command.
 * Conditions are the constructs' own expressions, so the notes cannot disagree with the manifests.
 */
import { empty, Expr, not, or, pipelineOf, TemplateBindings } from '../expr/expr';
import { release, valueRef } from '../values/refs';
import { layoutTemplate } from '../backends/go-layout';
import { coderImage } from './image';
import { CODER_NAME, HTTP_PORT, PROMETHEUS_PORT } from './names';
import {
  autoscalingOn,
  changesCoderVersion,
  customRelays,
  defaultSpreadWanted,
  ipv6,
  isHighlyAvailable,
  liveCoderImage,
  plannedReplicas,
  podDisruptionBudgetWanted,
  postgresInEnv,
  versionUpgradeTakesReplicasDown,
  versionUpgradeWanted,
} from './high-availability';
import { restartGuardWanted } from './restart-guard';
import { meshTestWanted } from './mesh-test';
import { METRICS_SERVICE_NAME, metricsWanted, serviceMonitorWanted } from './metrics';

/** The notes' ways of writing an expression, reading the values computed once at their top. */
function notesWriter(bindings: TemplateBindings) {
  const pipeline = (expr: Expr): string => pipelineOf(expr, bindings);
  return {
    pipeline,
    when: (cond: Expr): string => `{{- if ${pipeline(cond)} }}`,
    orElseWhen: (cond: Expr): string => `{{- else if ${pipeline(cond)} }}`,
    /** A value written into the text. */
    show: (expr: Expr): string => `{{ ${pipeline(expr)} }}`,
    inline: (cond: Expr, text: string, otherwise = ''): string =>
      `{{ if ${pipeline(cond)} }}${text}${otherwise ? `{{ else }}${otherwise}` : ''}{{ end }}`,
  };
}

export function notesTemplate(): string {
  const { written, lines } = TemplateBindings.collect(notesText);
  const bindings = lines.length > 0 ? ['{{- /* Computed once for these notes. */}}', ...lines] : [];
  return layoutTemplate([...bindings, written].join('\n'));
}

function notesText(bindings: TemplateBindings): string {
  const { pipeline, when, orElseWhen, show, inline } = notesWriter(bindings);
  const userAffinity = not(empty(valueRef('coder.affinity')));
  const userSpread = not(empty(valueRef('coder.topologySpreadConstraints')));
  const namespace = show(release.namespace);
  return [
    `Coder ${show(coderImage())} is deployed as release "${show(release.name)}" in namespace "${namespace}".`,
    when(changesCoderVersion()),
    `This upgrade changes the Coder version (from ${show(liveCoderImage())}): the new version migrates the`,
    'database when it starts. Do not helm rollback across this change: the old version does not run on the',
    'migrated database (restore the backup taken before the upgrade instead).',
    when(versionUpgradeWanted()),
    'The Service selects only the new version, so no replica answers until a new one is ready (an old one',
    'would answer signed-in users with errors).',
    when(versionUpgradeTakesReplicasDown()),
    'The Deployment keeps the version-upgrade rollout, which takes replicas down at once, until the next',
    `helm upgrade: once every replica is ready, run helm upgrade ${show(release.name)} <chart> --reuse-values.`,
    when(restartGuardWanted()),
    'Until then the API server refuses a restart of the coder pods (coder.highAvailability.restartGuard).',
    '{{- else }}',
    'Until then a restart of the coder pods would take replicas down the same way.',
    '{{- end }}',
    '{{- end }}',
    '{{- end }}',
    '{{- end }}',
    '',
    // One line of output, written over several: `-}}` and `{{-` trim the line breaks in between.
    `Replicas: {{ if ${pipeline(autoscalingOn())} -}}`,
    `${show(valueRef('coder.autoscaling.minReplicas'))} to ${show(valueRef('coder.autoscaling.maxReplicas'))}, set by the HorizontalPodAutoscaler`,
    '{{- else -}}',
    show(valueRef('coder.replicaCount')),
    '{{- end }}',
    when(isHighlyAvailable()),
    '  High availability: the replicas form one cluster through the shared Postgres.',
    `{{- else if eq ${plannedReplicas().toGo(bindings)} 0 }}`,
    '  Scaled to zero: no coderd runs. Raise coder.replicaCount to start Coder again.',
    '{{- else }}',
    '  Single replica. To run highly available, point CODER_PG_CONNECTION_URL at an external Postgres,',
    `  then: helm upgrade ${show(release.name)} <chart> --reuse-values --set coder.replicaCount=3`,
    '{{- end }}',
    '',
    when(customRelays()),
    'Relays: custom (CODER_DERP_SERVER_ENABLE is off): no relay URL is set; replicas meet through Postgres.',
    '{{- else }}',
    `Relays: embedded; each replica is reached by the others at ${inline(ipv6(), `http://[<pod IP>]:${HTTP_PORT}`, `http://<pod IP>:${HTTP_PORT}`)}.`,
    '{{- end }}',
    '',
    when(postgresInEnv()),
    'Postgres: CODER_PG_CONNECTION_URL from coder.env.',
    orElseWhen(valueRef('coder.envFrom')),
    'Postgres: expected from coder.envFrom (CODER_PG_CONNECTION_URL).',
    '{{- else }}',
    'Postgres: built-in (not for production, and never for more than one replica).',
    '{{- end }}',
    '',
    when(podDisruptionBudgetWanted()),
    `Disruptions: a PodDisruptionBudget lets at most ${show(valueRef('coder.highAvailability.podDisruptionBudget.maxUnavailable'))} replica(s) go down at once.`,
    '{{- else }}',
    'Disruptions: no PodDisruptionBudget (it is created when replicaCount is above 1).',
    '{{- end }}',
    when(or(userAffinity, userSpread)),
    'Placement: your own coder.affinity / coder.topologySpreadConstraints.',
    orElseWhen(defaultSpreadWanted()),
    'Placement: spread over zones and nodes (preferred; pods still schedule on fewer).',
    '{{- else }}',
    'Placement: no spreading rule (fewer than two replicas).',
    '{{- end }}',
    '',
    when(valueRef('coder.service.enable')),
    '',
    `Service: ${CODER_NAME}.${namespace}.svc.cluster.local (${show(valueRef('coder.service.type'))})`,
    `{{- if eq ${valueRef('coder.service.type').toGo()} "LoadBalancer" }}`,
    `  External address: kubectl get service ${CODER_NAME} --namespace ${namespace}`,
    '{{- end }}',
    '{{- end }}',
    when(metricsWanted()),
    '',
    `Metrics: ${METRICS_SERVICE_NAME}.${namespace}.svc.cluster.local:${PROMETHEUS_PORT} (ClusterIP only)${inline(serviceMonitorWanted(), ', scraped through a ServiceMonitor')}.`,
    '{{- end }}',
    when(valueRef('coder.networkPolicy.enable')),
    '',
    'Network: a NetworkPolicy admits only the sources in coder.networkPolicy (incoming traffic only).',
    '{{- end }}',
    when(meshTestWanted()),
    '',
    'Check that every replica answers at its relay address:',
    `  helm test ${show(release.name)} --namespace ${namespace} --logs`,
    '{{- end }}',
    '',
  ].join('\n');
}
