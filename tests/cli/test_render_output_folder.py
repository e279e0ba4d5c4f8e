"""``render -o DIR`` again into the same folder: it shows this render, and only it."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from ..conftest import Run
from .test_replay import files
from .test_startup import APPLICATION

OBJECTS = ("in-cluster/web/ConfigMap-a.yaml", "in-cluster/web/ConfigMap-b.yaml")


def config_map(name: str, value: str = "1") -> str:
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\ndata: {{v: '{value}'}}\n"


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One Application rendering two ConfigMaps with kustomize; a cache of its own."""
    repo = tmp_path / "repo"
    (repo / "web").mkdir(parents=True)
    (repo / "web/kustomization.yaml").write_text("resources: [a.yaml, b.yaml]\n")
    (repo / "web/a.yaml").write_text(config_map("a"))
    (repo / "web/b.yaml").write_text(config_map("b"))
    (repo / "app.yaml").write_text(APPLICATION)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    return repo


def drop_b(repo: Path) -> None:
    (repo / "web/kustomization.yaml").write_text("resources: [a.yaml]\n")


def test_an_object_no_longer_rendered_leaves_no_file_behind(
    repository: Path, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    assert cli("render", "repo", "-o", "out").code == 0
    assert set(files(tmp_path / "out")) == set(OBJECTS)
    drop_b(repository)

    again = cli("render", "repo", "-o", "out")

    assert again.code == 0
    assert set(files(tmp_path / "out")) == {OBJECTS[0]}
    assert "2 objects" not in again.err
    assert (
        "1 objects of 1 applications written to out (1 unchanged, 1 of the previous render removed)"
        in again.err
    )


def test_a_file_left_as_it_was_keeps_its_time_and_a_changed_object_is_rewritten(
    repository: Path, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    cli("render", "repo", "-o", "out")
    a, b = (tmp_path / "out" / name for name in OBJECTS)
    os.utime(a, ns=(1_000_000_000, 1_000_000_000))
    (repository / "web/b.yaml").write_text(config_map("b", "2"))

    again = cli("render", "repo", "-o", "out")

    assert again.code == 0
    assert a.stat().st_mtime_ns == 1_000_000_000
    assert "v: '2'" in b.read_text()
    assert "(1 unchanged)" in again.err


def test_files_the_render_did_not_write_or_that_were_changed_since_are_kept(
    repository: Path, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    cli("render", "repo", "-o", "out")
    mine = tmp_path / "out/README.md"
    mine.write_text("notes\n")
    edited = tmp_path / "out" / OBJECTS[1]
    edited.write_text(edited.read_text() + "# reviewed\n")
    drop_b(repository)

    again = cli("render", "repo", "-o", "out")

    assert mine.read_text() == "notes\n"
    assert edited.read_text().endswith("# reviewed\n")
    assert f"{Path('out') / OBJECTS[1]}: kept: the previous render wrote it" in again.err


def test_an_empty_folder_left_by_removed_objects_is_removed(
    repository: Path, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    cli("render", "repo", "-o", "out")
    (repository / "app.yaml").unlink()

    cli("render", "repo", "-o", "out")

    assert not (tmp_path / "out/in-cluster").exists()
    assert (tmp_path / "out").is_dir()


def test_an_output_that_is_a_file_is_a_usage_error(
    repository: Path, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    (tmp_path / "out").write_text("mine\n")

    run = cli("render", "repo", "-o", "out")

    assert run.code == 2
    assert run.err.strip().endswith("error: --output out: is a file, not a folder")
    assert (tmp_path / "out").read_text() == "mine\n"


def test_an_object_two_applications_make_is_counted_once_as_a_file(
    repository: Path, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    second = APPLICATION.replace("name: web,", "name: web-copy,")
    (repository / "copy.yaml").write_text(second)

    run = cli("render", "repo", "-o", "out")

    assert set(files(tmp_path / "out")) == set(OBJECTS)
    assert (
        "4 objects of 2 applications written to out "
        "(2 in the file of the same object of another application)"
    ) in run.err
    assert "render-shared-object" in run.err
