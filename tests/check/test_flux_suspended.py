"""flux-suspended: Flux objects committed with spec.suspend: true."""

from __future__ import annotations

from pathlib import Path

from gitops_schema.check import check

RELEASES = """\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: web, namespace: apps}
spec:
  interval: 10m
  suspend: true
  chart: {spec: {chart: web, sourceRef: {kind: HelmRepository, name: charts}}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  interval: 10m
  suspend: false
  path: ./apps
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
"""


def test_a_suspended_object_is_reported_at_its_suspend_field(tmp_path: Path) -> None:
    (tmp_path / "flux.yaml").write_text(RELEASES)
    found = [
        (f.location.line, f.severity.value, f.message)
        for f in check([tmp_path]).findings
        if f.rule == "flux-suspended"
    ]
    assert found == [
        (
            6,
            "warning",
            "HelmRelease 'web' is suspended: Flux does not reconcile it, so what is "
            "committed to it does not reach the cluster",
        )
    ]
