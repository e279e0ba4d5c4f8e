"""Flux HelmReleases rendered as helm-controller installs them."""

from __future__ import annotations

from pathlib import Path

from gitops_schema.load import load_paths
from gitops_schema.model import GitOpsObject, parse_documents
from gitops_schema.render import release_name, render_helm_release
from gitops_schema.render.manifests import parse_stream

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

RELEASE = """\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: user-service
  namespace: flux-system
spec:
  interval: 10m
  targetNamespace: users
  chart:
    spec:
      chart: ./charts/user-service
      sourceRef:
        kind: GitRepository
        name: examples
      valuesFiles:
        - charts/user-service/values.yaml
        - apps/overlays/prod/user-service/values.yaml
  valuesFrom:
    - kind: ConfigMap
      name: user-service-values
    - kind: Secret
      name: user-service-secret
      valuesKey: replicas
      targetPath: replicaCount
  values:
    autoscaling:
      enabled: false
    replicaCount: 2
  postRenderers:
    - kustomize:
        images:
          - name: ghcr.io/example-org/user-service
            newTag: patched
"""

CONFIG = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: user-service-values
  namespace: flux-system
data:
  values.yaml: |
    environment: staging
    replicaCount: 9
---
apiVersion: v1
kind: Secret
metadata:
  name: user-service-secret
  namespace: flux-system
data:
  replicas: NA==
"""


def helm_release(text: str, tmp_path: Path) -> GitOpsObject:
    (tmp_path / "hr.yaml").write_text(text)
    [found] = parse_documents(load_paths([tmp_path / "hr.yaml"]).documents).objects
    return found


def test_values_layering_and_post_renderers(tmp_path: Path, golden) -> None:  # type: ignore[no-untyped-def]
    release = helm_release(RELEASE, tmp_path)
    result = render_helm_release(release, repository=EXAMPLES, objects=parse_stream(CONFIG))
    assert result.report.ok, [str(d) for d in result.report]
    [deployment] = [m for m in result.manifests if m["kind"] == "Deployment"]
    # targetPath wins over inline values, which win over whole-document valuesFrom.
    assert deployment["spec"]["replicas"] == 4
    assert deployment["metadata"]["name"] == "users-user-service"
    assert deployment["metadata"]["labels"]["environment"] == "staging"
    assert deployment["metadata"]["labels"]["helm.toolkit.fluxcd.io/name"] == "user-service"
    image = deployment["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image.endswith(":patched")
    # The chart's templates name no namespace: Helm installs them into targetNamespace.
    assert {m["metadata"].get("namespace") for m in result.manifests} == {"users"}
    golden("render/helmrelease-user-service.yaml", result.text)


def test_missing_values_from_and_uncached_chart(tmp_path: Path) -> None:
    release = helm_release(RELEASE, tmp_path)
    [missing] = render_helm_release(release, repository=EXAMPLES).report
    assert missing.rule == "render-flux-helm-values-from-missing"
    remote = RELEASE.replace("./charts/user-service", "podinfo").replace(
        "kind: GitRepository\n        name: examples", "kind: HelmRepository\n        name: podinfo"
    )
    [uncached] = render_helm_release(helm_release(remote, tmp_path), repository=EXAMPLES).report
    assert uncached.rule == "render-flux-helm-chart-not-cached"
    assert "podinfo * from HelmRepository flux-system/podinfo" in uncached.message


def test_release_name_rule() -> None:
    assert release_name("app", None) == "app"
    assert release_name("app", "team") == "team-app"
    assert release_name("app", "team", "explicit") == "explicit"
    long = release_name("a" * 30, "b" * 30)
    assert len(long) == 53
    assert long.startswith("b" * 30 + "-" + "a" * 9 + "-")


OCI_RELEASE = """\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: echo, namespace: default}
spec:
  interval: 1h
  chartRef: {kind: OCIRepository, name: echo}
  values: {replicas: 2}
"""


def oci_repository(ref: str) -> dict[str, object]:
    return parse_stream(
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\n"
        "metadata: {name: echo, namespace: default}\n"
        f"spec: {{url: oci://ghcr.io/example/charts/echo, ref: {ref}}}\n"
    )[0]


def test_chart_ref_to_an_oci_repository_reads_the_chart_cache(tmp_path: Path) -> None:
    chart = tmp_path / "cache" / "echo" / "1.4.0"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: echo\nversion: 1.4.0\n")
    (chart / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: '{{ .Release.Name }}'}\n"
        "data: {replicas: '{{ .Values.replicas }}'}\n"
    )
    release = helm_release(OCI_RELEASE, tmp_path)
    for ref in ("{tag: 1.4.0}", "{semver: '>=1.0.0 <2.0.0'}"):
        result = render_helm_release(
            release,
            repository=tmp_path,
            objects=[oci_repository(ref)],
            chart_cache=tmp_path / "cache",
        )
        assert result.report.ok, [str(d) for d in result.report]
        [config] = result.manifests
        assert (config["metadata"]["name"], config["data"]) == ("echo", {"replicas": "2"})
    [uncached] = render_helm_release(
        release,
        repository=tmp_path,
        objects=[oci_repository("{tag: 2.0.0}")],
        chart_cache=tmp_path / "cache",
    ).report
    assert uncached.rule == "render-flux-helm-chart-not-cached"
    assert "echo 2.0.0 from OCIRepository default/echo" in uncached.message
    [unknown] = render_helm_release(release, repository=tmp_path).report
    assert unknown.rule == "render-flux-helm-source-unsupported"
    assert "not found in the repository" in unknown.message


def test_a_chart_of_a_mapped_git_repository_is_read_from_its_folder(tmp_path: Path) -> None:
    # The release names the GitRepository "examples"; mapped, it is read from that folder
    # instead of the repository being rendered.
    release = helm_release(RELEASE, tmp_path)
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    [unmapped] = render_helm_release(release, repository=empty, objects=parse_stream(CONFIG)).report
    assert unmapped.rule == "render-flux-helm-chart-unavailable"
    mapped = render_helm_release(
        release,
        repository=empty,
        sources={"GitRepository/flux-system/examples": EXAMPLES},
        objects=parse_stream(CONFIG),
    )
    assert mapped.report.ok and any(m["kind"] == "Deployment" for m in mapped.manifests)


SCOPED_CHART = {
    "Chart.yaml": "apiVersion: v2\nname: scoped\nversion: 0.1.0\n",
    "templates/objects.yaml": (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pinned\n  namespace: elsewhere\n"
        "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
        "metadata:\n  name: reader\nrules: []\n"
    ),
}
SCOPED_RELEASE = """\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: scoped
  namespace: apps
spec:
  interval: 10m
  chart:
    spec:
      chart: ./charts/scoped
      sourceRef:
        kind: GitRepository
        name: repo
"""


def test_namespaced_objects_go_to_the_release_namespace(tmp_path: Path) -> None:
    for name, text in SCOPED_CHART.items():
        (tmp_path / "charts/scoped" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "charts/scoped" / name).write_text(text)
    for release_text, expected in (
        (SCOPED_RELEASE, "apps"),
        (
            SCOPED_RELEASE.replace(
                "  interval: 10m\n", "  interval: 10m\n  targetNamespace: team\n"
            ),
            "team",
        ),
    ):
        result = render_helm_release(helm_release(release_text, tmp_path), repository=tmp_path)
        assert result.report.ok, [str(d) for d in result.report]
        namespaces = {
            m["metadata"]["name"]: m["metadata"].get("namespace") for m in result.manifests
        }
        assert namespaces == {"plain": expected, "pinned": "elsewhere", "reader": None}
