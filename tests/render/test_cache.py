"""The content-addressed cache: hits when nothing changed, misses when any input did."""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

import pytest

from gitops_schema.render import (
    KustomizeEngine,
    KustomizeOptions,
    RenderCache,
    RenderResult,
    build_kustomization,
)
from gitops_schema.render import cache as cache_module
from gitops_schema.render.cache import (
    ENTRY_LIFETIME,
    STALE_AFTER,
    code_digest,
    code_tree_digest,
    tree_digest,
)
from gitops_schema.render.confine import Confinement

# The generator reads a file outside the overlay's folder.
OPTIONS = KustomizeOptions(load_restrictor="LoadRestrictionsNone")
ALL = Confinement.of(Path(tempfile.gettempdir()))
"""Test trees are made under the temporary folder; each may read all of it."""


def _build(folder: Path, engine: KustomizeEngine, cache: RenderCache) -> RenderResult:
    return build_kustomization(folder, options=OPTIONS, engine=engine, cache=cache, confinement=ALL)


def make_tree(root: Path) -> Path:
    (root / "base").mkdir(parents=True)
    (root / "base" / "kustomization.yaml").write_text("resources:\n  - cm.yaml\n")
    (root / "base" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: '1'\n"
    )
    (root / "overlay").mkdir()
    (root / "overlay" / "kustomization.yaml").write_text(
        "resources:\n  - ../base\nconfigMapGenerator:\n  - name: gen\n    files:\n"
        "      - key=../settings.txt\n"
    )
    (root / "settings.txt").write_text("x")
    return root / "overlay"


def test_unchanged_tree_is_built_once(tmp_path: Path, counting_engine: KustomizeEngine) -> None:
    overlay = make_tree(tmp_path / "repo")
    cache = RenderCache(tmp_path / "cache")
    engine = counting_engine
    runner = engine.runner
    first = _build(overlay, engine, cache)
    second = _build(overlay, engine, cache)
    assert len(runner.builds) == 1
    assert (first.cached, second.cached) == (False, True)
    assert second.text == first.text
    assert second.manifests == first.manifests


def test_a_moved_tree_still_hits(tmp_path: Path, counting_engine: KustomizeEngine) -> None:
    cache = RenderCache(tmp_path / "cache")
    engine = counting_engine
    runner = engine.runner
    _build(make_tree(tmp_path / "one"), engine, cache)
    assert _build(make_tree(tmp_path / "two"), engine, cache).cached
    assert len(runner.builds) == 1


def test_any_input_change_misses(tmp_path: Path, counting_engine: KustomizeEngine) -> None:
    overlay = make_tree(tmp_path / "repo")
    cache = RenderCache(tmp_path / "cache")
    engine = counting_engine
    runner = engine.runner
    _build(overlay, engine, cache)
    # A base outside the folder, then a generator's file outside it.
    (tmp_path / "repo" / "base" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: '2'\n"
    )
    changed = _build(overlay, engine, cache)
    assert not changed.cached
    assert {"a": "2"} in [m["data"] for m in changed.manifests]
    (tmp_path / "repo" / "settings.txt").write_text("y")
    assert not _build(overlay, engine, cache).cached
    assert len(runner.builds) == 3
    assert _build(overlay, engine, cache).cached


def test_failures_are_not_cached(tmp_path: Path, counting_engine: KustomizeEngine) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources:\n  - missing.yaml\n")
    cache = RenderCache(tmp_path / "cache")
    engine = counting_engine
    runner = engine.runner
    _build(tmp_path, engine, cache)
    _build(tmp_path, engine, cache)
    assert len(runner.builds) == 2


def test_corrupt_entry_is_a_miss(tmp_path: Path) -> None:
    cache = RenderCache(tmp_path)
    cache.put("ab12", {"text": "x"})
    assert cache.get("ab12", text=str) == {"text": "x"}
    [entry] = tmp_path.rglob("ab12.json")
    entry.write_text("{not json")
    assert cache.get("ab12") is None


def test_entries_are_kept_apart_by_the_code_that_made_them(tmp_path: Path) -> None:
    cache = RenderCache(tmp_path)
    cache.put("cd34", {"text": "x"})
    [entry] = tmp_path.rglob("cd34.json")
    assert entry.relative_to(tmp_path).parts[0] == code_digest()[:16]


def test_a_new_build_of_the_code_drops_entries_other_builds_left_unused(tmp_path: Path) -> None:
    stale = tmp_path / "0123456789abcdef" / "ab"
    recent = tmp_path / "fedcba9876543210" / "cd"
    charts = tmp_path / "charts" / "podinfo"
    for bucket in (stale, recent, charts):
        bucket.mkdir(parents=True)
        (bucket / "entry.json").write_text("{}")
    old = time.time() - STALE_AFTER - 60
    for path in (stale, stale.parent, charts, charts.parent):
        os.utime(path, (old, old))
    RenderCache(tmp_path).put("ef56", {"manifests": []})
    assert not stale.parent.exists()
    assert (recent / "entry.json").is_file() and (charts / "entry.json").is_file()
    assert RenderCache(tmp_path).get("ef56") == {"manifests": []}


def test_entries_written_long_ago_are_swept_once_a_day(tmp_path: Path) -> None:
    cache = RenderCache(tmp_path)
    cache.put("aa01", {"manifests": [1]})
    cache.put("bb02", {"manifests": [2]})
    [old] = tmp_path.rglob("aa01.json")
    long_ago = time.time() - ENTRY_LIFETIME - 60
    os.utime(old, (long_ago, long_ago))
    namespace = old.parent.parent
    # This process has swept already: a new one would sweep, unless one did today.
    cache_module._swept.clear()
    (namespace / ".swept").touch()
    cache.put("cc03", {"manifests": [3]})
    assert cache.get("aa01") == {"manifests": [1]}
    cache_module._swept.clear()
    os.utime(namespace / ".swept", (long_ago, long_ago))
    cache.put("cc03", {"manifests": [3]})
    assert cache.get("aa01") is None
    assert cache.get("bb02") == {"manifests": [2]}


def test_the_code_digest_is_remembered_by_the_status_of_the_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    package = tmp_path / "package"
    (package / "sub").mkdir(parents=True)
    (package / "sub/a.py").write_text("A = 1\n")
    (package / "notes.txt").write_text("not code\n")
    digest = code_tree_digest(package)
    assert digest == tree_digest([package / "sub/a.py"])
    # Read back, not made again: a remembered value stands for the same files.
    memo = tmp_path / "cache/.gitops-schema-cache/code-digests.json"
    memo.write_text(json.dumps(dict.fromkeys(json.loads(memo.read_text()), "remembered")))
    assert code_tree_digest(package) == "remembered"
    (package / "notes.txt").write_text("still not code\n")
    assert code_tree_digest(package) == "remembered"
    # Another content, even of the same size and modification time, is another digest.
    status = (package / "sub/a.py").stat()
    (package / "sub/a.py").write_text("A = 2\n")
    os.utime(package / "sub/a.py", ns=(status.st_atime_ns, status.st_mtime_ns))
    assert code_tree_digest(package) == tree_digest([package / "sub/a.py"]) != digest
    (package / "b.py").write_text("B = 1\n")
    assert code_tree_digest(package) not in (digest, "remembered")
