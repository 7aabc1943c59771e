{{/* Labels of everything the chart installs. */}}
{{- define "lamina.labels" -}}
app.kubernetes.io/name: lamina
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{/* Labels that select one Deployment's pods: the operator's (component operator, the default) or, in the split
     form, the gateway-only replicas' (component gateway). */}}
{{- define "lamina.selectorLabels" -}}
app.kubernetes.io/name: lamina
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: {{ .component | default "operator" }}
{{- end }}

{{/* The label of every pod that serves the gateway, whichever Deployment runs it. */}}
{{- define "lamina.gatewayLabel" -}}
lamina.dev/gateway: "true"
{{- end }}

{{/* Labels that select every pod serving the gateway: the Service, the PDB, the NetworkPolicy, the ServiceMonitor and
     the controller's lamina.controller.gateway-selector (which replicas it reads outcomes from) use them. */}}
{{- define "lamina.gatewaySelectorLabels" -}}
app.kubernetes.io/name: lamina
app.kubernetes.io/instance: {{ .Release.Name }}
{{ include "lamina.gatewayLabel" . }}
{{- end }}

{{- define "lamina.gatewayName" -}}
{{ .Release.Name }}-gateway
{{- end }}

{{- define "lamina.fullname" -}}
{{ .Release.Name }}-operator
{{- end }}

{{- define "lamina.operatorImage" -}}
{{ .Values.operator.image.repository }}:{{ .Values.operator.image.tag | default .Chart.AppVersion }}
{{- end }}

{{- define "lamina.shimImage" -}}
{{ .Values.shim.image.repository }}:{{ .Values.shim.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* Base URL of the gateway as users in the cluster reach it, for Function status. */}}
{{- define "lamina.gatewayUrl" -}}
{{ .Values.gateway.url | default (printf "http://%s.%s.svc:%v" (include "lamina.fullname" .) .Release.Namespace .Values.service.port) }}
{{- end }}

{{/* Host names the Ingress and the HTTPRoute serve: the ones given, and Function URLs' wildcard host. */}}
{{- define "lamina.hosts" -}}
{{- $hosts := list }}
{{- range .hosts }}{{ $hosts = append $hosts . }}{{ end }}
{{- if .urlDomain }}{{ $hosts = append $hosts (printf "*.lambda-url.%s" .urlDomain) }}{{ end }}
{{- toJson $hosts }}
{{- end }}
