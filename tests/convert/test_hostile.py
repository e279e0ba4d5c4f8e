"""A hostile repository converts to findings naming file, line and problem, never a crash
and never a file read from outside the repository."""

from __future__ import annotations

import os
from pathlib import Path

from gitops_schema.convert import ConvertOptions, Status, argocd_to_flux
from gitops_schema.convert.flux_write import FluxWriter
from gitops_schema.convert.folders import SourceFolders
from gitops_schema.convert.neutral import (
    Build,
    BuildTool,
    NeutralApp,
    Part,
    Source,
    SourceType,
    Target,
)
from gitops_schema.convert.output import OutputTree

from .conftest import write

URL = "https://git.example.com/org/repo.git"
CANARY = "canary-7f3a"


def _app(name: str, source: str) -> str:
    return (
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\n"
        f"metadata: {{name: {name}, namespace: argocd}}\n"
        "spec:\n  project: default\n"
        f"  source: {{repoURL: '{URL}', targetRevision: main, {source}}}\n"
        "  destination: {server: 'https://kubernetes.default.svc', namespace: web}\n"
    )


HOSTILE = "---\n".join(
    [
        _app("climbs", "path: ../outside, kustomize: {commonLabels: {a: b}}"),
        _app("loops", "path: apps/loop, kustomize: {commonLabels: {a: b}}"),
        _app("nul", 'path: "apps/we\\0b"'),
        _app("values", "path: charts/web, helm: {valueFiles: [../../../outside/values.yaml]}"),
        _app(
            "setfile",
            "path: charts/web, helm: {fileParameters: [{name: x, path: ../../../outside/secret}]}",
        ),
        _app("patch", "path: apps/web, kustomize: {patches: [{path: ../../../outside/secret}]}"),
        _app("replicas", "path: apps/web, kustomize: {replicas: [{name: x, count: many}]}"),
        _app("shapeless", "path: apps/web, kustomize: {replicas: [3]}"),
    ]
)


def test_hostile_paths_are_refused_with_a_finding(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside, {"values.yaml": f"leak: {CANARY}\n", "secret": CANARY})
    root = tmp_path / "repo"
    write(
        root,
        {
            "argocd/apps.yaml": HOSTILE,
            "apps/web/kustomization.yaml": "resources: [cm.yaml]\n",
            "apps/web/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
            "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
        },
    )
    os.symlink("loop", root / "apps" / "loop")
    conversion = argocd_to_flux([root], ConvertOptions(output=root / "flux"))
    items = {item.source.name: item for item in conversion.fidelity.items}
    for name in ("climbs", "loops", "nul"):
        assert items[name].status is Status.UNSUPPORTED
        (loss,) = items[name].losses
        assert loss.field == "$.spec.source.path" and "outside the repository" in loss.reason
        assert items[name].source.file.endswith("argocd/apps.yaml") and items[name].source.line
    for name, field in (
        ("values", "$.spec.source.helm.valueFiles[0]"),
        ("setfile", "$.spec.source.helm.fileParameters[0]"),
        ("patch", "$.spec.source.kustomize.patches[0].path"),
    ):
        reasons = [loss.reason for loss in items[name].losses if loss.field == field]
        assert reasons and "outside the repository" in reasons[0], items[name].losses
    replicas = {loss.field for loss in items["replicas"].losses}
    assert "$.spec.source.kustomize.replicas[0]" in replicas
    assert items["shapeless"].status is Status.UNSUPPORTED
    (loss,) = items["shapeless"].losses
    assert "spec.source.kustomize.replicas.0" in loss.reason and "schema" in loss.reason
    assert not any(CANARY in text for text in conversion.tree.texts().values())


def test_an_overlay_that_cannot_be_made_is_a_loss(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "apps").mkdir(parents=True)
    os.symlink("loop", root / "apps" / "loop")
    part = Part(Source(SourceType.GIT, URL, path="apps/loop"), Build(BuildTool.KUSTOMIZE))
    part.build.kustomize.common_labels = {"a": "b"}
    app = NeutralApp("loops", "argocd", [part], Target("in-cluster", "web"))
    writer = FluxWriter(OutputTree(root / "flux"), SourceFolders(root))
    written = writer.write(app, "")
    assert any(
        path == "$.spec.source.kustomize.commonLabels" and "no overlay" in reason
        for path, reason in written.losses
    ), written.losses
