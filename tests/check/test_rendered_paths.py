"""check --render on a repository given by absolute path: every message names paths
relative to the repository (the repository itself, a path that climbs out of it, a
Flux path that is not there), in every output format."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

APPLICATION = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {{name: {name}, namespace: argocd}}
spec:
  project: default
  source: {{repoURL: https://github.com/org/repo.git, path: {path}, targetRevision: HEAD}}
  destination: {{server: https://kubernetes.default.svc, namespace: default}}
"""
FLUX_KUSTOMIZATION = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: {name}, namespace: flux-system}}
spec:
  interval: 10m
  path: {path}
  prune: true
  sourceRef: {{kind: GitRepository, name: flux-system}}
"""
FILES = {
    "argocd/gone.yaml": APPLICATION.format(name="gone", path="apps/gone"),
    "argocd/beside.yaml": APPLICATION.format(name="beside", path="../shared-apps"),
    "clusters/prod/gone.yaml": FLUX_KUSTOMIZATION.format(name="gone", path="./not/there"),
    "clusters/prod/beside.yaml": FLUX_KUSTOMIZATION.format(name="beside", path="../shared"),
}


@pytest.mark.parametrize("output", ["text", "json", "sarif", "junit"])
def test_messages_name_paths_from_the_repository(
    tmp_path: Path, cli: Callable[..., Any], output: str
) -> None:
    repo = tmp_path / "repo"
    for name, text in FILES.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    result = cli("check", "--render", str(repo), "--no-cache", "-o", output)
    assert result.code == 1, result.err
    if output == "json":
        messages = [f["message"] for f in json.loads(result.out)["findings"]]
    elif output == "sarif":
        [run] = json.loads(result.out)["runs"]
        messages = [r["message"]["text"] for r in run["results"]]
    else:
        messages = [result.out]
    text = "\n".join(messages)
    assert "path 'apps/gone' of https://github.com/org/repo.git not found (read from the" in text
    assert "'../shared-apps' climbs to ../shared-apps, outside the repository" in text
    assert "kustomization path not found: ./not/there (in the repository)" in text
    assert "'../shared' climbs to ../shared, outside the repository" in text
    assert str(tmp_path) not in text
