"""The kind registry imports a model module only for a group it is asked about."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from gitops_schema.load import load_bytes
from gitops_schema.model import Tool, parse_documents
from gitops_schema.model.monitoring import PrometheusRule
from gitops_schema.model.registry import all_kinds, lookup, modules_of

MODULES_WITH_KINDS = ("k8s", "argocd", "argocd_appset", "flux", "monitoring")


@pytest.mark.parametrize("module", MODULES_WITH_KINDS)
def test_each_kind_is_found_under_its_own_group(module: str) -> None:
    kinds = importlib.import_module(f"gitops_schema.model.{module}").KINDS
    assert kinds
    for spec in kinds:
        assert module in modules_of(spec.group), spec
        for version in (*spec.versions, *spec.deprecated):
            api_version = f"{spec.group}/{version}" if spec.group else version
            assert lookup(api_version, spec.kind) is spec
    assert set(kinds) <= set(all_kinds())


def test_unmodelled_groups_and_kinds_are_not_found() -> None:
    assert modules_of("apps") == ()
    assert modules_of("notargoproj.io") == ()
    assert lookup("apps/v1", "Deployment") is None
    assert lookup("v1", "Pod") is None
    assert lookup("argoproj.io/v1alpha1", "Rollout") is None
    assert lookup("source.toolkit.fluxcd.io/v0", "GitRepository") is None


def test_typing_flux_objects_imports_no_argo_cd_nor_prometheus_model() -> None:
    probe = (
        "import sys\n"
        "from gitops_schema.load import load_bytes\n"
        "from gitops_schema.model import parse_documents\n"
        "docs = load_bytes(b'apiVersion: source.toolkit.fluxcd.io/v1\\nkind: GitRepository\\n"
        "metadata: {name: r}\\nspec: {url: https://x, interval: 1m}\\n', 'r.yaml').documents\n"
        "objects = parse_documents(docs).objects\n"
        "assert objects[0].typed, objects\n"
        "print(','.join(m for m in ('gitops_schema.model.argocd_appset', "
        "'gitops_schema.model.monitoring', 'gitops_schema.model.flux') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "gitops_schema.model.flux"


def test_objects_of_an_envelope_tool_are_kept_untyped_with_their_identity() -> None:
    text = (
        b"apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\n"
        b"metadata: {name: r, namespace: o11y}\nspec: {groups: []}\n---\n"
        b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
    )
    documents = load_bytes(text, "r.yaml").documents
    typed = parse_documents(documents).objects
    enveloped = parse_documents(documents, envelopes=frozenset({Tool.PROMETHEUS})).objects
    assert isinstance(typed[0].model, PrometheusRule)
    assert not enveloped[0].typed
    assert [(o.tool, o.kind, o.name, o.namespace) for o in enveloped] == [
        (o.tool, o.kind, o.name, o.namespace) for o in typed
    ]
    assert enveloped[1].typed


def test_kustomization_and_chart_files_of_an_envelope_tool_are_kept_untyped() -> None:
    kustomization = load_bytes(
        b"resources: [a.yaml]\nnamespace: web\n", "apps/web/kustomization.yaml"
    ).documents
    chart = load_bytes(b"apiVersion: v2\nname: web\nversion: 1.0.0\n", "charts/web/Chart.yaml")
    documents = [*kustomization, *chart.documents]
    typed = parse_documents(documents).objects
    enveloped = parse_documents(documents, envelopes=frozenset({Tool.KUSTOMIZE, Tool.HELM})).objects
    assert all(o.typed for o in typed) and not any(o.typed for o in enveloped)
    assert [(o.tool, o.kind, o.name, o.namespace) for o in enveloped] == [
        (o.tool, o.kind, o.name, o.namespace) for o in typed
    ]
