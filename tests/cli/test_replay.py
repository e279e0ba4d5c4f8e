"""A warm ``render`` is replayed from its record, and never when anything it reads changed."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from gitops_schema.cli._replay import Invocation, inputs_snapshot
from gitops_schema.render import cache_snapshot
from gitops_schema.render.cache_snapshot import Snapshot

from ..conftest import Run
from .test_startup import APPLICATION

CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {v: aaaa}\n"


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One Application rendering one ConfigMap with kustomize; a cache of its own."""
    repo = tmp_path / "repo"
    (repo / "web").mkdir(parents=True)
    (repo / "web/kustomization.yaml").write_text("resources: [cm.yaml]\n")
    (repo / "web/cm.yaml").write_text(CONFIG_MAP)
    (repo / "app.yaml").write_text(APPLICATION)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    return repo


def files(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text() for p in folder.rglob("*") if p.is_file()}


def records(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache").rglob("replays/*/*.json"))


def test_a_warm_render_plays_back_what_the_render_printed_and_wrote(
    repository: Path, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    cold = cli("render", "repo", "-o", "cold")
    warm = cli("render", "repo", "-o", "warm")
    assert cold.code == warm.code == 0
    assert files(tmp_path / "cold") == files(tmp_path / "warm")
    assert "in-cluster/web/ConfigMap-c.yaml" in files(tmp_path / "warm")
    assert warm.err == cold.err.replace("written to cold", "written to warm")
    assert len(records(tmp_path)) == 1
    # The YAML stream to standard output is recorded on its own.
    streamed = [cli("render", "repo") for _ in range(2)]
    assert streamed[0].out == streamed[1].out
    assert "kind: ConfigMap" in streamed[1].out
    assert len(records(tmp_path)) == 2


def test_a_replay_imports_neither_typer_nor_the_render(repository: Path, tmp_path: Path) -> None:
    probe = (
        "import sys\nfrom gitops_schema.cli import main\n"
        "try: main()\nexcept SystemExit as done: code = done.code\n"
        "heavy = ('typer', 'yaml', 'pydantic', 'rich', 'gitops_schema.desired')\n"
        "print(code, [m for m in heavy if m in sys.modules])\n"
    )

    def run(output: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", probe, "render", "repo", "-o", output],
            capture_output=True,
            text=True,
            check=True,
            cwd=tmp_path,
        )
        return done.stdout.strip().splitlines()[-1]

    assert run("cold") != "0 []"  # Rendered: Typer and the render were needed.
    assert run("warm") == "0 []"
    assert files(tmp_path / "warm") == files(tmp_path / "cold")


@pytest.mark.parametrize("change", ["content", "added", "removed", "option", "environment"])
def test_anything_the_render_depends_on_changed_is_rendered_again(
    repository: Path,
    tmp_path: Path,
    cli: Callable[..., Run],
    monkeypatch: pytest.MonkeyPatch,
    change: str,
) -> None:
    assert cli("render", "repo", "-o", "before").code == 0
    args = ["render", "repo", "-o", "after"]
    config_map = repository / "web/cm.yaml"
    if change == "content":
        # Same size, same modification time: only the content (and the change time) differ.
        status = config_map.stat()
        config_map.write_text(CONFIG_MAP.replace("aaaa", "bbbb"))
        os.utime(config_map, ns=(status.st_atime_ns, status.st_mtime_ns))
        assert config_map.stat().st_size == status.st_size
    elif change == "added":
        (repository / "web/kustomization.yaml").write_text("resources: [cm.yaml, more.yaml]\n")
        (repository / "web/more.yaml").write_text(CONFIG_MAP.replace("name: c", "name: d"))
    elif change == "removed":
        (repository / "web/kustomization.yaml").write_text("resources: []\n")
        config_map.unlink()
    elif change == "option":
        args += ["--format", "json"]
    else:
        monkeypatch.setenv("GITOPS_SCHEMA_TEST_VARIABLE", "another environment")
    after = cli(*args)
    # Another command line or environment is another record; the same one is replaced.
    assert len(records(tmp_path)) == (2 if change in ("option", "environment") else 1)
    written = files(tmp_path / "after")
    expected = {
        "content": {"in-cluster/web/ConfigMap-c.yaml"},
        "added": {"in-cluster/web/ConfigMap-c.yaml", "in-cluster/web/ConfigMap-d.yaml"},
        "removed": set(),
        "option": {"in-cluster/web/ConfigMap-c.yaml".replace(".yaml", ".json")},
        "environment": {"in-cluster/web/ConfigMap-c.yaml"},
    }[change]
    assert set(written) == expected, after.err
    if change == "content":
        assert "bbbb" in written["in-cluster/web/ConfigMap-c.yaml"]


def test_a_changed_file_is_told_by_its_change_time_when_not_racy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No file is racy: only the status tells a change (the content is not hashed).
    monkeypatch.setattr(cache_snapshot, "RACY_NS", 0)
    (tmp_path / "a.yaml").write_text("a: 1\n")
    snapshot = Snapshot.take([(str(tmp_path), "")], [])
    assert not any(len(entry) > 5 for entry in snapshot.status[0])
    assert snapshot.unchanged()
    status = (tmp_path / "a.yaml").stat()
    (tmp_path / "a.yaml").write_text("a: 2\n")
    os.utime(tmp_path / "a.yaml", ns=(status.st_atime_ns, status.st_mtime_ns))
    assert not snapshot.unchanged()


def test_the_code_the_installed_packages_and_the_engine_are_in_the_snapshot(
    tmp_path: Path,
) -> None:
    engine = tmp_path / "kustomize"
    engine.write_text("#!/bin/sh\necho v1\n")
    code = tmp_path / "package"
    (code / "__pycache__").mkdir(parents=True)
    (code / "render.py").write_text("X = 1\n")
    snapshot = inputs_snapshot([tmp_path / "repo"], str(engine))
    assert str(engine.resolve()) in snapshot.paths
    assert any(suffix == ".py" for _, suffix in snapshot.trees)
    assert snapshot.unchanged()
    engine.write_text("#!/bin/sh\necho v2\n")  # Another version of the engine.
    assert not snapshot.unchanged()
    # Byte-code written beside a package's code changes nothing; its code does.
    package = Snapshot.take([(str(code), ".py")], [])
    (code / "__pycache__/render.cpython-311.pyc").write_bytes(b"\0")
    assert package.unchanged()
    (code / "render.py").write_text("X = 2\n")
    assert not package.unchanged()


@pytest.mark.parametrize(
    ("args", "output"),
    [
        (["render", "repo", "-o", "DIR"], "DIR"),
        (["render", "-o", "DIR", "repo"], "DIR"),
        (["render", "repo", "--output=DIR"], "DIR"),
        (["render", "repo", "-oDIR"], "DIR"),
        (["render", "repo"], None),
        (["render", "repo", "-o", "a", "-o", "b"], False),
        (["render", "repo", "-o", "-x"], False),
        (["render", "--", "repo", "-o", "DIR"], False),
    ],
)
def test_the_output_folder_is_the_one_part_of_the_command_left_out(
    args: list[str], output: str | bool | None
) -> None:
    invocation = Invocation.of(args)
    if output is False:
        assert invocation is None
        return
    assert invocation is not None
    assert invocation.output == output
    if output is not None:
        renamed = Invocation.of([a.replace(output, "elsewhere") for a in args])
        assert renamed is not None
        assert invocation.identity == renamed.identity
        assert renamed.output == "elsewhere"
    assert Invocation.of([*args, "--cluster", "x"]) != invocation


def test_an_unknown_cluster_is_a_usage_error_cold_and_warm(
    repository: Path, cli: Callable[..., Run]
) -> None:
    for _ in range(2):
        refused = cli("render", "repo", "--cluster", "NOSUCH", "-o", "out")
        assert refused.code == 2
        assert "'NOSUCH'" in refused.err and "'in-cluster'" in refused.err
    assert cli("render", "repo", "--cluster", "in-cluster", "-o", "out").code == 0
    # Read back whole from the render cache (no walk), and replayed: still refused.
    for _ in range(2):
        assert cli("render", "repo", "--cluster", "NOSUCH", "-o", "out").code == 2
        assert cli("render", "repo", "--cluster", "NOSUCH").code == 2


def test_a_command_run_from_a_removed_folder_is_not_replayed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def removed() -> str:
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(os, "getcwd", removed)
    assert Invocation.of(["render", "repo", "-o", "out"]) is None
