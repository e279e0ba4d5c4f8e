"""A null field is an unset field, as Kubernetes decodes it."""

from __future__ import annotations

from pathlib import Path

from gitops_schema.check import check

OBJECTS = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations: null
  labels:
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      nodeSelector: null
      containers:
        - name: web
          image: nginx
          resources: null
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: apps
  annotations: null
spec:
  interval: 1h
  values: null
  install: {remediation: {retries: 3}}
  upgrade: {remediation: {retries: 3}}
  chart:
    spec:
      chart: web
      valuesFiles: null
      sourceRef: {kind: HelmRepository, name: charts}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: charts
  namespace: apps
spec:
  interval: 1h
  url: https://charts.example.com
---
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: apps
  namespace: argocd
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
    - list:
        elements: [{app: one}]
      clusterDecisionResource: null
  template:
    metadata:
      name: "{{.app}}"
    spec:
      project: default
      source: {repoURL: "https://example.com/x.git", path: "{{.app}}", targetRevision: v1}
      destination: {server: "https://kubernetes.default.svc", namespace: "{{.app}}"}
      syncPolicy:
        automated: {selfHeal: true}
        retry: {limit: 3}
"""


def test_null_fields_are_unset_not_type_errors(tmp_path: Path) -> None:
    (tmp_path / "objects.yaml").write_text(OBJECTS)
    result = check([tmp_path])
    assert [(f.rule, f.message) for f in result.findings if f.severity.value != "info"] == []


def test_a_required_field_given_empty_is_missing(tmp_path: Path) -> None:
    broken = OBJECTS.split("---\n")[3].replace(
        "  template:\n    metadata:", "  template:\n  x:\n    metadata:"
    )
    (tmp_path / "appset.yaml").write_text(broken)
    result = check([tmp_path])
    messages = [f.message for f in result.findings if f.rule == "schema"]
    assert messages == ["missing required field 'template' in $.spec (the key is there, but empty)"]
