{{/* The six services, in start order. */}}
{{- define "pb.services" -}}
org-registry reporting evaluation training notifications gateway
{{- end -}}

{{- define "pb.name" -}}
{{- printf "%s-%s" .root.Release.Name .service | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "pb.selectorLabels" -}}
app.kubernetes.io/name: {{ .service }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "pb.labels" -}}
{{ include "pb.selectorLabels" . }}
app.kubernetes.io/part-of: party-building
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
partybuilding.cn/city: {{ .root.Values.city.code }}
{{- end -}}

{{- define "pb.image" -}}
{{- $i := .Values.image -}}
{{- if $i.digest -}}{{ $i.repository }}@{{ $i.digest }}{{- else -}}{{ $i.repository }}:{{ $i.tag }}{{- end -}}
{{- end -}}

{{/* Kafka principal of a service (or the topics job): `<city>-<service>` unless named. */}}
{{- define "pb.kafkaUser" -}}
{{- default (printf "%s-%s" .root.Values.city.code .service) .kafka.username -}}
{{- end -}}

{{- define "pb.kafkaSecret" -}}
{{- default (printf "%s-kafka" (include "pb.name" .)) .kafka.passwordSecret.name -}}
{{- end -}}

{{/* Kafka connection variables of a pod: brokers, SASL and TLS (settings only; the password from a Secret). */}}
{{- define "pb.kafkaEnv" -}}
{{- $k := .root.Values.kafka -}}
- name: KAFKA_BROKERS
  value: {{ join "," $k.brokers | quote }}
- name: KAFKA_TOPIC_PARTITIONS
  value: {{ $k.topics.partitions | quote }}
- name: KAFKA_TOPIC_REPLICATION
  value: {{ $k.topics.replicationFactor | quote }}
- name: KAFKA_CLIENT_ID
  value: {{ printf "%s-%s" .root.Values.city.code .service | quote }}
{{- if $k.sasl.enabled }}
- name: KAFKA_SASL_MECHANISM
  value: {{ $k.sasl.mechanism | quote }}
- name: KAFKA_SASL_USERNAME
  value: {{ include "pb.kafkaUser" . | quote }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "pb.kafkaSecret" . }}
      key: {{ .kafka.passwordSecret.key }}
{{- end }}
- name: KAFKA_TLS
  value: {{ $k.tls.enabled | quote }}
{{- if and $k.tls.enabled $k.tls.caSecret.name }}
- name: KAFKA_TLS_CA_FILE
  value: /etc/kafka-ca/ca.crt
{{- end }}
{{- end -}}

{{/* Restricted pod security: non-root, read-only root, nothing to escalate. */}}
{{- define "pb.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "pb.containerSecurityContext" -}}
runAsNonRoot: true
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
capabilities:
  drop: [ALL]
{{- end -}}

{{/*
NODE_OPTIONS of a container, from its resources: the old generation's limit is the memory limit less
128 MiB for what is not the old generation (the runtime, the young generation of 2 x 4 MiB that the
image's CMD sets, code, buffers: about 100 MiB measured idle), and at least half the limit; so V8
collects harder before the kernel would kill the pod (docs/adr/0027-idle-memory.md).
*/}}
{{- define "pb.nodeOptions" -}}
{{- $m := toString .limits.memory -}}
{{- $unit := regexFind "[a-zA-Z]+$" $m -}}
{{- $scale := get (dict "Ki" 1024.0 "Mi" 1048576.0 "Gi" 1073741824.0 "Ti" 1099511627776.0 "k" 1000.0 "M" 1000000.0 "G" 1000000000.0 "T" 1000000000000.0 "m" 0.001) $unit | default 1.0 -}}
{{- $mi := int (floor (divf (mulf (float64 (trimSuffix $unit $m)) $scale) 1048576.0)) -}}
--max-old-space-size={{ max (div $mi 2) (sub $mi 128) }}
{{- end -}}
