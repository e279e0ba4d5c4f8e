"""An engine program's version is asked once per program file, then remembered."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops_schema.render import KustomizeEngine, SubprocessRunner


def fake_kustomize(folder: Path, version: str) -> Path:
    """A ``kustomize`` that says ``version`` and counts how often it was asked."""
    program = folder / "kustomize"
    program.write_text(f'#!/bin/sh\necho asked >> "{folder}/asked"\necho {version}\n')
    program.chmod(0o755)
    return program


def test_the_version_is_remembered_per_program_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    program = fake_kustomize(tmp_path, "v5.4.0")

    def version() -> str:
        return KustomizeEngine((str(program), "build"), SubprocessRunner()).version

    assert version() == version() == "kustomize v5.4.0"
    assert (tmp_path / "asked").read_text().count("asked") == 1
    fake_kustomize(tmp_path, "v5.10.0")  # upgraded in place: another size
    assert version() == "kustomize v5.10.0"
    assert (tmp_path / "asked").read_text().count("asked") == 2


def test_an_unwritable_cache_only_means_asking_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cache").write_text("a file where the cache folder should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    program = fake_kustomize(tmp_path, "v5.4.0")
    engine = KustomizeEngine((str(program), "build"), SubprocessRunner())
    assert engine.version == "kustomize v5.4.0"
