"""Parsed files kept by content: read back exactly as parsed, never stale."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import gitops_schema.load as load
from gitops_schema.load import Document, LoadOptions, LoadResult, YamlMap, YamlSeq, load_paths
from gitops_schema.render import RenderCache

RELEASE = (
    "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n"
    "metadata: {name: web, namespace: apps}\n"
    "spec:\n  interval: 1h\n  values: {ports: [80, 443], ratio: 0.5, enabled: true, empty: ~}\n"
)
LIST = """\
apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}
---
plain: text
"""


def shape(value: Any) -> Any:
    """A loaded value with every position it carries, to compare two loads exactly."""
    if isinstance(value, YamlMap):
        return (
            "map",
            value.position,
            [
                (k, value.key_positions[k], value.value_positions[k], shape(v))
                for k, v in value.items()
            ],
        )
    if isinstance(value, YamlSeq):
        return ("seq", value.position, value.item_positions, [shape(v) for v in value])
    return (type(value).__name__, value)


def documents(result: LoadResult) -> list[tuple[Any, ...]]:
    return [(d.file, d.index, d.position, d.prefix, shape(d.data)) for d in result.documents]


def loaded(root: Path, cache: RenderCache | None) -> LoadResult:
    return load_paths([root], options=LoadOptions(parsed=cache))


def one_file(tmp_path: Path, text: str) -> tuple[Path, RenderCache]:
    """A folder holding one file of ``text``, and an empty cache beside it."""
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo/file.yaml").write_text(text)
    return tmp_path / "repo", RenderCache(tmp_path / "cache")


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files actually parsed (not read back) from now on."""
    files: list[str] = []
    real = load.read_bytes

    def counted(data: bytes, file: str, options: LoadOptions) -> Any:
        files.append(file)
        return real(data, file, options)

    monkeypatch.setattr(load, "read_bytes", counted)
    return files


def test_a_file_read_again_is_not_parsed_and_reads_back_exactly(
    tmp_path: Path, parses: list[str]
) -> None:
    root = tmp_path / "repo"
    (root / "apps").mkdir(parents=True)
    (root / "apps/release.yaml").write_text(RELEASE)
    (root / "list.yaml").write_text(LIST)
    (root / "data.json").write_text('{"apiVersion": "v1", "kind": "Namespace",\t"x": [1]}')
    cache = RenderCache(tmp_path / "cache")
    plain = loaded(root, None)
    first = loaded(root, cache)
    assert len(parses) == 6
    again = loaded(root, cache)
    assert len(parses) == 6, "read back, not parsed"
    assert documents(again) == documents(first) == documents(plain)
    assert again.texts == plain.texts and again.files == plain.files
    assert [d.prefix for d in again.documents if d.prefix] == [("items", 0), ("items", 1)]


def test_a_changed_renamed_or_deleted_file_is_never_read_stale(
    tmp_path: Path, parses: list[str]
) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "release.yaml").write_text(RELEASE)
    (root / "other.yaml").write_text(LIST)
    cache = RenderCache(tmp_path / "cache")
    loaded(root, cache)
    parses.clear()

    (root / "release.yaml").write_text(RELEASE.replace("interval: 1h", "interval: 2h"))
    changed = loaded(root, cache)
    assert parses == [str(root / "release.yaml")]
    release = next(d for d in changed.documents if d.file.endswith("release.yaml"))
    assert release.data["spec"]["interval"] == "2h"

    parses.clear()
    (root / "release.yaml").rename(root / "moved.yaml")
    moved = loaded(root, cache)
    assert parses == [str(root / "moved.yaml")]
    assert {d.file for d in moved.documents} == {str(root / "moved.yaml"), str(root / "other.yaml")}

    parses.clear()
    (root / "moved.yaml").unlink()
    deleted = loaded(root, cache)
    assert parses == []
    assert {d.file for d in deleted.documents} == {str(root / "other.yaml")}


def test_the_same_files_in_another_folder_are_read_back_under_their_own_names(
    tmp_path: Path, parses: list[str]
) -> None:
    cache = RenderCache(tmp_path / "cache")
    for name in ("work", "copy"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "release.yaml").write_text(RELEASE)
    loaded(tmp_path / "work", cache)
    copy = loaded(tmp_path / "copy", cache)
    assert parses == [str(tmp_path / "work/release.yaml")]
    assert copy.documents[0].file == str(tmp_path / "copy/release.yaml")
    assert copy.documents[0].location.file == str(tmp_path / "copy/release.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # a duplicate key: a diagnostic, which must be said every time
        "base: &b {x: 1}\nother: *b\n",  # an alias: one value in two places
        "key: [unclosed\n",  # a syntax error
    ],
)
def test_what_would_not_read_back_the_same_is_parsed_every_time(
    tmp_path: Path, parses: list[str], text: str
) -> None:
    root, cache = one_file(tmp_path, text)
    first = loaded(root, cache)
    again = loaded(root, cache)
    assert len(parses) == 2
    assert [str(d) for d in again.report] == [str(d) for d in first.report]
    assert documents(again) == documents(first)


@pytest.mark.parametrize(
    "garbage",
    [
        [[0, 1, 1, [], {"m": [1, 1], "k": [[1, 1, 1, 1, 1, "key is not text"]]}]],
        [[0, 1, 1, [], {"s": [1, 1], "i": [], "v": ["more items than positions"]}]],
        [[0, "one", 1, [], "x"]],
        [[0, 1, 1, [{}], "x"]],
        "not a list of documents",
    ],
)
def test_a_garbage_entry_is_a_miss_parsed_again(
    tmp_path: Path, parses: list[str], garbage: Any
) -> None:
    root, cache = one_file(tmp_path, RELEASE)
    first = loaded(root, cache)
    [entry] = (tmp_path / "cache").rglob("*.json")
    stored = json.loads(entry.read_text())
    entry.write_text(json.dumps({**stored, "documents": garbage}))
    again = loaded(root, cache)
    assert len(parses) == 2
    assert documents(again) == documents(first)


def test_documents_are_equal_dataclasses_after_a_read_back(tmp_path: Path) -> None:
    root, cache = one_file(tmp_path, RELEASE)
    first: list[Document] = loaded(root, cache).documents
    assert loaded(root, cache).documents == first
