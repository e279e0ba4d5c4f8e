"""Go template engine vs Jinja2 on the same two templates, compiled once, rendered N times.

Run: ``python benchmarks/gotemplate.py [N]``. Prints each time and the ratio (goal: <= 2x).
The YAML filter is the same function on both sides, so the ratio measures the engines.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import jinja2

from gitops_schema.gotemplate import compile
from gitops_schema.gotemplate.yaml_emit import to_yaml

APPSET_GO = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: '{{ .cluster.name }}-{{ .app.name | lower }}'
  labels:
    env: '{{ .cluster.env }}'
    team: {{ .app.team | default "platform" }}
spec:
  project: {{ default "default" .project }}
  source:
    repoURL: {{ .repo }}
    targetRevision: {{ .revision | default "HEAD" }}
    path: 'apps/{{ .app.name }}/overlays/{{ .cluster.env }}'
  destination:
    server: '{{ .cluster.server }}'
    namespace: '{{ .app.namespace }}'
  {{- if .autoSync }}
  syncPolicy:
    automated:
      prune: true
  {{- end }}
"""

APPSET_JINJA = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: '{{ cluster.name }}-{{ app.name | lower }}'
  labels:
    env: '{{ cluster.env }}'
    team: {{ app.team | default("platform", true) }}
spec:
  project: {{ project | default("default", true) }}
  source:
    repoURL: {{ repo }}
    targetRevision: {{ revision | default("HEAD", true) }}
    path: 'apps/{{ app.name }}/overlays/{{ cluster.env }}'
  destination:
    server: '{{ cluster.server }}'
    namespace: '{{ app.namespace }}'
  {%- if autoSync %}
  syncPolicy:
    automated:
      prune: true
  {%- endif %}
"""

HELM_GO = """\
{{- define "app.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-{{ .Chart.Name }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicaCount | default 1 }}
  template:
    spec:
      containers:
      {{- range .Values.containers }}
        - name: {{ .name }}
          image: "{{ .image }}:{{ .tag | default "latest" }}"
          {{- with .env }}
          env:
            {{- toYaml . | nindent 12 }}
          {{- end }}
      {{- end }}
      resources:
        {{- toYaml .Values.resources | nindent 8 }}
"""

HELM_JINJA = """\
{%- macro labels(ctx) -%}
app.kubernetes.io/name: {{ ctx.Chart.Name }}
app.kubernetes.io/instance: {{ ctx.Release.Name }}
{%- endmacro -%}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ Release.Name }}-{{ Chart.Name }}
  labels:
    {{- labels(ctx) | nindent(4) }}
spec:
  replicas: {{ Values.replicaCount | default(1, true) }}
  template:
    spec:
      containers:
      {%- for c in Values.containers %}
        - name: {{ c.name }}
          image: "{{ c.image }}:{{ c.tag | default("latest", true) }}"
          {%- if c.env %}
          env:
            {{- c.env | toyaml | nindent(12) }}
          {%- endif %}
      {%- endfor %}
      resources:
        {{- Values.resources | toyaml | nindent(8) }}
"""

APPSET_DATA = {
    "cluster": {"name": "prod-eu", "env": "production", "server": "https://10.0.0.1"},
    "app": {"name": "Guestbook", "namespace": "guestbook", "team": ""},
    "repo": "https://github.com/example/gitops.git",
    "revision": "",
    "autoSync": True,
}

HELM_DATA = {
    "Chart": {"Name": "web"},
    "Release": {"Name": "demo"},
    "Values": {
        "replicaCount": 3,
        "containers": [
            {"name": "app", "image": "nginx", "tag": "1.27", "env": [{"name": "A", "value": "1"}]},
            {"name": "sidecar", "image": "envoy", "tag": ""},
        ],
        "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}},
    },
}


def _yaml(value: Any) -> str:
    return to_yaml(value).removesuffix("\n")


def _nindent(text: str, n: int) -> str:
    pad = " " * n
    return "\n" + pad + str(text).replace("\n", "\n" + pad)


def _time(label: str, fn: Callable[[], str], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    elapsed = time.perf_counter() - start
    print(f"{label:<28} {elapsed:8.3f} s  ({elapsed / n * 1e6:7.1f} µs/render)")
    return elapsed


def main(n: int) -> None:
    """Render both pairs ``n`` times and print the ratio."""
    env = jinja2.Environment(autoescape=False, keep_trailing_newline=True)
    env.filters["toyaml"] = _yaml
    env.filters["nindent"] = _nindent
    appset_j = env.from_string(APPSET_JINJA)
    helm_j = env.from_string(HELM_JINJA)
    appset_g = compile(APPSET_GO, profile="argocd")
    helm_g = compile(HELM_GO, profile="helm")
    helm_ctx = {**HELM_DATA, "ctx": HELM_DATA}

    assert appset_g.execute(APPSET_DATA) == appset_j.render(APPSET_DATA)
    assert helm_g.execute(HELM_DATA) == helm_j.render(helm_ctx)

    go_appset = _time("gotemplate ApplicationSet", lambda: appset_g.execute(APPSET_DATA), n)
    go_helm = _time("gotemplate Helm", lambda: helm_g.execute(HELM_DATA), n)
    jj_appset = _time("jinja2 ApplicationSet", lambda: appset_j.render(APPSET_DATA), n)
    jj_helm = _time("jinja2 Helm", lambda: helm_j.render(helm_ctx), n)
    print(f"ratio ApplicationSet: {go_appset / jj_appset:.2f}x, Helm: {go_helm / jj_helm:.2f}x")
    total = (go_appset + go_helm) / (jj_appset + jj_helm)
    print(f"ratio gotemplate/jinja2: {total:.2f}x (goal <= 2.00x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
