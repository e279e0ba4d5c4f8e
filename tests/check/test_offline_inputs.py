"""What cannot be verified offline is one severity, and schema-missing is one line per kind."""

from __future__ import annotations

from pathlib import Path

from gitops_schema.check import CheckConfig, check
from gitops_schema.check.config import RuleSetting
from gitops_schema.check.report.text import render_text
from gitops_schema.desired import RenderOptions
from gitops_schema.diagnostics import Severity

RELEASE = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: charts, namespace: flux-system}
spec: {interval: 1h, url: "https://charts.example.com"}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: web, namespace: flux-system}
spec:
  interval: 1h
  install: {remediation: {retries: 3}}
  upgrade: {remediation: {retries: 3}}
  chart:
    spec:
      chart: web
      version: 1.2.3
      sourceRef: {kind: HelmRepository, name: charts}
"""
APPSET = """\
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: previews, namespace: argocd}
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
    - pullRequest:
        github: {owner: example, repo: web}
  template:
    metadata: {name: "web-{{.number}}"}
    spec:
      project: default
      source: {repoURL: "https://example.com/web.git", path: web, targetRevision: "{{.head_sha}}"}
      destination: {server: "https://kubernetes.default.svc", namespace: "pr-{{.number}}"}
"""


def test_a_chart_not_cached_and_a_missing_scm_listing_are_both_info(tmp_path: Path) -> None:
    repository = tmp_path / "repo"
    (repository / "clusters/prod").mkdir(parents=True)
    (repository / "clusters/prod/web.yaml").write_text(RELEASE)
    (repository / "appset.yaml").write_text(APPSET)
    options = RenderOptions(chart_cache=tmp_path / "charts")
    result = check([repository], render=options)
    offline = {f.rule: f for f in result.findings if "cannot verify offline" in f.message}
    assert set(offline) == {"appset-offline-input", "render-flux-helm-chart-not-cached"}
    assert {f.severity.value for f in offline.values()} == {"info"}
    assert result.counts()["error"] == 0
    raised = CheckConfig(
        rules={"render-flux-helm-chart-not-cached": RuleSetting(severity=Severity.ERROR)}
    )
    assert check([repository], render=options, config=raised).counts()["error"] == 1


UNKNOWN = """\
apiVersion: example.com/v1
kind: Widget
metadata: {name: a}
---
apiVersion: example.com/v2
kind: Widget
metadata: {name: b}
---
apiVersion: example.com/v1
kind: Gadget
metadata: {name: c}
"""


def test_schema_missing_is_one_line_per_kind_in_text(tmp_path: Path) -> None:
    (tmp_path / "objects.yaml").write_text(UNKNOWN)
    text = render_text(check([tmp_path]))
    lines = [line for line in text.splitlines() if "schema-missing" in line]
    assert len(lines) == 2
    assert any("Widget (example.com/v1, example.com/v2)" in line for line in lines)
