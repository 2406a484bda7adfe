{{/*
Names. Every object is <fullname>-<part>, so two releases never collide. <fullname> is
capped at 46 characters: the longest Service name, <fullname>-operator-metrics, must stay
a 63-character DNS label.
*/}}
{{- define "paymesh.fullname" -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- $full := "" -}}
{{- if .Values.fullnameOverride -}}
{{- $full = .Values.fullnameOverride -}}
{{- else if contains $name .Release.Name -}}
{{- $full = .Release.Name -}}
{{- else -}}
{{- $full = printf "%s-%s" .Release.Name $name -}}
{{- end -}}
{{- if gt (len $full) 46 -}}
{{- fail (printf "the object name prefix %q is longer than 46 characters: use a shorter release name or set fullnameOverride" $full) -}}
{{- end -}}
{{- $full -}}
{{- end -}}

{{- define "paymesh.operatorName" -}}{{ include "paymesh.fullname" . }}-operator{{- end -}}
{{- define "paymesh.webhookName" -}}{{ include "paymesh.fullname" . }}-webhook{{- end -}}
{{- define "paymesh.meshConfigName" -}}{{ include "paymesh.fullname" . }}-mesh-config{{- end -}}

{{/*
The mesh configuration as the operator and the webhook read it: .Values.meshConfig as it
is (so every field of the model can be set), with the names and namespaces that tie it to
this release filled in where unset. The webhook runs in the release namespace, so
webhook.namespace can only be that.
*/}}
{{- define "paymesh.meshConfig" -}}
{{- $mc := deepCopy (default dict .Values.meshConfig) -}}
{{- $full := include "paymesh.fullname" . -}}
{{- $ca := default dict $mc.ca -}}
{{- $_ := set $ca "secretName" (default (printf "%s-ca" $full) $ca.secretName) -}}
{{- $_ := set $ca "namespace" (default .Release.Namespace $ca.namespace) -}}
{{- $_ := set $mc "ca" $ca -}}
{{- $wh := default dict $mc.webhook -}}
{{- if and $wh.namespace (ne $wh.namespace .Release.Namespace) -}}
{{- fail (printf "meshConfig.webhook.namespace is %q but the chart runs the webhook in the release namespace %q: leave it unset" $wh.namespace .Release.Namespace) -}}
{{- end -}}
{{- $_ := set $wh "namespace" .Release.Namespace -}}
{{- $_ := set $wh "serviceName" (default (printf "%s-webhook" $full) $wh.serviceName) -}}
{{- $_ := set $wh "secretName" (default (printf "%s-webhook-tls" $full) $wh.secretName) -}}
{{- $_ := set $wh "configurationName" (default (printf "%s-sidecar-injector" $full) $wh.configurationName) -}}
{{- $_ := set $mc "webhook" $wh -}}
{{- toYaml $mc -}}
{{- end -}}

{{/* One field of the rendered mesh configuration: include "paymesh.mesh" (list . "webhook" "secretName") */}}
{{- define "paymesh.mesh" -}}
{{- $mc := include "paymesh.meshConfig" (index . 0) | fromYaml -}}
{{- $v := $mc -}}
{{- range (rest .) }}{{ $v = index $v . }}{{ end -}}
{{- $v -}}
{{- end -}}

{{- define "paymesh.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ default .Chart.Name .Values.nameOverride }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: paymesh
{{- end -}}

{{/* Selector labels of a component: include "paymesh.selectorLabels" (list . "operator") */}}
{{- define "paymesh.selectorLabels" -}}
app.kubernetes.io/name: {{ default (index . 0).Chart.Name (index . 0).Values.nameOverride }}
app.kubernetes.io/instance: {{ (index . 0).Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{/*
The image of a component: its own repository/tag/digest when set, else the top-level
image; a digest wins over a tag; the tag defaults to the chart's appVersion.
include "paymesh.image" (list . .Values.operator.image)
*/}}
{{- define "paymesh.image" -}}
{{- $root := index . 0 -}}
{{- $own := index . 1 -}}
{{- $top := $root.Values.image -}}
{{- $repo := default $top.repository $own.repository -}}
{{- if $own.digest -}}{{ printf "%s@%s" $repo $own.digest }}
{{- else if $own.tag -}}{{ printf "%s:%s" $repo $own.tag }}
{{- else if $top.digest -}}{{ printf "%s@%s" $repo $top.digest }}
{{- else -}}{{ printf "%s:%s" $repo (default $root.Chart.AppVersion $top.tag) }}
{{- end -}}
{{- end -}}

{{/* The pod-level settings both Deployments share: include "paymesh.podSettings" (list . .Values.operator) */}}
{{- define "paymesh.podSettings" -}}
{{- $root := index . 0 -}}
{{- $c := index . 1 -}}
{{- with (default $root.Values.imagePullSecrets $c.imagePullSecrets) }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $c.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
securityContext:
  {{- toYaml $c.podSecurityContext | nindent 2 }}
{{- with $c.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $c.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The container security settings both Deployments share (not configurable on purpose). */}}
{{- define "paymesh.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
{{- end -}}
