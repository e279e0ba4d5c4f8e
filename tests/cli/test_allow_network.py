"""`--allow-network`: repository charts downloaded into the chart cache, then read offline."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ..conftest import ChartServer

CHARTS = ["demo-1.0.0.tgz", "demo-1.1.0.tgz", "demo-1.2.0.tgz"]
"""What the chart cache holds once the repository below is rendered."""


def application(name: str, url: str, version: str) -> str:
    return (
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\n"
        f"metadata: {{name: {name}, namespace: argocd}}\n"
        "spec:\n  project: default\n"
        f"  source: {{repoURL: '{url}', chart: demo, targetRevision: '{version}'}}\n"
        "  destination: {server: 'https://kubernetes.default.svc', namespace: demo}\n"
    )


def flux_release(url: str) -> str:
    return (
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\n"
        "metadata: {name: charts, namespace: flux-system}\n"
        f"spec: {{interval: 1h, url: '{url}'}}\n"
        "---\n"
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n"
        "metadata: {name: demo, namespace: demo}\n"
        "spec:\n  interval: 1h\n  chart:\n    spec:\n      chart: demo\n      version: ~1.1\n"
        "      sourceRef: {kind: HelmRepository, name: charts, namespace: flux-system}\n"
    )


@pytest.fixture
def repository(tmp_path: Path, chart_server: ChartServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Argo CD Applications and a Flux HelmRelease whose charts only the server has."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    chart_server.publish("demo", "1.0.0", "1.1.0", "1.2.0")
    repo = tmp_path / "repo"
    (repo / "apps").mkdir(parents=True)
    (repo / "clusters" / "prod").mkdir(parents=True)
    for name, version in (
        ("demo-dev", "^1.0.0"),
        ("demo-staging", "1.2.0"),
        ("demo-prod", "1.0.0"),
    ):
        (repo / "apps" / f"{name}.yaml").write_text(application(name, chart_server.url, version))
    (repo / "clusters" / "prod" / "demo.yaml").write_text(flux_release(chart_server.url))
    return repo


def test_render_fetches_each_chart_once_then_renders_offline(
    repository: Path, chart_server: ChartServer, tmp_path: Path, cli: Callable[..., Any]
) -> None:
    cache = str(tmp_path / "charts")
    offline = cli("render", str(repository), "--chart-cache", cache)
    # A chart not cached cannot be verified offline: said (as info), not a failure.
    assert offline.code == 0
    assert "[render-argocd-chart-not-cached]" in offline.err
    assert "[render-flux-helm-chart-not-cached]" in offline.err
    assert chart_server.requests == []
    # The offline render above was stored in the render cache; it must not stand in for
    # this one, which may fetch.
    fetched = cli("render", str(repository), "--chart-cache", cache, "--allow-network")
    assert (fetched.code, fetched.err) == (0, "")
    assert [fetched.out.count(f"version: 1.{minor}.0") for minor in range(3)] == [1, 1, 2]
    # Two Applications rendered in parallel want 1.2.0: it is downloaded once.
    assert chart_server.requests.count("/charts/demo-1.2.0.tgz") == 1
    assert sorted(p.name for p in Path(cache).iterdir()) == CHARTS
    chart_server.stop()
    again = cli("render", str(repository), "--chart-cache", cache, "--no-cache")
    assert (again.code, again.err, again.out) == (0, "", fetched.out)


@pytest.mark.parametrize(
    "command", [["render"], ["diff"], ["envdiff"], ["check", "--render"]], ids=lambda c: c[0]
)
def test_every_rendering_command_takes_the_flag(
    command: list[str],
    repository: Path,
    tmp_path: Path,
    cli: Callable[..., Any],
    git: Callable[..., str],
) -> None:
    git(repository, "init", "-q", "-b", "main")
    git(repository, "add", ".")
    git(repository, "commit", "-q", "-m", "apps")
    cache = tmp_path / "charts"
    result = cli(*command, str(repository), "--chart-cache", str(cache), "--allow-network")
    assert "render-" not in result.out + result.err
    assert sorted(p.name for p in cache.iterdir()) == CHARTS
    without = cli(*command, str(repository), "--chart-cache", str(tmp_path / "empty"))
    assert "chart-not-cached" in without.out + without.err
