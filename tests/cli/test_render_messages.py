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
