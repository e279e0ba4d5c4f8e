from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from gitops_schema.convert import ConvertOptions, Status, argocd_to_flux
from gitops_schema.convert.verify import VerifyOptions, verify_argocd_to_flux
from gitops_schema.diagnostics import Report

from .conftest import write


def _item(conversion: Any, name: str) -> Any:
    return next(i for i in conversion.fidelity.items if i.source.name == name)


def _objects(conversion: Any, relative: str) -> list[dict[str, Any]]:
    return conversion.tree.files[relative]


def test_helm_application_maps_values_release_and_policy(argo_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    conversion = argocd_to_flux([argo_repo], ConvertOptions(output=out))
    item = _item(conversion, "web")
    assert item.status is Status.EXACT, item.losses
    (release,) = _objects(conversion, "clusters/prod/apps/web.yaml")
    spec = release["spec"]
    assert release["kind"] == "HelmRelease"
    assert spec["releaseName"] == "web-release"
    assert spec["targetNamespace"] == "web"
    # Argo CD layers value files on the chart's values.yaml; Flux replaces it unless listed.
    assert spec["chart"]["spec"]["valuesFiles"] == [
        "charts/web/values.yaml",
        "charts/web/values-prod.yaml",
    ]
    assert spec["chart"]["spec"]["reconcileStrategy"] == "Revision"
    assert spec["values"] == {"replicas": 3, "image": {"tag": "1.10"}}
    assert spec["install"]["createNamespace"] is True
    assert spec["driftDetection"] == {"mode": "enabled"}
    # The project became a tenant the release acts as.
    assert spec["serviceAccountName"] == "tenant-team"
    (source,) = _objects(conversion, "clusters/prod/sources/gitrepository-repo-main.yaml")
    assert source["spec"]["ref"] == {"branch": "main"}


def test_head_is_never_guessed(argo_repo: Path, tmp_path: Path) -> None:
    conversion = argocd_to_flux([argo_repo], ConvertOptions(output=tmp_path / "out"))
    item = _item(conversion, "kust")
    assert any(
        loss.field == "$.spec.source.targetRevision" and "default branch" in loss.reason
        for loss in item.losses
    )
    (source,) = _objects(conversion, "clusters/in-cluster/sources/gitrepository-repo.yaml")
    assert "ref" not in source["spec"]


def test_kustomize_edits_flux_lacks_become_an_overlay_inside_the_repository(
    argo_repo: Path,
) -> None:
    out = argo_repo / "flux"
    conversion = argocd_to_flux([argo_repo], ConvertOptions(output=out))
    (kustomization,) = _objects(conversion, "clusters/in-cluster/apps/kust.yaml")
    spec = kustomization["spec"]
    assert spec["namePrefix"] == "p-"
    assert spec["images"] == [{"name": "nginx", "newTag": "1.25"}]
    assert spec["path"] == "./flux/overlays/in-cluster/kust"
    (overlay,) = _objects(conversion, "overlays/in-cluster/kust/kustomization.yaml")
    assert overlay["commonLabels"] == {"team": "a"}
    assert overlay["resources"] == ["../../../../manifests/kust"]


def test_kustomize_edits_outside_the_repository_are_a_stated_loss(
    argo_repo: Path, tmp_path: Path
) -> None:
    conversion = argocd_to_flux([argo_repo], ConvertOptions(output=tmp_path / "out"))
    item = _item(conversion, "kust")
    assert item.status is Status.LOSSY
    assert any("commonLabels" in loss.reason for loss in item.losses)


def test_directory_without_recurse_lists_its_own_files(argo_repo: Path) -> None:
    conversion = argocd_to_flux([argo_repo], ConvertOptions(output=argo_repo / "flux"))
    (overlay,) = _objects(conversion, "overlays/in-cluster/plain/kustomization.yaml")
    assert overlay["resources"] == ["../../../../manifests/dir/a.yaml"]
    (kustomization,) = _objects(conversion, "clusters/in-cluster/apps/plain.yaml")
    # Not automated: manual sync is stated, and the Kustomization written suspended.
    assert kustomization["spec"]["suspend"] is True
    assert kustomization["spec"]["deletionPolicy"] == "Orphan"
    (source,) = _objects(conversion, "clusters/in-cluster/sources/gitrepository-repo-v1-2-0.yaml")
    assert source["spec"]["ref"] == {"tag": "v1.2.0"}


def test_plugins_are_unsupported_and_appsets_expanded(argo_repo: Path, tmp_path: Path) -> None:
    conversion = argocd_to_flux([argo_repo], ConvertOptions(output=tmp_path / "out"))
    plugged = _item(conversion, "plugged")
    assert plugged.status is Status.UNSUPPORTED and not plugged.outputs
    appset = _item(conversion, "envs")
    assert appset.status is Status.EXACT, appset.losses  # a list generator is static
    names = {o.name for o in appset.outputs if o.kind == "Kustomization"}
    assert names == {"kust-dev", "kust-test"}


def test_project_becomes_a_tenant_with_its_losses(argo_repo: Path, tmp_path: Path) -> None:
    conversion = argocd_to_flux([argo_repo], ConvertOptions(output=tmp_path / "out"))
    project = _item(conversion, "team")
    kinds = sorted(o.kind for o in project.outputs)
    assert kinds == ["RoleBinding", "ServiceAccount"]
    fields = {loss.field for loss in project.losses}
    assert fields == {"$.spec.destinations[1].namespace", "$.spec.sourceRepos"}


def test_cli_report_json_and_exit_codes(argo_repo: Path, tmp_path: Path, cli: Any) -> None:
    out = tmp_path / "out"
    run = cli("convert", "argocd-to-flux", str(argo_repo), "-o", str(out), "--format", "json")
    assert run.code == 1  # something is lossy
    report = json.loads(run.out)
    assert set(report) == {"items", "summary"}
    first = report["items"][0]
    assert set(first) == {"source", "status", "outputs", "losses"}
    assert set(first["source"]) == {"kind", "namespace", "name", "file", "line"}
    assert report["summary"]["unsupported"] == 1
    written = yaml.safe_load((out / "clusters/prod/apps/web.yaml").read_text())
    assert written["kind"] == "HelmRelease"
    # What the conversion writes passes check without errors.
    checked = cli("check", str(out), "-o", "json")
    errors = [f for f in json.loads(checked.out)["findings"] if f["severity"] == "error"]
    assert checked.code == 0 and errors == [], errors
    (argo_repo / ".git").mkdir()  # a file given alone resolves paths from its work tree
    web = argo_repo / "argocd/web.yaml"
    web.write_text((argo_repo / "argocd/apps.yaml").read_text().split("---")[0])
    exact = cli("convert", "argocd-to-flux", str(web), "-o", str(out))
    assert exact.code == 0, exact.out
    assert cli("convert", "argocd-to-flux", str(tmp_path / "nope"), "-o", str(out)).code == 2
    assert cli("convert", "argocd-to-flux", str(argo_repo)).code == 2
    markdown = cli(
        "convert", "argocd-to-flux", str(argo_repo), "-o", str(out), "--format", "markdown"
    )
    assert markdown.out.startswith("| source | status | outputs |")


def test_explicit_namespaces_moved_by_target_namespace_are_stated(
    argo_repo: Path, tmp_path: Path
) -> None:
    (argo_repo / "manifests/kust/other.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other, namespace: elsewhere}\n"
    )
    (argo_repo / "manifests/kust/kustomization.yaml").write_text(
        "resources: [deployment.yaml, other.yaml]\n"
    )
    conversion = argocd_to_flux([argo_repo], ConvertOptions(output=tmp_path / "out"))
    item = _item(conversion, "kust")
    (loss,) = [loss for loss in item.losses if loss.field == "$.spec.destination.namespace"]
    assert "ConfigMap other (elsewhere)" in loss.reason


MORE = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: parent, namespace: argocd}
spec:
  project: default
  source: {repoURL: https://git.example.com/org/repo.git, targetRevision: main, path: argocd}
  destination: {server: https://kubernetes.default.svc, namespace: argocd}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: redis, namespace: argocd}
spec:
  project: default
  sources:
    - repoURL: https://charts.example.com/stable
      chart: redis
      targetRevision: 17.3.2
      helm: {valueFiles: [$values/env/redis.yaml]}
    - {repoURL: https://git.example.com/org/repo.git, targetRevision: main, ref: values}
  destination: {server: https://kubernetes.default.svc, namespace: cache}
  syncPolicy: {automated: {prune: true, selfHeal: true}}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: oci-chart, namespace: argocd}
spec:
  project: default
  source: {repoURL: registry.example.com/charts, chart: web, targetRevision: ">=1.0.0"}
  destination: {server: https://kubernetes.default.svc, namespace: web}
  syncPolicy: {automated: {prune: true, selfHeal: true}}
"""


def test_app_of_apps_charts_and_value_files_of_another_source(
    argo_repo: Path, tmp_path: Path
) -> None:
    (argo_repo / "more").mkdir()
    (argo_repo / "more/apps.yaml").write_text(MORE)
    (argo_repo / "env").mkdir()
    (argo_repo / "env/redis.yaml").write_text("replica: {replicaCount: 2}\n")
    conversion = argocd_to_flux([argo_repo], ConvertOptions(output=tmp_path / "out"))
    parent = _item(conversion, "parent")
    assert parent.status is Status.UNSUPPORTED and not parent.outputs
    assert "app of apps" in parent.losses[0].reason
    redis = _objects(conversion, "clusters/in-cluster/apps/redis.yaml")
    kinds = [o["kind"] for o in redis]
    assert kinds == ["ConfigMap", "HelmRelease"]
    config, release = redis
    assert yaml.safe_load(config["data"]["values.yaml"]) == {"replica": {"replicaCount": 2}}
    spec = release["spec"]
    assert spec["chart"]["spec"]["chart"] == "redis"
    assert spec["chart"]["spec"]["version"] == "17.3.2"
    assert spec["valuesFrom"] == [{"kind": "ConfigMap", "name": config["metadata"]["name"]}]
    (helm_repo,) = _objects(conversion, "clusters/in-cluster/sources/helmrepository-stable.yaml")
    assert helm_repo["spec"]["url"] == "https://charts.example.com/stable"
    (oci,) = _objects(conversion, "clusters/in-cluster/sources/ocirepository-web.yaml")
    assert oci["spec"]["url"] == "oci://registry.example.com/charts/web"
    assert oci["spec"]["ref"] == {"semver": ">=1.0.0"}
    (oci_release,) = _objects(conversion, "clusters/in-cluster/apps/oci-chart.yaml")
    assert oci_release["spec"]["chartRef"] == {"kind": "OCIRepository", "name": "web"}


def test_an_application_applying_applicationsets_is_an_app_of_apps(tmp_path: Path) -> None:
    """Its folder holds ApplicationSets: Flux cannot apply them, their Applications are
    converted (from the ApplicationSets) instead of a Kustomization applying them."""
    repo = tmp_path / "repo"
    (repo / "argocd/appsets").mkdir(parents=True)
    (repo / "apps/web").mkdir(parents=True)
    (repo / "apps/web/cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: w}\n")
    (repo / "argocd/appsets.yaml").write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\n"
        "metadata: {name: appsets, namespace: argocd}\nspec:\n  project: default\n"
        "  source: {repoURL: 'https://git.example.com/r.git', path: argocd/appsets, "
        "targetRevision: main}\n"
        "  destination: {server: 'https://kubernetes.default.svc', namespace: argocd}\n"
    )
    (repo / "argocd/appsets/web.yaml").write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\n"
        "metadata: {name: web, namespace: argocd}\nspec:\n"
        "  generators: [{list: {elements: [{env: dev}]}}]\n"
        "  template:\n    metadata: {name: 'web-{{env}}'}\n    spec:\n      project: default\n"
        "      source: {repoURL: 'https://git.example.com/r.git', path: apps/web, "
        "targetRevision: main}\n"
        "      destination: {server: 'https://kubernetes.default.svc', namespace: web}\n"
    )
    conversion = argocd_to_flux([repo], ConvertOptions(output=tmp_path / "out"))
    parent = _item(conversion, "appsets")
    assert parent.status is Status.UNSUPPORTED and not parent.outputs
    assert "app of apps" in parent.losses[0].reason
    assert "argocd/appsets" in parent.losses[0].reason
    assert [o.name for o in _item(conversion, "web").outputs if o.kind == "Kustomization"] == [
        "web-dev"
    ]


def test_a_cluster_known_by_a_url_gets_one_folder_and_the_rename_is_stated(
    tmp_path: Path,
) -> None:
    root = tmp_path / "repo"
    write(
        root,
        {
            "app.yaml": (
                "apiVersion: argoproj.io/v1alpha1\nkind: Application\n"
                "metadata: {name: far, namespace: argocd}\n"
                "spec:\n  project: default\n"
                "  source: {repoURL: 'https://git.example.com/r.git', targetRevision: main, "
                "path: cm}\n"
                "  destination: {server: 'https://10.0.0.1:6443', namespace: far}\n"
                "  syncPolicy: {automated: {prune: true, selfHeal: true, allowEmpty: true}}\n"
            ),
            "cm/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
        },
    )
    conversion = argocd_to_flux([root], ConvertOptions(output=tmp_path / "out"))
    folders = {PurePosixPath(f).parts[:2] for f in conversion.tree.files}
    (folder,) = {part for _, part in folders}
    assert folder.startswith("https_10.0.0.1_6443-"), folders
    item = _item(conversion, "far")
    assert [loss.field for loss in item.losses] == ["$.spec.destination"]
    conversion.tree.write()
    verification = verify_argocd_to_flux(conversion, VerifyOptions(), Report())
    assert (verification.same, verification.differ) == (1, 0), item.losses


_CHART_APP = (
    "apiVersion: argoproj.io/v1alpha1\nkind: Application\n"
    "metadata: {name: web, namespace: argocd}\n"
    "spec:\n  project: default\n"
    "  source:\n    repoURL: 'https://git.example.com/elsewhere.git'\n"
    "    targetRevision: main\n    path: charts/web\n"
    "    helm: {valueFiles: [values-prod.yaml]}\n"
    "  destination: {server: 'https://kubernetes.default.svc', namespace: web}\n"
)
"""An Application of the Helm chart charts/web with a value file of its own."""


def test_chart_defaults_are_kept_when_the_chart_is_not_on_disk(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write(
        root,
        {
            "app.yaml": _CHART_APP,
        },
    )
    conversion = argocd_to_flux([root], ConvertOptions(output=tmp_path / "out"))
    (release,) = _objects(conversion, "clusters/in-cluster/apps/web.yaml")
    # Flux valuesFiles replace the chart's values.yaml; Argo CD layers on it.
    assert release["spec"]["chart"]["spec"]["valuesFiles"] == [
        "charts/web/values.yaml",
        "charts/web/values-prod.yaml",
    ]
    losses = [loss.field for loss in _item(conversion, "web").losses]
    assert "$.spec.source.helm.valueFiles" in losses


def test_a_chart_values_file_linked_out_of_the_repository_is_not_listed(tmp_path: Path) -> None:
    write(tmp_path / "outside", {"values.yaml": "replicas: 1\n"})
    root = tmp_path / "repo"
    write(
        root,
        {
            "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\n",
            "charts/web/values-prod.yaml": "replicas: 2\n",
            "app.yaml": _CHART_APP,
        },
    )
    (root / "charts/web/values.yaml").symlink_to(tmp_path / "outside" / "values.yaml")
    conversion = argocd_to_flux([root], ConvertOptions(output=tmp_path / "out"))
    (release,) = _objects(conversion, "clusters/in-cluster/apps/web.yaml")
    # what lies outside the repository is not read: the link is no values.yaml of the chart
    assert release["spec"]["chart"]["spec"]["valuesFiles"] == ["charts/web/values-prod.yaml"]
