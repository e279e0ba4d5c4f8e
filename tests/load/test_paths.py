"""Folders, file selection, and git revisions read without a checkout."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from gitops_schema.errors import LoadError, RevisionNotFound
from gitops_schema.load import LoadOptions, load_paths
from gitops_schema.load.files import select


def test_select_skips_hidden_non_yaml_and_chart_templates() -> None:
    paths = [
        "a.yaml",
        "b.yml",
        "c.json",
        "README.md",
        ".github/workflows/ci.yaml",
        ".sops.yaml",
        "charts/web/Chart.yaml",
        "charts/web/values.yaml",
        "charts/web/templates/deployment.yaml",
        "charts/web/crds/crd.yaml",
        "templates/not-a-chart.yaml",
    ]
    assert select(paths) == [
        "a.yaml",
        "b.yml",
        "c.json",
        "charts/web/Chart.yaml",
        "charts/web/crds/crd.yaml",
        "charts/web/values.yaml",
        "templates/not-a-chart.yaml",
    ]


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_folder_walk_and_display_paths(tmp_path: Path) -> None:
    write(tmp_path, {"apps/a.yaml": "a: 1\n", "apps/sub/b.yaml": "b: 2\n", "apps/x.txt": "no"})
    result = load_paths([tmp_path / "apps"])
    assert [Path(f).relative_to(tmp_path).as_posix() for f in result.files] == [
        "apps/a.yaml",
        "apps/sub/b.yaml",
    ]


def test_explicit_file_is_read_whatever_its_name(tmp_path: Path) -> None:
    write(tmp_path, {"manifest.txt": "a: 1\n"})
    assert load_paths([tmp_path / "manifest.txt"]).documents[0].data == {"a": 1}


def test_missing_path_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="no such file or folder"):
        load_paths([tmp_path / "nope"])


def test_oversized_file_is_not_read(tmp_path: Path) -> None:
    write(tmp_path, {"big.yaml": "a: " + "x" * 1000 + "\n"})
    result = load_paths([tmp_path], options=LoadOptions(max_file_size=100))
    assert result.documents == []
    assert [d.rule for d in result.report] == ["file-too-large"]


@pytest.fixture
def repo(tmp_path: Path, git: Callable[..., str]) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    write(tmp_path, {"apps/app.yaml": "name: first\n", "other.yaml": "x: 1\n"})
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "first")
    git(tmp_path, "tag", "v1")
    write(tmp_path, {"apps/app.yaml": "name: second\n", "apps/new.yaml": "num: 1\n"})
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "second")
    # An uncommitted change: revisions must not see it.
    write(tmp_path, {"apps/app.yaml": "name: work-tree\n"})
    return tmp_path


def names(result_documents: list) -> list:  # type: ignore[type-arg]
    return [d.data for d in result_documents]


def test_revision_reads_the_committed_tree(repo: Path) -> None:
    assert names(load_paths([repo / "apps"], revision="HEAD").documents) == [
        {"name": "second"},
        {"num": 1},
    ]
    assert names(load_paths([repo / "apps"], revision="v1").documents) == [{"name": "first"}]
    assert names(load_paths([repo / "apps"], revision="HEAD~1").documents) == [{"name": "first"}]
    assert names(load_paths([repo / "apps"]).documents) == [{"name": "work-tree"}, {"num": 1}]


def test_revision_of_a_single_file_and_display_path(repo: Path) -> None:
    result = load_paths([repo / "apps" / "app.yaml"], revision="v1")
    assert names(result.documents) == [{"name": "first"}]
    assert result.files == [str(repo / "apps" / "app.yaml")]


def test_revision_errors(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    with pytest.raises(RevisionNotFound, match="no-such-branch"):
        load_paths([repo], revision="no-such-branch")
    with pytest.raises(LoadError, match="does not exist at revision v1"):
        load_paths([repo / "apps" / "new.yaml"], revision="v1")
    outside = tmp_path_factory.mktemp("plain")
    with pytest.raises(LoadError, match="not inside a git repository"):
        load_paths([outside], revision="HEAD")


def test_exclude_patterns() -> None:
    paths = ["a.yaml", "seed/x.yaml", "apps/seed/y.yaml", "apps/legacy/z.yaml", "gen.out.yaml"]
    assert select(paths, ["seed"]) == ["a.yaml", "apps/legacy/z.yaml", "gen.out.yaml"]
    assert select(paths, ["apps/legacy"]) == [
        "a.yaml",
        "apps/seed/y.yaml",
        "gen.out.yaml",
        "seed/x.yaml",
    ]
    assert select(paths, ["*.out.yaml", "apps/*"]) == ["a.yaml", "seed/x.yaml"]


def test_exclude_applies_to_revisions(repo: Path) -> None:
    result = load_paths([repo], revision="HEAD", options=LoadOptions(exclude=("apps",)))
    assert names(result.documents) == [{"x": 1}]
