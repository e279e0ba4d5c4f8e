"""kustomize --enable-helm: a helmCharts chart missing from the chart home is read from the
chart cache (as Helm sources and HelmReleases are), downloaded into it only with
--allow-network, and the repository is left as it was found."""

from __future__ import annotations

from pathlib import Path

import helm_python

from gitops_schema.desired import RenderOptions, render_repository

from ..conftest import ChartServer

ARGOCD_CM = (
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: argocd-cm, namespace: argocd}\n"
    "data: {kustomize.buildOptions: --enable-helm}\n"
)
APPLICATION = (
    "apiVersion: argoproj.io/v1alpha1\nkind: Application\n"
    "metadata: {name: app, namespace: argocd}\nspec:\n  project: default\n"
    "  source: {repoURL: 'https://example.com/r.git', path: app, targetRevision: v1}\n"
    "  destination: {server: 'https://kubernetes.default.svc', namespace: app}\n"
)


def repository(root: Path, repo: str, version: str = "1.2.0", values: str = "") -> Path:
    """The chart's own values.yaml is read unless ``values`` names a file of the folder."""
    files = {
        "argocd/argocd-cm.yaml": ARGOCD_CM,
        "argocd/app.yaml": APPLICATION,
        "app/kustomization.yaml": f"helmCharts:\n- name: mini\n  repo: {repo}\n"
        + (f"  version: {version}\n" if version else "")
        + (f"  valuesFile: {values}\n" if values else "")
        + "  releaseName: one\n  namespace: team\n",
        "app/values.yaml": "size: 1\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def files_of(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_a_chart_missing_from_the_chart_home_is_read_from_the_chart_cache(
    tmp_path: Path,
) -> None:
    repo = repository(tmp_path / "repo", "https://charts.example.com")
    before = files_of(repo)
    cache = tmp_path / "cache"
    cache.mkdir()

    # Not cached, no network: a finding that names the cache and the fix, nothing fetched.
    [app] = render_repository(repo, RenderOptions(cache=None, chart_cache=cache)).apps
    [problem] = app.problems
    assert "mini 1.2.0" in problem.message and "mini-1.2.0.tgz" in problem.message
    assert "--allow-network" in problem.message
    assert files_of(repo) == before

    chart = tmp_path / "mini"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: mini\nversion: 1.2.0\n")
    (chart / "values.yaml").write_text("greeting: hello\n")
    (chart / "templates/cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: '{{ .Release.Name }}'}\n"
        "data: {version: '{{ .Chart.Version }}', greeting: '{{ .Values.greeting }}'}\n"
    )
    helm_python.package(chart, destination=cache)
    [app] = render_repository(repo, RenderOptions(cache=None, chart_cache=cache)).apps
    assert app.problems == [], app.problems[0].message
    assert [(m["kind"], m["metadata"]["name"], m["data"]) for m in app.manifests] == [
        ("ConfigMap", "one", {"version": "1.2.0", "greeting": "hello"})
    ]
    assert files_of(repo) == before  # the chart was unpacked for kustomize, then removed

    # A folder in the cache, and no version: the highest cached one, as Helm picks it.
    repository(repo, "https://charts.example.com", version="")
    (cache / "mini-1.2.0.tgz").unlink()
    for version in ("1.0.0", "1.3.0"):
        (cache / "mini" / version / "templates").mkdir(parents=True)
        (cache / "mini" / version / "Chart.yaml").write_text(
            f"apiVersion: v2\nname: mini\nversion: {version}\n"
        )
        (cache / "mini" / version / "values.yaml").write_text("{}\n")
        (cache / "mini" / version / "templates/cm.yaml").write_text(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"
            f"data: {{version: '{version}'}}\n"
        )
    [app] = render_repository(repo, RenderOptions(cache=None, chart_cache=cache)).apps
    assert app.problems == [] and app.manifests[0]["data"] == {"version": "1.3.0"}
    assert files_of(repo) == before


def test_with_allow_network_the_chart_is_downloaded_into_the_cache(
    tmp_path: Path, chart_server: ChartServer
) -> None:
    chart_server.publish("mini", "1.2.0", "2.0.0")
    repo = repository(tmp_path / "repo", chart_server.url, version="~1.2", values="values.yaml")
    before = files_of(repo)
    cache = tmp_path / "cache"
    cache.mkdir()
    [app] = render_repository(repo, RenderOptions(cache=None, chart_cache=cache)).apps
    assert app.problems and chart_server.requests == []  # never without --allow-network
    options = RenderOptions(cache=None, chart_cache=cache, allow_network=True)
    [app] = render_repository(repo, options).apps
    assert app.problems == []
    assert app.manifests[0]["data"] == {"version": "1.2.0"}
    assert (cache / "mini-1.2.0.tgz").is_file()
    assert files_of(repo) == before


def test_a_chart_name_or_version_that_is_a_path_reads_and_removes_nothing_outside(
    tmp_path: Path,
) -> None:
    # A folder beside the chart cache, shaped as a cached chart: what an escape would reach.
    victim = tmp_path / "victim"
    (victim / "templates").mkdir(parents=True)
    (victim / "Chart.yaml").write_text("apiVersion: v2\nname: victim\nversion: 1.2.0\n")
    (victim / "values.yaml").write_text("{}\n")
    (victim / "templates/cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: stolen}\n"
    )
    cache = tmp_path / "cache"
    (cache / "mini").mkdir(parents=True)
    before = files_of(tmp_path / "victim")
    cases = (
        ("../../../../../../../../victim", "1.2.0", "is not a chart name: it names a path"),
        ("mini", "../../victim", "is not in the chart home"),
    )
    for name, version, says in cases:
        repo = repository(tmp_path / f"repo-{len(version)}", "https://charts.example.com")
        kustomization = repo / "app/kustomization.yaml"
        kustomization.write_text(
            kustomization.read_text()
            .replace("name: mini", f"name: '{name}'")
            .replace("version: 1.2.0", f"version: '{version}'")
        )
        [app] = render_repository(repo, RenderOptions(cache=None, chart_cache=cache)).apps
        assert app.manifests == []
        [problem] = app.problems
        assert says in problem.message
        assert files_of(tmp_path / "victim") == before
