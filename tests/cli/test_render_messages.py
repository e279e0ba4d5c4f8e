"""``render``'s findings name the repository's files relative to it, however it was given."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ..conftest import Run
from .test_startup import APPLICATION


@pytest.mark.parametrize("given", ["absolute", "relative", "dot"])
def test_a_failed_build_is_told_with_repository_relative_paths(
    given: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Callable[..., Run]
) -> None:
    repo = tmp_path / "repo"
    (repo / "web").mkdir(parents=True)
    (repo / "web/kustomization.yaml").write_text("resources: [missing.yaml]\n")
    (repo / "app.yaml").write_text(APPLICATION)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(repo if given == "dot" else tmp_path)
    path = {"absolute": str(repo), "relative": "repo", "dot": "."}[given]

    run = cli("render", path)

    assert run.code == 1
    assert "app.yaml:1:1: error: kustomize build of web failed" in run.err
    assert "web/missing.yaml" in run.err
    assert str(tmp_path) not in run.err


FLUX_KUSTOMIZATION = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: web
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps/web
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
"""


@pytest.mark.parametrize("given", ["absolute", "relative", "dot"])
def test_a_failed_flux_build_is_told_alike_built_read_back_or_at_a_revision(
    given: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: Callable[..., Run],
    git: Callable[..., str],
) -> None:
    repo = tmp_path / "repo"
    (repo / "apps/web").mkdir(parents=True)
    (repo / "clusters/prod").mkdir(parents=True)
    (repo / "apps/web/kustomization.yaml").write_text("resources: [missing.yaml]\n")
    (repo / "clusters/prod/web.yaml").write_text(FLUX_KUSTOMIZATION)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "web")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(repo if given == "dot" else tmp_path)
    path = {"absolute": str(repo), "relative": "repo", "dot": "."}[given]

    for _ in range(2):  # built, then read back from the cache
        run = cli("render", path)
        assert run.code == 1
        assert "kustomize build of apps/web failed" in run.err
        assert "apps/web/missing.yaml" in run.err and "./apps" not in run.err
        assert str(tmp_path) not in run.err
    # The work tree's failure read back and the revision's built in a copy say one thing.
    diff = cli("diff", path, "--from", "HEAD")
    told = [line for line in diff.out.splitlines() if "kustomize build of" in line]
    assert len(told) == 2
    assert {line.split(": ", 1)[1] for line in told} == {told[0].split(": ", 1)[1]}
