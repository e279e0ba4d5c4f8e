"""When a build may skip kustomize's built-in schema, and that skipping it changes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from gitops_schema.load import load_paths
from gitops_schema.model import parse_documents
from gitops_schema.render import KustomizeOptions, find_kustomize, render_flux_kustomization
from gitops_schema.render.openapi import EMPTY_SCHEMA, builtin_schema_needed

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx
          ports:
            - name: http
              containerPort: 80
"""
# The built-in schema merges ports by containerPort (two ports); without it kustomize
# infers "name" as the key and replaces the port: the case the guard exists for.
PORT_PATCH = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          ports:
            - name: http
              containerPort: 8080
"""
HELM_RELEASE = """\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
spec:
  interval: 1h
  values:
    ports:
      - name: http
        containerPort: 80
"""
RELEASE_PATCH = """\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: _
spec:
  values:
    ports:
      - name: http
        containerPort: 8080
"""
CUSTOM_TARGET = {"group": "helm.toolkit.fluxcd.io", "kind": "HelmRelease"}


@pytest.mark.parametrize(
    ("kustomization", "needed"),
    [
        ({"resources": ["a.yaml"]}, False),
        ({"patches": [{"patch": RELEASE_PATCH, "target": CUSTOM_TARGET}]}, False),
        ({"patches": [{"patch": RELEASE_PATCH}]}, False),
        ({"patches": [{"patch": RELEASE_PATCH, "target": {"kind": "HelmRelease"}}]}, True),
        ({"patches": [{"patch": RELEASE_PATCH, "target": {"group": "apps"}}]}, True),
        ({"patches": [{"patch": PORT_PATCH}]}, True),
        ({"patches": [{"patch": "- op: remove\n  path: /spec/replicas\n"}]}, False),
        ({"patches": [{"patch": "- op: add\n  path: /x\n", "target": {"kind": "Pod"}}]}, False),
        ({"patchesStrategicMerge": [json.dumps(yaml.safe_load(RELEASE_PATCH))]}, False),
        ({"patchesStrategicMerge": [PORT_PATCH]}, True),
        ({"patches": [{"patch": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"}]}, True),
        ({"patches": [{"patch": "not: [valid"}]}, True),
        ({"patches": [{"path": "missing.yaml"}]}, True),
        ({"openapi": {"version": "v1.21.2"}}, True),
        ({"transformers": ["patcher.yaml"]}, True),
        ({"resources": ["https://github.com/org/repo//base"]}, True),
    ],
)
def test_the_guard_reads_every_patch(
    tmp_path: Path, kustomization: dict[str, Any], needed: bool
) -> None:
    assert builtin_schema_needed(kustomization, tmp_path) is needed


def test_patch_files_and_nested_kustomizations_are_read(tmp_path: Path) -> None:
    (tmp_path / "release-patch.yaml").write_text(RELEASE_PATCH)
    (tmp_path / "port-patch.yaml").write_text(PORT_PATCH)
    assert not builtin_schema_needed({"patches": [{"path": "release-patch.yaml"}]}, tmp_path)
    assert builtin_schema_needed({"patchesStrategicMerge": ["port-patch.yaml"]}, tmp_path)
    base = tmp_path / "base"
    base.mkdir()
    (base / "kustomization.yaml").write_text("patchesStrategicMerge: [../port-patch.yaml]\n")
    assert builtin_schema_needed({"resources": ["base"]}, tmp_path)
    (base / "kustomization.yaml").write_text("resources: [../release.yaml]\n")
    assert not builtin_schema_needed({"resources": ["base"], "components": ["base"]}, tmp_path)
    (base / "kustomization.yaml").write_text("resources: [..]\n")
    assert not builtin_schema_needed({"resources": ["base"]}, base.parent)


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def build(folder: Path, kustomization: dict[str, Any], *, empty_schema: bool) -> str:
    if empty_schema:
        (folder / "openapi.json").write_text(EMPTY_SCHEMA)
        kustomization = {**kustomization, "openapi": {"path": "openapi.json"}}
    (folder / "kustomization.yaml").write_text(json.dumps(kustomization))
    return find_kustomize().build(folder, KustomizeOptions())


def test_an_empty_schema_builds_custom_resources_identically(tmp_path: Path) -> None:
    (tmp_path / "release.yaml").write_text(HELM_RELEASE)
    kustomization = {
        "resources": ["release.yaml"],
        "patches": [{"patch": RELEASE_PATCH, "target": CUSTOM_TARGET}],
    }
    assert not builtin_schema_needed(kustomization, tmp_path)
    assert build(tmp_path, kustomization, empty_schema=True) == build(
        tmp_path, kustomization, empty_schema=False
    )


def test_an_empty_schema_would_change_built_in_kinds(tmp_path: Path) -> None:
    (tmp_path / "deployment.yaml").write_text(DEPLOYMENT)
    kustomization = {"resources": ["deployment.yaml"], "patches": [{"patch": PORT_PATCH}]}
    assert builtin_schema_needed(kustomization, tmp_path)
    assert build(tmp_path, kustomization, empty_schema=True).count("containerPort") == 1
    assert build(tmp_path, kustomization, empty_schema=False).count("containerPort") == 2


def test_flux_keeps_the_schema_for_a_patch_on_a_built_in_kind(tmp_path: Path) -> None:
    app = tmp_path / "repo" / "app"
    app.mkdir(parents=True)
    (app / "deployment.yaml").write_text(DEPLOYMENT)
    patch = json.dumps({"patch": PORT_PATCH, "target": {"kind": "Deployment"}})
    spec = (
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
        "metadata: {name: app, namespace: flux-system}\n"
        "spec:\n  interval: 1h\n  prune: true\n  path: ./app\n"
        "  sourceRef: {kind: GitRepository, name: flux-system}\n"
        f"  patches: [{patch}]\n"
    )
    [kustomization] = parse_documents(
        load_paths([write(tmp_path / "ks.yaml", spec)]).documents
    ).objects
    result = render_flux_kustomization(kustomization, repository=tmp_path / "repo")
    [deployment] = result.manifests
    ports = deployment["spec"]["template"]["spec"]["containers"][0]["ports"]
    assert [port["containerPort"] for port in ports] == [8080, 80]
