/**
 * templates/NOTES.txt: what a user reads after `helm install` / `helm upgrade`: the HA state
 * (replicas, relay mode, Postgres source, disruption budget, spread) and the `helm test` command.
 * Conditions are the constructs' own expressions, so the notes cannot disagree with the manifests.
 */
import { empty, not } from '../expr/expr';
import { valueRef } from '../values/refs';
import { CODER_NAME, PROMETHEUS_PORT } from './names';
import {
  autoscalingOn,
  customRelays,
  ipv6,
  isHighlyAvailable,
  plannedReplicas,
  podDisruptionBudgetWanted,
  postgresInEnv,
} from './high-availability';
import { METRICS_SERVICE_NAME, metricsWanted } from './metrics';

const when = (cond: { toGo(): string }): string => `{{- if ${cond.toGo()} }}`;

export function notesTemplate(): string {
  const userAffinity = not(empty(valueRef('coder.affinity')));
  const userSpread = not(empty(valueRef('coder.topologySpreadConstraints')));
  return [
    `Coder {{ .Chart.AppVersion }} is deployed as release "{{ .Release.Name }}" in namespace "{{ .Release.Namespace }}".`,
    '',
    `Replicas: {{ if ${autoscalingOn().toGo()} }}{{ .Values.coder.autoscaling.minReplicas }} to {{ .Values.coder.autoscaling.maxReplicas }}, set by the HorizontalPodAutoscaler{{ else }}{{ .Values.coder.replicaCount }}{{ end }}`,
    when(isHighlyAvailable()),
    '  High availability: the replicas form one cluster through the shared Postgres.',
    `{{- else if eq ${plannedReplicas().toGo()} 0 }}`,
    '  Scaled to zero: no coderd runs. Raise coder.replicaCount to start Coder again.',
    '{{- else }}',
    '  Single replica. To run highly available, point CODER_PG_CONNECTION_URL at an external Postgres,',
    '  then: helm upgrade {{ .Release.Name }} <chart> --reuse-values --set coder.replicaCount=3',
    '{{- end }}',
    '',
    when(customRelays()),
    'Relays: custom (CODER_DERP_SERVER_ENABLE is off): no relay URL is set; replicas meet through Postgres.',
    '{{- else }}',
    `Relays: embedded; each replica is reached by the others at {{ if ${ipv6().toGo()} }}http://[<pod IP>]:8080{{ else }}http://<pod IP>:8080{{ end }}.`,
    '{{- end }}',
    '',
    when(postgresInEnv()),
    'Postgres: CODER_PG_CONNECTION_URL from coder.env.',
    `{{- else if .Values.coder.envFrom }}`,
    'Postgres: expected from coder.envFrom (CODER_PG_CONNECTION_URL).',
    '{{- else }}',
    'Postgres: built-in (not for production, and never for more than one replica).',
    '{{- end }}',
    '',
    when(podDisruptionBudgetWanted()),
    'Disruptions: a PodDisruptionBudget lets at most {{ .Values.coder.highAvailability.podDisruptionBudget.maxUnavailable }} replica(s) go down at once.',
    '{{- else }}',
    'Disruptions: no PodDisruptionBudget (it is created when replicaCount is above 1).',
    '{{- end }}',
    `{{- if or ${userAffinity.toGo()} ${userSpread.toGo()} }}`,
    'Placement: your own coder.affinity / coder.topologySpreadConstraints.',
    `{{- else if and ${isHighlyAvailable().toGo()} .Values.coder.highAvailability.topologySpread }}`,
    'Placement: spread over zones and nodes (preferred; pods still schedule on fewer).',
    '{{- else }}',
    'Placement: no spreading rule (fewer than two replicas).',
    '{{- end }}',
    '',
    '{{- if .Values.coder.service.enable }}',
    '',
    `Service: ${CODER_NAME}.{{ .Release.Namespace }}.svc.cluster.local ({{ .Values.coder.service.type }})`,
    '{{- if eq .Values.coder.service.type "LoadBalancer" }}',
    `  External address: kubectl get service ${CODER_NAME} --namespace {{ .Release.Namespace }}`,
    '{{- end }}',
    '{{- end }}',
    when(metricsWanted()),
    '',
    `Metrics: ${METRICS_SERVICE_NAME}.{{ .Release.Namespace }}.svc.cluster.local:${PROMETHEUS_PORT} (ClusterIP only){{ if .Values.coder.metrics.serviceMonitor.enable }}, scraped through a ServiceMonitor{{ end }}.`,
    '{{- end }}',
    '{{- if .Values.coder.networkPolicy.enable }}',
    '',
    'Network: a NetworkPolicy admits only the sources in coder.networkPolicy (incoming traffic only).',
    '{{- end }}',
    '{{- if and .Values.coder.helmTest.enable .Values.coder.headlessService.enable }}',
    '',
    'Check that every replica answers at its relay address:',
    '  helm test {{ .Release.Name }} --namespace {{ .Release.Namespace }} --logs',
    '{{- end }}',
    '',
  ].join('\n');
}
