"""The render cache under faults: garbage, swapped entries, no room, and killed runs.

Whatever the cache folder holds, a render gives the output of a render without cache;
what does not read back as the entry asked for is made again, and a cache that cannot be
written is one warning.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from gitops_schema.desired import RenderOptions, render_repository
from gitops_schema.render import RenderCache
from gitops_schema.render.cache import code_digest
from gitops_schema.render.scratch import scratch_folder, sweep_scratch

CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\ndata: {{v: '{v}'}}\n"
KUSTOMIZATION = (
    "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
    "metadata: {{name: {name}, namespace: flux-system}}\n"
    "spec: {{interval: 1h, prune: true, path: ./apps/{name}, "
    "sourceRef: {{kind: GitRepository, name: flux-system}}}}\n"
)


def repository(root: Path) -> Path:
    """Two Flux Kustomizations, each building one folder with one ConfigMap."""
    for name, value in (("one", "1"), ("two", "2")):
        folder = root / "apps" / name
        folder.mkdir(parents=True)
        (folder / "cm.yaml").write_text(CONFIG_MAP.format(name=name, v=value))
        (folder / "kustomization.yaml").write_text("resources: [cm.yaml]\n")
        (root / "clusters" / "prod").mkdir(parents=True, exist_ok=True)
        (root / "clusters" / "prod" / f"{name}.yaml").write_text(KUSTOMIZATION.format(name=name))
    return root


def rendered(root: Path, cache: RenderCache | None) -> tuple[dict[str, object], list[str]]:
    result = render_repository(root, RenderOptions(cache=cache))
    objects = {f"{a.cluster}/{a.name}": a.manifests for a in result.apps}
    return objects, [d.rule for d in result.report]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return repository(tmp_path / "repo")


def entries(cache: Path) -> list[Path]:
    return sorted(cache.rglob("*.json"))


@pytest.mark.parametrize(
    "garbage",
    [
        {"manifests": {}, "text": {}, "apps": {}, "diagnostics": {}, "error": []},
        {"manifests": [1], "text": 3, "apps": [[]], "diagnostics": 0},
        {"manifests": "x", "apps": [{"cluster": 1}], "diagnostics": [[]]},
        [],
        "text",
        None,
    ],
)
def test_garbage_of_any_json_type_is_made_again(
    repo: Path, tmp_path: Path, garbage: object
) -> None:
    expected = rendered(repo, None)
    cache = tmp_path / "cache"
    assert rendered(repo, RenderCache(cache)) == expected
    for entry in entries(cache):
        # Garbage that even claims the entry's own key.
        key = entry.stem
        value = {**garbage, "key": key} if isinstance(garbage, dict) else garbage
        entry.write_text(json.dumps(value))
    assert rendered(repo, RenderCache(cache)) == expected
    # ...and made again, the next render reads the cache.
    assert rendered(repo, RenderCache(cache)) == expected
    assert all(json.loads(e.read_text()).get("key") == e.stem for e in entries(cache))


def test_files_where_folders_should_be_are_replaced(repo: Path, tmp_path: Path) -> None:
    expected = rendered(repo, None)
    cache = tmp_path / "cache"
    namespace = cache / code_digest()[:16]
    namespace.parent.mkdir(parents=True)
    namespace.write_text("not a folder")
    assert rendered(repo, RenderCache(cache)) == expected
    assert namespace.is_dir() and entries(cache)
    [bucket, *_] = sorted(p for p in namespace.iterdir() if p.is_dir())
    for entry in bucket.iterdir():
        entry.unlink()
    bucket.rmdir()
    bucket.write_text("[]")
    for entry in entries(cache):
        entry.unlink()
    assert rendered(repo, RenderCache(cache)) == expected
    assert bucket.is_dir()


def test_swapped_entries_are_not_taken_for_each_other(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    expected = rendered(repo, RenderCache(cache))
    found = entries(cache)
    texts = [entry.read_text() for entry in found]
    for entry, text in zip(found, [*texts[1:], texts[0]], strict=True):
        entry.write_text(text)
    assert rendered(repo, RenderCache(cache)) == expected


def test_an_unwritable_cache_is_one_warning(repo: Path, tmp_path: Path) -> None:
    expected_objects, expected_rules = rendered(repo, None)
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be")
    objects, rules = rendered(repo, RenderCache(blocked))
    assert objects == expected_objects
    assert rules == [*expected_rules, "render-cache-unwritable"]


def test_a_full_disk_is_one_problem_and_no_entry(tmp_path: Path) -> None:
    # /dev/full is Linux's, like the /dev/shm and rlimits the render relies on.
    cache = RenderCache(tmp_path / "cache")
    entry = tmp_path / "cache" / code_digest()[:16] / "ab" / "ab12.json"
    entry.parent.mkdir(parents=True)
    entry.symlink_to("/dev/full")  # every write to it fails with ENOSPC
    cache.put("ab12", {"text": "x"})
    cache.put("ab13", {"text": "y"})
    assert cache.problem() is not None and "No space" in cache.problem()
    assert not entry.exists() and cache.get("ab13", text=str) is None


def test_scratch_folders_of_killed_runs_are_swept(tmp_path: Path) -> None:
    # The folders a killed render left, by their process id, which no longer runs.
    gone = subprocess.Popen(["true"])
    gone.wait()
    left = tmp_path / f"gitops-schema-flux-p{gone.pid}-k9x2"
    (left / "source").mkdir(parents=True)
    (left / "source" / "kustomization.yaml").write_text("resources: []\n")
    alive = tmp_path / f"gitops-schema-batch-p{os.getpid()}-a1b2"
    alive.mkdir()
    other = tmp_path / "someone-else-p1-x"
    other.mkdir()
    assert sweep_scratch(tmp_path) == [left]
    assert not left.exists() and alive.is_dir() and other.is_dir()
    with scratch_folder("gitops-schema-flux-") as mine:
        assert f"-p{os.getpid()}-" in mine.name
