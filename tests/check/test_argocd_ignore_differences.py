"""ignoreDifferences entries whose group carries a version match nothing."""

from __future__ import annotations

from pathlib import Path

from gitops_schema.check import check

APP = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
spec:
  project: default
  source: {repoURL: "https://example.com/web.git", path: web, targetRevision: v1.0.0}
  destination: {server: "https://kubernetes.default.svc", namespace: web}
  ignoreDifferences:
    - group: networking.k8s.io/v1
      kind: Ingress
      jsonPointers: [/spec/rules]
    - group: v1
      kind: ConfigMap
      jsonPointers: [/data]
    - group: apps
      kind: Deployment
      jsonPointers: [/spec/replicas]
    - kind: Service
      jsonPointers: [/spec/clusterIP]
"""


def test_a_group_with_a_version_is_reported_with_the_group_to_use(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(APP)
    result = check([tmp_path])
    found = [
        (f.location.line, f.message.rsplit(": use ", 1)[1])
        for f in result.findings
        if f.rule == "argocd-ignore-differences-group"
    ]
    assert found == [(11, "group: 'networking.k8s.io'"), (14, "group: '' (the core group)")]
