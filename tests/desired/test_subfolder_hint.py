"""Rendering a subfolder of a git repository (`render .` in clusters/): Flux and Argo CD
read paths from the repository's root, so a path not found there but found from the root
says which folder to give, relative to the one given."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

FILES = {
    "clusters/prod/apps.yaml": """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  interval: 10m
  path: ./apps/prod
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
""",
    "clusters/prod/web.yaml": """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: web, namespace: argocd}
spec:
  project: default
  source: {repoURL: https://github.com/org/repo.git, path: apps/web, targetRevision: HEAD}
  destination: {server: https://kubernetes.default.svc, namespace: web}
""",
    "apps/prod/kustomization.yaml": "resources: []\n",
    "apps/web/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n",
}


def test_a_path_found_from_the_root_names_the_root(
    tmp_path: Path,
    cli: Callable[..., Any],
    git: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    git(tmp_path, "init", "-q")
    monkeypatch.chdir(tmp_path / "clusters")
    result = cli("render", ".", "--no-cache")
    assert "give .. (the path is at ../apps/prod)" in result.err
    assert "give .. (the path is at ../apps/web)" in result.err
    # From the root itself, or outside git, nothing of the kind is said.
    monkeypatch.chdir(tmp_path)
    assert "subfolder" not in cli("render", ".", "--no-cache").err
