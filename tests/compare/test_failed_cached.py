"""A Flux build that failed at a git revision, read back from the render cache by a later
run, still names the repository's paths: never the first run's scratch copy."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

KUSTOMIZATION = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  interval: 10m
  path: ./apps/prod
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
"""
PATCHED = """\
resources: [cm.yaml]
patches:
- target: {kind: ConfigMap}
  patch: '[{"op": "replace", "path": "/data/missing/level", "value": "x"}]'
"""


def test_a_cached_failure_at_a_revision_names_no_scratch_path(
    tmp_path: Path,
    cli: Callable[..., Any],
    git: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    repo = tmp_path / "repo"
    (repo / "clusters/kind-prod").mkdir(parents=True)
    (repo / "apps/prod").mkdir(parents=True)
    (repo / "clusters/kind-prod/apps.yaml").write_text(KUSTOMIZATION)
    (repo / "apps/prod/cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n"
    )
    (repo / "apps/prod/kustomization.yaml").write_text("resources: [cm.yaml]\n")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "init")
    (repo / "apps/prod/kustomization.yaml").write_text(PATCHED)
    git(repo, "commit", "-qam", "break")

    for _ in range(2):  # the second run reads the failure from the cache
        result = cli("diff", str(repo), "--from", "HEAD~1", "--to", "HEAD", "-o", "json")
        assert result.code == 1
        [failed] = json.loads(result.out)["failed"]
        assert failed["revision"] == "HEAD"
        assert "kustomize build of apps/prod failed" in failed["reasons"][0]
        assert "/dev/shm" not in result.out + result.err
        assert "gitops-schema-rev-" not in result.out + result.err

    # The work tree's render names the repository's files by absolute path: told relative.
    result = cli("diff", str(repo), "--from", "HEAD", "-o", "json")
    assert result.code == 1
    assert "[work tree]" in result.err and "kustomize build of apps/prod failed" in result.err
    assert f"{repo}/apps" not in result.out + result.err
