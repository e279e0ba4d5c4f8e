"""APPSET: expand Argo CD ApplicationSets offline, exactly as Argo CD does.

:func:`generate` reads ApplicationSets and the offline inputs their generators need
(cluster inventory, local repositories, recorded SCM data, duck-typed resources) and
returns every Application they generate, with a report of what could not be generated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitops_schema.appset.env import ARGOCD_NAMESPACE, Env
from gitops_schema.appset.expand import Expansion, GeneratedApplication, expand, expand_all
from gitops_schema.appset.inventory import clusters_from_objects, load_clusters, secret_value
from gitops_schema.appset.repos import LocalRepos
from gitops_schema.appset.services.recorded import RecordedPullRequests, RecordedScm, read_listing
from gitops_schema.appset.services.recorded_plugins import (
    RecordedPlugins,
    read_plugin_answers,
    stand_ins,
)
from gitops_schema.diagnostics import Report
from gitops_schema.load import load_paths
from gitops_schema.model import GitOpsObject, parse_documents
from gitops_schema.model.k8s import ConfigMap, Secret

__all__ = [
    "Env",
    "Expansion",
    "GeneratedApplication",
    "OfflineInputs",
    "expand",
    "expand_all",
    "expand_objects",
    "generate",
]


@dataclass(frozen=True, slots=True)
class OfflineInputs:
    """Where generators find what Argo CD would ask the cluster, git and SCMs for."""

    clusters: Sequence[Path] = ()
    """Cluster inventories: cluster Secrets, a clusters list, or kubeconfig files."""
    repo: Path | None = None
    """The local folder of every git repository not mapped in ``repos``."""
    repos: Mapping[str, Path] = field(default_factory=dict)
    """Repository URL -> local folder."""
    revision: str | None = None
    """Read the repositories at this git revision instead of their work trees."""
    resources: Sequence[Path] = ()
    """Files with duck-typed decision resources and the ConfigMaps naming them."""
    scm_data: Sequence[Path] = ()
    """Recorded pull-request and repository listings (see ``services.recorded``)."""
    plugin_data: Sequence[Path] = ()
    """Recorded plugin replies by ConfigMap name (see ``services.recorded_plugins``)."""
    namespace: str = ARGOCD_NAMESPACE
    new_globbing: bool = False
    max_applications: int = 10_000
    """How many Applications one ApplicationSet may generate before it is a finding."""


@dataclass(slots=True)
class GenerateResult:
    """The expansions of every ApplicationSet read, and the diagnostics of it all."""

    expansions: list[Expansion] = field(default_factory=list)
    report: Report = field(default_factory=Report)


def _config_maps(objects: Sequence[GitOpsObject]) -> dict[str, dict[str, str]]:
    return {o.name: dict(o.model.data) for o in objects if isinstance(o.model, ConfigMap)}


def _secrets(objects: Sequence[GitOpsObject]) -> dict[str, dict[str, str]]:
    secrets: dict[str, dict[str, str]] = {}
    for o in objects:
        if isinstance(o.model, Secret):
            data = {"data": o.model.data, "stringData": o.model.string_data}
            keys = [*o.model.data, *o.model.string_data]
            values = {k: secret_value(data, k) for k in keys}
            secrets[o.name] = {k: v for k, v in values.items() if v is not None}
    return secrets


def build_env(objects: Sequence[GitOpsObject], inputs: OfflineInputs, report: Report) -> Env:
    """The Env for the given objects (the repository's own) and offline inputs."""
    clusters = clusters_from_objects(objects)
    if inputs.clusters:
        found, problems = load_clusters(inputs.clusters)
        clusters.extend(found)
        report.extend(problems)
    extra: list[GitOpsObject] = []
    if inputs.resources:
        loaded = load_paths(inputs.resources)
        report.extend(loaded.report)
        parsed = parse_documents(loaded.documents)
        report.extend(parsed.report)
        extra = parsed.objects
    everything = [*objects, *extra]
    resources: tuple[Mapping[str, Any], ...] = tuple(
        o.document.data for o in everything if "status" in o.document.data
    )
    repos = LocalRepos(inputs.repo, dict(inputs.repos), inputs.revision)
    listing = read_listing(*inputs.scm_data) if inputs.scm_data else None
    config_maps = _config_maps(everything)
    secrets = _secrets(everything)
    plugins = None
    if inputs.plugin_data:
        answers = read_plugin_answers(*inputs.plugin_data)
        plugins = RecordedPlugins(answers, config_maps)
        extra_maps, extra_keys = stand_ins(answers, config_maps)
        config_maps.update(extra_maps)
        secrets["argocd-secret"] = {**secrets.get("argocd-secret", {}), **extra_keys}
    return Env(
        plugins=plugins,
        pull_requests=RecordedPullRequests(listing) if listing else None,
        scm=RecordedScm(listing) if listing else None,
        namespace=inputs.namespace,
        clusters=tuple(_unique_clusters(clusters)),
        git=repos if (inputs.repo or inputs.repos) else None,
        new_globbing=inputs.new_globbing,
        max_applications=inputs.max_applications,
        config_maps=config_maps,
        secrets=secrets,
        resources=resources,
    )


def _unique_clusters(clusters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    unique = []
    for cluster in clusters:
        key = str((cluster.get("metadata") or {}).get("name"))
        if key not in seen:
            seen.add(key)
            unique.append(cluster)
    return unique


def generate(paths: Sequence[str | Path], inputs: OfflineInputs | None = None) -> GenerateResult:
    """Expand every ApplicationSet under ``paths``.

    Raises:
        LoadError: a path that cannot be read.
    """
    loaded = load_paths(paths)
    parsed = parse_documents(loaded.documents)
    result = expand_objects(parsed.objects, inputs)
    result.report.extend(loaded.report)
    result.report.extend(parsed.report)
    return result


def expand_objects(
    objects: Sequence[GitOpsObject], inputs: OfflineInputs | None = None
) -> GenerateResult:
    """Expand the ApplicationSets among already typed objects (the check stage's entry)."""
    result = GenerateResult()
    env = build_env(objects, inputs or OfflineInputs(), result.report)
    result.expansions = expand_all(objects, env)
    for expansion in result.expansions:
        result.report.extend(expansion.report)
    return result
