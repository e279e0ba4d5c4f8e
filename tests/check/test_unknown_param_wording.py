"""appset-unknown-param says which generator does not emit the parameter."""

from __future__ import annotations

from pathlib import Path

from gitops_schema.check import check

APPSET = """\
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: mixed, namespace: argocd}
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
  - list: {elements: [{env: dev, region: eu}]}
  - list: {elements: [{env: prod}]}
  template:
    metadata: {name: 'web-{{.env}}-{{.region}}'}
    spec:
      project: default
      source: {repoURL: "https://example.com/r.git", path: web, targetRevision: v1.0.0}
      destination: {server: "https://kubernetes.default.svc", namespace: '{{.zone}}'}
"""


def test_the_generator_that_does_not_emit_is_named(tmp_path: Path) -> None:
    (tmp_path / "appset.yaml").write_text(APPSET)
    messages = [f.message for f in check([tmp_path]).findings if f.rule == "appset-unknown-param"]
    # With missingkey=error, Argo CD's template fails on it (map has no entry for key).
    assert messages == [
        "the template uses {{.region}}, a parameter generator 1 of ApplicationSet 'mixed' "
        "does not emit: the template fails",
        "the template uses {{.zone}}, a parameter no generator of ApplicationSet 'mixed' "
        "emits: the template fails",
    ]


def test_without_missingkey_error_it_renders_no_value(tmp_path: Path) -> None:
    (tmp_path / "appset.yaml").write_text(
        APPSET.replace('  goTemplateOptions: ["missingkey=error"]\n', "")
    )
    messages = [f.message for f in check([tmp_path]).findings if f.rule == "appset-unknown-param"]
    assert messages[-1] == (
        "the template uses {{.zone}}, a parameter no generator of ApplicationSet 'mixed' "
        "emits: it renders as '<no value>'"
    )
