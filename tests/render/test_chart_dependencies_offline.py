"""A chart dependency neither vendored in charts/ nor in the chart cache is a missing
offline input like a chart the cache lacks: "cannot verify offline" (info), for Argo CD
and Flux alike; with --allow-network it is downloaded into the cache and rendered."""

from __future__ import annotations

from pathlib import Path

from gitops_schema.desired import RenderOptions, render_repository

from ..conftest import ChartServer

APPLICATION = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: web, namespace: argocd}
spec:
  project: default
  source: {repoURL: https://example.com/r.git, path: chart, targetRevision: v1}
  destination: {server: https://kubernetes.default.svc, namespace: web}
"""
HELM_RELEASE = """\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: web, namespace: web}
spec:
  interval: 10m
  chart:
    spec:
      chart: ./chart
      sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}
"""


def repository(root: Path, url: str, entry: tuple[str, str]) -> Path:
    files = {
        entry[0]: entry[1],
        "chart/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\ndependencies:\n"
        f"- {{name: cache, version: 1.x, repository: '{url}'}}\n",
        "chart/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_a_dependency_not_cached_cannot_be_verified_offline(
    tmp_path: Path, chart_server: ChartServer
) -> None:
    chart_server.publish("cache", "1.2.0")
    entries = {
        "render-argocd-chart-not-cached": ("argocd/web.yaml", APPLICATION),
        "render-flux-helm-chart-not-cached": ("clusters/prod/web.yaml", HELM_RELEASE),
    }
    for rule, entry in entries.items():
        chart_server.requests.clear()
        repo = repository(tmp_path / rule, chart_server.url, entry)
        [app] = render_repository(repo, RenderOptions(cache=None)).apps
        [problem] = app.problems
        assert (problem.rule, problem.severity.value) == (rule, "info")
        assert problem.message.startswith("cannot verify offline: chart web depends on cache 1.x")
        assert chart_server.requests == []

        cache = tmp_path / f"{rule}-cache"
        options = RenderOptions(cache=None, chart_cache=cache, allow_network=True)
        [app] = render_repository(repo, options).apps
        assert app.problems == []
        # The chart's ConfigMap and its dependency's (named after the release too).
        assert [m["kind"] for m in app.manifests] == ["ConfigMap", "ConfigMap"]
        assert (cache / "cache-1.2.0.tgz").is_file()
