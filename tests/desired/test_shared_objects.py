"""Two applications of one cluster deploying the same object: a render-shared-object warning.

Two Argo CD Applications, two Flux Kustomizations, or one of each, reported at the later
one with both named by file and line; objects apart by cluster or namespace are not shared.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from gitops_schema.desired import RenderOptions, render_repository
from gitops_schema.diagnostics import Severity

APPLICATION = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {{name: {name}, namespace: argocd}}
spec:
  project: default
  source: {{repoURL: https://github.com/org/repo.git, path: {path}, targetRevision: HEAD}}
  destination: {{name: {cluster}, namespace: {namespace}}}
"""
KUSTOMIZATION = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: {name}, namespace: flux-system}}
spec:
  interval: 10m
  path: ./{path}
  prune: true
  targetNamespace: {namespace}
  sourceRef: {{kind: GitRepository, name: flux-system}}
"""
CLUSTER = """\
apiVersion: v1
kind: Secret
metadata:
  name: {name}-cluster
  namespace: argocd
  labels: {{argocd.argoproj.io/secret-type: cluster}}
stringData: {{name: {name}, server: 'https://{name}.example.com'}}
"""
BASE = {
    "base/kustomization.yaml": "resources: [cm.yaml]\n",
    "base/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: '1'}\n",
    "argocd/clusters.yaml": CLUSTER.format(name="prod") + "---\n" + CLUSTER.format(name="dev"),
}


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in {**BASE, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def app(name: str, cluster: str = "prod", namespace: str = "web", path: str = "base") -> str:
    return APPLICATION.format(name=name, cluster=cluster, namespace=namespace, path=path)


def shared(root: Path) -> list[str]:
    rendered = render_repository(root, RenderOptions(cache=None))
    found = [d for d in rendered.report if d.rule == "render-shared-object"]
    assert all(d.severity is Severity.WARNING for d in found)
    return [f"{d.location.file}:{d.location.line}: {d.message}" for d in found]


def test_two_applications_deploying_one_object(tmp_path: Path) -> None:
    root = write(tmp_path, {"argocd/a.yaml": app("a"), "argocd/b.yaml": app("b")})
    [message] = shared(root)
    assert message.startswith(f"{root}/argocd/b.yaml:1: Application b ({root}/argocd/b.yaml:1:1)")
    assert f"Application a ({root}/argocd/a.yaml:1:1)" in message
    assert "ConfigMap web/settings on cluster 'prod'" in message
    assert "SharedResourceWarning" in message


def test_objects_apart_by_cluster_or_namespace_are_not_shared(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "argocd/a.yaml": app("a"),
            "argocd/b.yaml": app("b", cluster="dev"),
            "argocd/c.yaml": app("c", namespace="other"),
        },
    )
    assert shared(root) == []


def test_two_flux_kustomizations_and_an_application_with_a_kustomization(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "clusters/prod/one.yaml": KUSTOMIZATION.format(
                name="one", path="base", namespace="web"
            ),
            "clusters/prod/two.yaml": KUSTOMIZATION.format(
                name="two", path="base", namespace="web"
            ),
            "argocd/a.yaml": app("a", namespace="other"),
            "clusters/prod/three.yaml": KUSTOMIZATION.format(
                name="three", path="base", namespace="other"
            ),
        },
    )
    messages = shared(root)
    assert len(messages) == 2
    flux = next(m for m in messages if "Kustomization two" in m)
    assert f"Kustomization one ({root}/clusters/prod/one.yaml:1:1)" in flux
    assert "takes it over" in flux
    mixed = next(m for m in messages if "Application a" in m)
    assert "Kustomization three" in mixed and "ConfigMap other/settings" in mixed


def test_render_says_so_on_standard_error_and_check_reports_it(
    tmp_path: Path, cli: Callable[..., Any], monkeypatch: Any
) -> None:
    root = write(tmp_path / "repo", {"argocd/a.yaml": app("a"), "argocd/b.yaml": app("b")})
    monkeypatch.chdir(root)
    rendered = cli("render", ".", "--no-cache", "-o", str(tmp_path / "out"))
    assert rendered.code == 0
    assert "render-shared-object" in rendered.err
    assert "Application a (argocd/a.yaml:1:1)" in rendered.err
    checked = cli("check", "--render", "--no-cache", str(root), "-o", "json")
    assert '"rule": "render-shared-object"' in checked.out
    assert '"file": "argocd/b.yaml"' in checked.out


CHART = {
    "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\n",
    "charts/web/templates/cm.yaml": (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: '1'}\n"
    ),
}
RELEASE = """\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {{name: {name}, namespace: web}}
spec:
  interval: 10m
  chart:
    spec:
      chart: ./charts/web
      sourceRef: {{kind: GitRepository, name: flux-system, namespace: flux-system}}
"""


def test_two_helm_releases_making_one_object(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            **CHART,
            "clusters/prod/one.yaml": RELEASE.format(name="one"),
            "clusters/prod/two.yaml": RELEASE.format(name="two"),
        },
    )
    [message] = shared(root)
    assert f"HelmRelease two ({root}/clusters/prod/two.yaml:1:1)" in message
    assert f"HelmRelease one ({root}/clusters/prod/one.yaml:1:1)" in message
    assert "ConfigMap web/settings" in message and "invalid ownership metadata" in message
