"""``check --render``: findings on what kustomize renders, reported at what renders it."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops_schema.check import CheckConfig, check
from gitops_schema.desired import RenderOptions
from gitops_schema.errors import UsageError

KUSTOMIZATION = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: web, namespace: flux-system}
spec:
  interval: 5m
  path: ./app
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
"""

# Each file is valid alone; the overlay's patch makes the rendered Deployment invalid.
BASE = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web:1.0}]
"""
PATCH = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: lots
"""
PDB = """\
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {name: web}
spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
"""


def repository(root: Path) -> Path:
    (root / "app").mkdir(parents=True)
    (root / "clusters" / "prod").mkdir(parents=True)
    (root / "clusters" / "prod" / "web.yaml").write_text(KUSTOMIZATION)
    (root / "app" / "deployment.yaml").write_text(BASE)
    (root / "app" / "pdb.yaml").write_text(PDB)
    (root / "app" / "replicas.yaml").write_text(PATCH)
    (root / "app" / "kustomization.yaml").write_text(
        "resources: [deployment.yaml, pdb.yaml]\npatches: [{path: replicas.yaml}]\n"
    )
    return root


def test_rendered_objects_are_checked_at_their_renderer(tmp_path: Path) -> None:
    root = repository(tmp_path / "repo")
    config = CheckConfig(kubernetes_version="1.30")
    plain = check([root], config=config)
    rendered = check([root], config=config, render=RenderOptions())
    assert not any("rendered" in f.message for f in plain.findings)
    new = [f for f in rendered.findings if f.message.startswith("rendered ")]
    assert {f.location.file for f in new} == {"clusters/prod/web.yaml"}
    assert {f.location.line for f in new} == {1}
    schema = [f for f in new if f.rule == "schema"]
    assert schema and "Deployment web at $.spec.replicas" in schema[0].message
    assert "(by Kustomization web, cluster prod)" in schema[0].message
    [removed] = [f for f in new if f.rule == "api-removed"]
    assert "PodDisruptionBudget web" in removed.message


def test_rendering_needs_one_repository_folder(tmp_path: Path) -> None:
    root = repository(tmp_path / "repo")
    with pytest.raises(UsageError, match="one repository folder"):
        check([root / "app", root / "clusters"], render=RenderOptions())
