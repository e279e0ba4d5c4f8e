"""Which Flux objects a render starts from: not components, not what another source covers."""

from __future__ import annotations

from pathlib import Path

from gitops_schema.desired import RenderOptions, render_repository

KS = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: {name}
  namespace: flux-system
spec:
  interval: 10m
  path: {path}
  prune: true
  sourceRef: {{kind: {kind}, name: {source}}}
{extra}"""
GIT = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: {name}
  namespace: flux-system
spec:
  interval: 1m
  url: {url}
  ref: {{branch: main}}
"""
CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: apps\n"


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def rendered(root: Path) -> dict[str, list[str]]:
    result = render_repository(root, RenderOptions())
    return {
        f"{app.kind}/{app.name}": sorted(str(m["metadata"].get("name")) for m in app.manifests)
        for app in result.apps
    }


def test_a_path_covers_the_repository_only_when_its_source_is_the_repository(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        {
            "flux/sources.yaml": GIT.format(name="flux-system", url="https://example.com/fleet")
            + "---\n"
            + GIT.format(name="other", url="https://example.com/other.git"),
            "flux/platform.yaml": KS.format(
                name="platform", path="./", kind="OCIRepository", source="platform", extra=""
            ),
            "flux/other.yaml": KS.format(
                name="other", path="./", kind="GitRepository", source="other", extra=""
            ),
            "flux/apps.yaml": KS.format(
                name="apps", path="./apps", kind="GitRepository", source="flux-system", extra=""
            ),
            "apps/cm.yaml": CM.format(name="web"),
        },
    )
    apps = rendered(tmp_path)
    assert apps["Kustomization/apps"] == ["web"]
    assert {"Kustomization/platform", "Kustomization/other"} <= set(apps)


COMPONENT = """\
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
resources: [helmrelease.yaml]
"""
RELEASE = """\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${APP}-release
spec:
  interval: 1h
  chart:
    spec:
      chart: ./charts/web
      sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}
"""


def test_objects_of_a_component_are_rendered_through_the_kustomization_only(
    tmp_path: Path,
) -> None:
    extra = (
        "  targetNamespace: apps\n  components: [../../components/release]\n"
        "  postBuild:\n    substitute: {APP: web}\n"
    )
    write(
        tmp_path,
        {
            "flux/web.yaml": KS.format(
                name="web", path="./apps/web", kind="GitRepository", source="flux", extra=extra
            ),
            "apps/web/kustomization.yaml": "resources: [cm.yaml]\n",
            "apps/web/cm.yaml": CM.format(name="web"),
            "components/release/kustomization.yaml": COMPONENT,
            "components/release/helmrelease.yaml": RELEASE,
        },
    )
    apps = rendered(tmp_path)
    assert apps["Kustomization/web"] == ["web", "web-release"]
    assert [name for name in apps if name.startswith("HelmRelease/")] == ["HelmRelease/web-release"]
