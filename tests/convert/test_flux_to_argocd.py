from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from gitops_schema.convert import ConvertOptions, Status, argocd_to_flux
from gitops_schema.convert.flux_read import ObjectIndex, read_flux
from gitops_schema.convert.flux_to_argocd import flux_to_argocd
from gitops_schema.convert.verify import (
    VerifyOptions,
    differences,
    verify_argocd_to_flux,
    verify_flux_to_argocd,
)
from gitops_schema.diagnostics import Report
from gitops_schema.render import render_application

from .conftest import write

URL = "https://git.example.com/org/flux.git"

FLUX = f"""\
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {{name: repo, namespace: flux-system}}
spec: {{interval: 1m, url: {URL}, ref: {{tag: v1.0.0}}}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: web, namespace: flux-system}}
spec:
  interval: 10m
  path: ./apps/web
  prune: true
  sourceRef: {{kind: GitRepository, name: repo}}
  targetNamespace: web
  serviceAccountName: deployer
  namePrefix: prod-
  images: [{{name: nginx, newTag: "1.25"}}]
  dependsOn: [{{name: base}}]
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: base, namespace: flux-system}}
spec:
  interval: 10m
  path: ./apps/base
  prune: true
  sourceRef: {{kind: GitRepository, name: repo}}
  postBuild:
    substitute: {{team: a}}
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: chart-values, namespace: flux-system}}
data:
  values.yaml: |
    replicas: 4
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {{name: chart, namespace: flux-system}}
spec:
  interval: 10m
  targetNamespace: charts
  chart:
    spec:
      chart: ./charts/web
      sourceRef: {{kind: GitRepository, name: repo}}
      valuesFiles: [charts/web/values.yaml, charts/web/values-prod.yaml]
  valuesFrom: [{{kind: ConfigMap, name: chart-values}}]
  values: {{image: {{tag: "2.0"}}}}
  driftDetection: {{mode: enabled}}
"""


def _flux_repo(root: Path) -> Path:
    write(
        root,
        {
            "clusters/prod/apps.yaml": FLUX,
            "apps/web/kustomization.yaml": "resources: [deployment.yaml]\n",
            "apps/web/deployment.yaml": (
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec:\n"
                "  selector: {matchLabels: {app: app}}\n  template:\n"
                "    metadata: {labels: {app: app}}\n"
                "    spec: {containers: [{name: app, image: nginx}]}\n"
            ),
            "apps/base/cm.yaml": (
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: base, namespace: base}\n"
                "data: {team: x}\n"
            ),
            "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
            "charts/web/values.yaml": "replicas: 1\nimage: {tag: latest}\n",
            "charts/web/values-prod.yaml": "replicas: 2\n",
            "charts/web/templates/cm.yaml": (
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: '{{ .Release.Name }}'}\n"
                "data: {replicas: '{{ .Values.replicas }}', tag: '{{ .Values.image.tag }}'}\n"
            ),
        },
    )
    return root


def _item(conversion: Any, name: str) -> Any:
    return next(i for i in conversion.fidelity.items if i.source.name == name)


def test_flux_objects_become_applications_with_the_same_render(tmp_path: Path) -> None:
    root = _flux_repo(tmp_path / "repo")
    conversion = flux_to_argocd([root], ConvertOptions(output=tmp_path / "out"))
    web = conversion.tree.files["clusters/prod/applications/web.yaml"][0]
    assert web["spec"]["source"] == {
        "repoURL": URL,
        "targetRevision": "v1.0.0",
        "path": "apps/web",
        "kustomize": {"namePrefix": "prod-", "namespace": "web", "images": ["nginx:1.25"]},
    }
    assert web["spec"]["destination"] == {"name": "prod", "namespace": "web"}
    assert web["metadata"]["annotations"] == {"argocd.argoproj.io/sync-wave": "1"}
    # The Flux tenant (the account it impersonates) became its project.
    assert web["spec"]["project"] == "flux-system-deployer"
    (project,) = conversion.tree.files["projects/flux-system-deployer.yaml"]
    assert project["spec"]["destinationServiceAccounts"] == [
        {"server": "*", "namespace": "web", "defaultServiceAccount": "flux-system:deployer"}
    ]
    chart = conversion.tree.files["clusters/prod/applications/chart.yaml"][0]["spec"]
    helm = chart["source"]["helm"]
    # Flux's chart defaults listed first are Argo CD's own layering: dropped.
    assert helm["valueFiles"] == ["values-prod.yaml"]
    assert helm["valuesObject"] == {"replicas": 4, "image": {"tag": "2.0"}}
    assert helm["releaseName"] == "charts-chart"  # Flux's default: <targetNamespace>-<name>
    assert chart["syncPolicy"]["automated"] == {"prune": True, "selfHeal": True}
    base = _item(conversion, "base")
    assert any(loss.field == "$.spec.postBuild" for loss in base.losses)
    assert any(loss.field == "$.spec.interval" for loss in base.losses)  # 10m, not 3m
    conversion.tree.write()
    report = Report()
    verify_flux_to_argocd(conversion, VerifyOptions(), report, root)
    for item in conversion.fidelity.items:
        assert not [loss for loss in item.losses if loss.reason.startswith("verify")], item


def test_argocd_to_flux_to_argocd_renders_the_same_objects(argo_repo: Path) -> None:
    url = "https://git.example.com/org/repo.git"
    first = argocd_to_flux([argo_repo], ConvertOptions(output=argo_repo / "flux"))
    first.tree.write()
    report = Report()
    verify_argocd_to_flux(first, VerifyOptions(), report)
    for item in first.fidelity.items:
        verified = [loss for loss in item.losses if loss.reason.startswith("verify")]
        assert not verified, verified
    back = flux_to_argocd(
        [argo_repo / "flux"], ConvertOptions(output=argo_repo / "back", repos={url: argo_repo})
    )
    originals = {link.source[1]: link.definition for link in first.links}
    compared = 0
    for link in back.links:
        ((_, name),) = link.outputs
        original = originals.get(link.source[1])
        if original is None:
            continue
        item = back.fidelity.items[link.item]
        if any("load-restrictor" in loss.reason for loss in item.losses):
            continue  # the directory overlay: stated, Argo CD's kustomize refuses it
        before = render_application(original, repository=argo_repo)
        after = render_application(link.definition, repository=argo_repo, repos={url: argo_repo})
        assert before.manifests and not differences(before.manifests, after.manifests), name
        compared += 1
    assert compared >= 4
    assert _item(back, "web").status is Status.LOSSY


def test_health_checks_without_wait_are_a_stated_loss() -> None:
    index = ObjectIndex()
    index.add(yaml.safe_load(FLUX.split("---")[0]))
    checks = [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "db", "namespace": "db"}]
    kustomization = {
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
        "kind": "Kustomization",
        "metadata": {"name": "web", "namespace": "flux-system"},
        "spec": {
            "interval": "3m",
            "path": "./apps/web",
            "prune": True,
            "sourceRef": {"kind": "GitRepository", "name": "repo"},
            "healthChecks": checks,
        },
    }
    read = read_flux(kustomization, "prod", index)
    assert [field for field, _ in read.losses] == ["$.spec.healthChecks"]
    # With wait: true Flux itself ignores healthChecks: nothing is lost.
    kustomization["spec"]["wait"] = True
    assert read_flux(kustomization, "prod", index).losses == []


def test_helm_release_fields_argocd_lacks_are_stated() -> None:
    repository, release = yaml.safe_load_all(
        """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: r, namespace: flux-system}
spec: {interval: 3m, url: https://charts.example.com}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: h, namespace: flux-system}
spec:
  interval: 3m
  chart:
    spec:
      chart: c
      version: 1.0.0
      sourceRef: {kind: HelmRepository, name: r}
      verify: {provider: cosign}
  driftDetection:
    mode: enabled
    ignore: [{paths: [/spec/replicas], target: {kind: Deployment}}]
  install: {replace: true, disableWait: true}
  upgrade: {force: true, disableWait: true, cleanupOnFail: true}
  maxHistory: 3
  rollback: {cleanupOnFail: true}
  uninstall: {keepHistory: true}
"""
    )
    index = ObjectIndex()
    index.add(repository)
    read = read_flux(release, "prod", index)
    assert [field for field, _ in read.losses] == [
        "$.spec.driftDetection.ignore",
        "$.spec.chart.spec.verify",
        "$.spec.upgrade.force",
        "$.spec.install.replace",
        "$.spec.install.disableWait",
        "$.spec.upgrade.disableWait",
        "$.spec.upgrade.cleanupOnFail",
        "$.spec.maxHistory",
        "$.spec.rollback",
        "$.spec.uninstall",
    ]
