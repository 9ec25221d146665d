/** templates/NOTES.txt: what a user reads after `helm install` / `helm upgrade`. */
import { CODER_NAME } from './names';

export function notesTemplate(): string {
  return [
    `Coder {{ .Chart.AppVersion }} is deployed as release "{{ .Release.Name }}" in namespace "{{ .Release.Namespace }}".`,
    '',
    '{{- $replicas := int .Values.coder.replicaCount }}',
    '',
    'coderd replicas: {{ $replicas }}',
    '{{- if gt $replicas 1 }}',
    '  High availability: the replicas find each other through the shared Postgres and relay',
    "  traffic to each other at CODER_DERP_SERVER_RELAY_URL (each pod's own IP, port 8080).",
    '{{- else if eq $replicas 1 }}',
    '  Single replica. To run highly available, point CODER_PG_CONNECTION_URL at an external',
    '  Postgres and run: helm upgrade {{ .Release.Name }} <chart> --reuse-values --set coder.replicaCount=3',
    '{{- else }}',
    '  Scaled to zero: no coderd pod runs.',
    '{{- end }}',
    '',
    '{{- if .Values.coder.service.enable }}',
    '',
    `Service: ${CODER_NAME}.{{ .Release.Namespace }}.svc.cluster.local ({{ .Values.coder.service.type }})`,
    '{{- if eq .Values.coder.service.type "LoadBalancer" }}',
    `  Its external address: kubectl get service ${CODER_NAME} --namespace {{ .Release.Namespace }}`,
    '{{- end }}',
    '{{- end }}',
    '',
  ].join('\n');
}
