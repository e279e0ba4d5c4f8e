"""Every object of the shared corpus and seed cases whose kind is modelled is typed, unless a
diagnostic says why; the seed's model-level defects are reported."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from gitops_schema.diagnostics import Diagnostic
from gitops_schema.load import load_paths
from gitops_schema.model import GitOpsObject, Tool, parse_document
from gitops_schema.model.registry import is_deprecated, kinds_named, lookup

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CORPUS = SHARED / "corpus"
SEED = SHARED / "seed-cases"

Parsed = list[tuple[GitOpsObject, list[Diagnostic]]]


def _parse(root: Path) -> Parsed:
    parsed = []
    for document in load_paths([root]).documents:
        found, diagnostics = parse_document(document)
        if found is not None:
            parsed.append((found, diagnostics))
    return parsed


@pytest.fixture(scope="module")
def corpus() -> Parsed:
    return _parse(CORPUS)


@pytest.fixture(scope="module")
def seed() -> Parsed:
    return _parse(SEED)


def _modelled(found: GitOpsObject) -> bool:
    return (
        found.tool in (Tool.KUSTOMIZE, Tool.HELM)
        or lookup(found.api_version, found.kind) is not None
    )


@pytest.mark.parametrize("which", ["corpus", "seed"])
def test_modelled_kinds_are_typed_or_explained(which: str, request: pytest.FixtureRequest) -> None:
    parsed: Parsed = request.getfixturevalue(which)
    unexplained = [
        f"{found.location} {found.api_version} {found.kind}"
        for found, diagnostics in parsed
        if _modelled(found)
        and not found.typed
        and not any(diagnostic.rule == "schema" for diagnostic in diagnostics)
    ]
    assert not unexplained


def test_every_tool_is_recognised_in_the_corpus(corpus: Parsed) -> None:
    typed = Counter(found.tool for found, _ in corpus if found.typed)
    for tool in (Tool.FLUX, Tool.ARGOCD, Tool.KUSTOMIZE, Tool.HELM, Tool.PROMETHEUS):
        assert typed[tool] > 0, tool


def test_most_modelled_objects_of_the_corpus_are_typed(corpus: Parsed) -> None:
    modelled = [found for found, _ in corpus if _modelled(found)]
    typed = [found for found in modelled if found.typed]
    # The rest are documentation snippets and kustomize patch files (partial objects).
    assert len(typed) >= 0.9 * len(modelled)


def test_the_corpus_has_no_unknown_fields(corpus: Parsed) -> None:
    # Real repositories and upstream examples: a field reported unknown here is a model gap.
    unknown = [
        str(diagnostic)
        for _, diagnostics in corpus
        for diagnostic in diagnostics
        if diagnostic.rule == "unknown-field"
    ]
    assert not unknown


def _unknown(seed: Parsed, file_name: str) -> list[str]:
    return [
        diagnostic.message
        for found, diagnostics in seed
        if Path(found.document.file).name == file_name
        for diagnostic in diagnostics
        if diagnostic.rule == "unknown-field"
    ]


def test_seed_filters_on_a_git_generator_is_unknown(seed: Parsed) -> None:
    messages = _unknown(seed, "microservices-git-appset.yaml")
    assert any("'filters'" in message for message in messages)


def test_seed_name_beside_clusters_is_unknown(seed: Parsed) -> None:
    messages = _unknown(seed, "user-service-appset.yaml")
    assert len([message for message in messages if "'name'" in message]) == 3


def test_seed_deprecated_flux_api_versions_are_recognised_and_typed(seed: Parsed) -> None:
    deprecated = [
        found
        for found, _ in seed
        if found.tool is Tool.FLUX and is_deprecated(found.api_version, found.kind)
    ]
    assert {found.api_version for found in deprecated} == {
        "kustomize.toolkit.fluxcd.io/v1beta2",
        "notification.toolkit.fluxcd.io/v1beta1",
        "source.toolkit.fluxcd.io/v1beta1",
    }
    assert all(found.typed for found in deprecated)


def test_seed_service_monitor_in_the_core_group_is_not_typed(seed: Parsed) -> None:
    # The seed declares it as apiVersion v1; the kind name still leads to the right group.
    monitors = [found for found, _ in seed if found.kind == "ServiceMonitor"]
    assert [(found.api_version, found.typed) for found in monitors] == [("v1", False)]
    assert [spec.current_api_version for spec in kinds_named("ServiceMonitor")] == [
        "monitoring.coreos.com/v1"
    ]
