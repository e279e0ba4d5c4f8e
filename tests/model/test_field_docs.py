"""field_doc returns the upstream description of a field, from the packaged schemas."""

from __future__ import annotations

import pytest

from gitops_schema.model.argocd import Application
from gitops_schema.model.base import KubeModel
from gitops_schema.model.docs import field_doc, load_schema, schema_at
from gitops_schema.model.flux_helm import HelmRelease
from gitops_schema.model.flux_kustomize import Kustomization
from gitops_schema.model.flux_source import GitRepository
from gitops_schema.model.helm import Chart
from gitops_schema.model.k8s import ConfigMap
from gitops_schema.model.kustomize import KustomizeFile
from gitops_schema.model.monitoring import PrometheusRule, ServiceMonitor


@pytest.mark.parametrize(
    ("model_type", "path", "start"),
    [
        (Kustomization, ("spec", "sourceRef", "kind"), "Kind of the referent."),
        (Kustomization, ("spec", "prune"), "Prune enables garbage collection."),
        (GitRepository, ("spec", "ref"), "Reference specifies the Git reference"),
        (HelmRelease, ("spec", "chart", "spec", "version"), "Version semver expression"),
        (PrometheusRule, ("spec", "groups", "rules", "expr"), "PromQL expression to evaluate."),
        (PrometheusRule, ("spec", "groups", 0, "rules", 0, "expr"), "PromQL expression"),
        (ServiceMonitor, ("spec", "endpoints", "honorLabels"), "honorLabels defines"),
        (KustomizeFile, ("bases",), "DEPRECATED. Bases are relative paths"),
        (Chart, ("appVersion",), "Note that the appVersion field is not related"),
        (Application, ("spec", "source", "repoURL"), "RepoURL is the URL to the repository"),
    ],
)
def test_field_doc_is_the_upstream_description(
    model_type: type[KubeModel], path: tuple[str | int, ...], start: str
) -> None:
    doc = field_doc(model_type, path)
    assert doc is not None
    assert doc.startswith(start)


def test_fields_of_deprecated_versions_are_documented_from_their_schema() -> None:
    assert field_doc(Kustomization, ("spec", "validation")) == "Deprecated: Not used in v1beta2."
    doc = field_doc(HelmRelease, ("spec", "chart", "spec", "valuesFile"))
    assert doc is not None and "Deprecated in favor of ValuesFiles" in doc


@pytest.mark.parametrize(
    ("model_type", "path"),
    [
        (Kustomization, ("spec", "noSuchField")),
        (ConfigMap, ("data",)),  # no packaged schema for core kinds
    ],
)
def test_field_doc_is_none_without_an_upstream_description(
    model_type: type[KubeModel], path: tuple[str, ...]
) -> None:
    assert field_doc(model_type, path) is None


def test_schema_at_follows_local_references() -> None:
    schema = load_schema("schemastore/kustomization.json")
    assert schema is not None
    node = schema_at(schema, ("images", "newName"))
    assert node == {"type": "string"}
    assert load_schema("no/such_v1.json") is None
