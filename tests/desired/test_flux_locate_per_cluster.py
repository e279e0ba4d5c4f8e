"""A Flux Kustomization defined once per cluster folder under one name (``apps`` in
clusters/staging and clusters/production), reached through its cluster's flux-system
Kustomization: what its render says is reported at its own definition in that cluster's
folder, not at the flux-system Kustomization that applied it."""

from __future__ import annotations

from pathlib import Path

from gitops_schema.desired import RenderOptions, render_repository

KUSTOMIZATION = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: {name}, namespace: flux-system}}
spec:
  interval: 10m
  path: {path}
  prune: true
  sourceRef: {{kind: GitRepository, name: flux-system}}
"""
RELEASE = """\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: web, namespace: web}
spec:
  interval: 10m
  chart:
    spec:
      chart: ./charts/missing
      sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}
"""
PATCH = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n"
PATCH += "metadata: {name: web, namespace: web}\nspec: {values: {replicas: 2}}\n"


def test_findings_are_at_the_definition_in_the_cluster_folder(tmp_path: Path) -> None:
    files: dict[str, str] = {
        "apps/base/kustomization.yaml": "resources: [release.yaml]\n",
        "apps/base/release.yaml": RELEASE,
    }
    for env in ("staging", "production"):
        files |= {
            f"clusters/{env}/flux-system/sync.yaml": KUSTOMIZATION.format(
                name="flux-system", path=f"./clusters/{env}"
            ),
            f"clusters/{env}/apps.yaml": KUSTOMIZATION.format(name="apps", path=f"./apps/{env}"),
            f"apps/{env}/kustomization.yaml": "resources: [../base"
            + (", missing.yaml" if env == "production" else "")
            + "]\npatches: [{path: patch.yaml}]\n",
            f"apps/{env}/patch.yaml": PATCH,
        }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    rendered = render_repository(tmp_path, RenderOptions(cache=None))
    where = {
        (a.cluster, a.kind, a.name): (Path(a.location.file).relative_to(tmp_path).as_posix())
        for a in rendered.apps
    }
    assert where["production", "Kustomization", "apps"] == "clusters/production/apps.yaml"
    assert where["staging", "Kustomization", "apps"] == "clusters/staging/apps.yaml"
    # The HelmRelease is defined in the base; the overlay's patch is not its definition.
    assert where["staging", "HelmRelease", "web"] == "apps/base/release.yaml"
    failed = {(a.cluster, a.name) for a in rendered.apps if a.failed}
    assert failed == {("production", "apps"), ("staging", "web")}
