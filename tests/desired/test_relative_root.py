"""A repository given as ".", "./" or "sub/.." renders as it does given absolutely."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops_schema.desired import RenderOptions, render_repository

SYNC = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: {name}
  namespace: flux-system
spec:
  interval: 10m
  path: {path}
  prune: true
  sourceRef: {{kind: GitRepository, name: flux-system}}
"""


@pytest.fixture
def fleet(tmp_path: Path) -> Path:
    for cluster in ("prod", "staging"):
        folder = tmp_path / "clusters" / cluster
        folder.mkdir(parents=True)
        (folder / "sync.yaml").write_text(
            SYNC.format(name="flux-system", path=f"./clusters/{cluster}")
        )
        (folder / "apps.yaml").write_text(SYNC.format(name="apps", path=f"./apps/{cluster}"))
        (tmp_path / "apps" / cluster).mkdir(parents=True)
        (tmp_path / "apps" / cluster / "cm.yaml").write_text(
            f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {cluster}\n  namespace: x\n"
        )
    return tmp_path


def clusters(root: str, cluster: str | None = None) -> list[tuple[str, str]]:
    rendered = render_repository(Path(root), RenderOptions(), cluster=cluster)
    assert list(rendered.report) == []
    return sorted((app.cluster, app.name) for app in rendered.apps)


@pytest.mark.parametrize("given", [".", "./", "clusters/.."])
def test_relative_roots_keep_their_clusters(
    fleet: Path, monkeypatch: pytest.MonkeyPatch, given: str
) -> None:
    monkeypatch.chdir(fleet)
    expected = clusters(str(fleet))
    assert expected == [
        ("prod", "apps"),
        ("prod", "flux-system"),
        ("staging", "apps"),
        ("staging", "flux-system"),
    ]
    assert clusters(given) == expected
    assert clusters(given, "prod") == [("prod", "apps"), ("prod", "flux-system")]


def test_entries_match_whatever_the_root_is_written(
    fleet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(fleet / "clusters")
    options = RenderOptions(entries=(Path("prod/apps.yaml"),))
    rendered = render_repository(Path(".."), options)
    assert [(app.cluster, app.name) for app in rendered.apps] == [("prod", "apps")]
