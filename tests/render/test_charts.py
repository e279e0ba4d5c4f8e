"""The chart cache: exact versions, semver ranges, and what a miss says."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops_schema.render.charts import cache_hint, cached_chart


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    for version in ("1.2.0", "1.10.0", "2.0.0-rc.1"):
        (tmp_path / f"podinfo-{version}.tgz").write_bytes(b"")
    (tmp_path / "podinfo" / "1.9.9").mkdir(parents=True)
    (tmp_path / "podinfo-extra-9.9.9.tgz").write_bytes(b"")
    return tmp_path


@pytest.mark.parametrize(
    ("version", "found"),
    [
        ("1.2.0", "podinfo-1.2.0.tgz"),
        ("1.9.9", "podinfo/1.9.9"),
        (">=1.0.0", "podinfo-1.10.0.tgz"),
        ("~1.2", "podinfo-1.2.0.tgz"),
        ("1.x", "podinfo-1.10.0.tgz"),
        ("", "podinfo-1.10.0.tgz"),
        (">=2.0.0-0", "podinfo-2.0.0-rc.1.tgz"),
    ],
)
def test_a_version_or_range_finds_the_highest_cached_match(
    cache: Path, version: str, found: str
) -> None:
    path = cached_chart(cache, "podinfo", version)
    assert path is not None and path.relative_to(cache).as_posix() == found


def test_nothing_admitted_is_a_miss(cache: Path) -> None:
    assert cached_chart(cache, "podinfo", ">=3") is None
    assert cached_chart(cache, "podinfo", "1.3.0") is None


def test_the_hint_names_the_file_or_the_range() -> None:
    assert cache_hint("oci://ghcr.io/x/podinfo", "6.5.0") == "podinfo-6.5.0.tgz or podinfo/6.5.0/"
    assert "for a version '>=1.0.0' admits" in cache_hint("podinfo", ">=1.0.0")
