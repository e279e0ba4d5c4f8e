"""kind-unknown: a kind its API group does not have, spelled almost as one it has."""

from __future__ import annotations

from pathlib import Path

from gitops_schema.check import check

DOCUMENTS = """\
apiVersion: argoproj.io/v1alpha1
kind: Applicaton
metadata: {name: typo, namespace: argocd}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomizaton
metadata: {name: typo, namespace: flux-system}
---
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: another-crd-of-the-group}
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: prometheus-is-not-a-typo-of-prometheusrule}
---
apiVersion: example.com/v1
kind: Applicaton
metadata: {name: another-group}
"""


def test_a_near_miss_of_a_kind_of_the_group_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "objects.yaml").write_text(DOCUMENTS)
    found = [
        (f.location.line, f.location.column, f.severity.value, f.message)
        for f in check([tmp_path]).findings
        if f.rule == "kind-unknown"
    ]
    assert found == [
        (2, 7, "error", "argoproj.io has no kind 'Applicaton': did you mean 'Application'?"),
        (
            6,
            7,
            "error",
            "kustomize.toolkit.fluxcd.io has no kind 'Kustomizaton': did you mean 'Kustomization'?",
        ),
    ]
