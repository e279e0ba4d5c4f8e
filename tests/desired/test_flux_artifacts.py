"""A Flux repository whose Kustomizations read ArtifactGenerator outputs renders offline."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from gitops_schema.desired import RenderedRepository, RenderOptions, render_repository
from gitops_schema.render.cache import RenderCache

HELM_EXAMPLE = (
    Path(__file__).resolve().parents[3] / "shared" / "corpus" / ("flux2-kustomize-helm-example")
)
ACME = {
    "staging": "https://acme-staging-v02.api.letsencrypt.org/directory",
    "production": "https://acme-v02.api.letsencrypt.org/directory",
}


def kustomization(rendered: RenderedRepository, cluster: str, name: str) -> list[dict[str, Any]]:
    return rendered.by_cluster()[cluster][f"Kustomization/{name}"]


def one(manifests: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    [found] = [m for m in manifests if m["kind"] == kind and m["metadata"]["name"] == name]
    return found


@pytest.fixture(scope="module")
def rendered() -> RenderedRepository:
    return render_repository(HELM_EXAMPLE)


@pytest.mark.parametrize("cluster", ["staging", "production"])
def test_kustomizations_of_external_artifacts_render(
    rendered: RenderedRepository, cluster: str
) -> None:
    controllers = kustomization(rendered, cluster, "infra-controllers")
    assert {m["kind"] for m in controllers} >= {"HelmRelease", "OCIRepository", "Namespace"}
    one(controllers, "HelmRelease", "cert-manager")
    issuer = one(kustomization(rendered, cluster, "infra-configs"), "ClusterIssuer", "letsencrypt")
    assert issuer["spec"]["acme"]["server"] == ACME[cluster]
    podinfo = one(kustomization(rendered, cluster, "apps"), "HelmRelease", "podinfo")
    # The environment's overlay is in the artifact, beside the base it patches.
    assert podinfo["spec"]["values"]["httpRoute"]["hostnames"] == [f"podinfo.{cluster}"]
    assert podinfo["metadata"]["labels"]["kustomize.toolkit.fluxcd.io/name"] == "apps"


def test_only_the_uncached_charts_are_reported(rendered: RenderedRepository) -> None:
    rules = {d.rule for d in rendered.report}
    # No chart is cached in the corpus: the HelmReleases say so, nothing else fails.
    assert rules == {"render-flux-helm-chart-not-cached"}


def test_cached_renders_of_artifacts_follow_the_repository_content(tmp_path: Path) -> None:
    repository = shutil.copytree(HELM_EXAMPLE, tmp_path / "repo")
    options = RenderOptions(cache=RenderCache(tmp_path / "cache"))

    def issuer_email() -> str:
        result = render_repository(repository, options, cluster="staging")
        configs = kustomization(result, "staging", "infra-configs")
        return str(one(configs, "ClusterIssuer", "letsencrypt")["spec"]["acme"]["email"])

    assert issuer_email() == "fluxcdbot@users.noreply.github.com"
    issuers = repository / "infrastructure" / "configs" / "cluster-issuers.yaml"
    issuers.write_text(
        issuers.read_text().replace("fluxcdbot@users.noreply.github.com", "ops@example.com")
    )
    assert issuer_email() == "ops@example.com"


GOTK_SYNC = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m
  url: https://github.com/fluxcd/flux2-kustomize-helm-example
  ref:
    branch: main
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m
  path: ./clusters/staging
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
"""


def test_a_generator_applied_by_the_bootstrap_kustomization_is_made(tmp_path: Path) -> None:
    repository = shutil.copytree(HELM_EXAMPLE, tmp_path / "repo")
    (repository / "clusters" / "staging" / "flux-system" / "gotk-sync.yaml").write_text(GOTK_SYNC)
    result = render_repository(repository, cluster="staging")
    synced = kustomization(result, "staging", "flux-system")
    one(synced, "ArtifactGenerator", "flux-system")
    # The generator came out of a render, and its artifacts reached the next wave.
    podinfo = one(kustomization(result, "staging", "apps"), "HelmRelease", "podinfo")
    assert podinfo["spec"]["values"]["httpRoute"]["hostnames"] == ["podinfo.staging"]
    assert {d.rule for d in result.report} == {"render-flux-helm-chart-not-cached"}


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


CHART_REPOSITORY = {
    "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\n",
    "charts/web/values.yaml": "replicas: 1\n",
    "charts/web/templates/deployment.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
        "spec:\n  replicas: {{ .Values.replicas }}\n"
    ),
    "clusters/dev/sync.yaml": """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-system, namespace: flux-system}
spec: {interval: 1h, url: https://example.com/repo.git, ref: {branch: main}}
---
apiVersion: source.extensions.fluxcd.io/v1beta1
kind: ArtifactGenerator
metadata: {name: charts, namespace: flux-system}
spec:
  sources:
    - {alias: repo, kind: GitRepository, name: flux-system}
  artifacts:
    - name: web-chart
      copy:
        - {from: "@repo/charts/web/**", to: "@artifact/"}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: web, namespace: flux-system}
spec:
  interval: 1h
  targetNamespace: web
  chartRef: {kind: ExternalArtifact, name: web-chart}
  values: {replicas: 3}
""",
}


def test_a_release_installs_the_chart_an_external_artifact_holds(tmp_path: Path) -> None:
    write(tmp_path, CHART_REPOSITORY)
    rendered = render_repository(tmp_path)
    assert [d.rule for d in rendered.report] == []
    [deployment] = rendered.by_cluster()["dev"]["HelmRelease/web"]
    assert deployment["metadata"]["name"] == "web-web"
    assert deployment["spec"]["replicas"] == 3


def test_an_artifact_without_a_chart_is_named(tmp_path: Path) -> None:
    write(tmp_path, CHART_REPOSITORY)
    sync = tmp_path / "clusters" / "dev" / "sync.yaml"
    sync.write_text(sync.read_text().replace("@repo/charts/web/**", "@repo/charts/web/values.yaml"))
    [diagnostic] = render_repository(tmp_path).report
    assert diagnostic.rule == "render-flux-helm-chart-unavailable"
    assert "ExternalArtifact flux-system/web-chart holds no Helm chart" in diagnostic.message
    assert diagnostic.location.file.endswith("sync.yaml")
