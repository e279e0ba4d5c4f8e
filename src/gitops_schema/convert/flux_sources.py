"""Flux sources for neutral sources: one per repository and revision on each cluster."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gitops_schema.convert.neutral import ARGOCD_PERIOD, RefType, Source, SourceType
from gitops_schema.convert.output import OutputTree, dns_name

__all__ = ["DEFAULT_INTERVAL", "FLUX_NAMESPACE", "FluxSources", "source_file"]

FLUX_NAMESPACE = "flux-system"
DEFAULT_INTERVAL = ARGOCD_PERIOD
HELM_CHART_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
_SOURCE_API = "source.toolkit.fluxcd.io/v1"
_KINDS = {
    SourceType.GIT: "GitRepository",
    SourceType.HELM: "HelmRepository",
    SourceType.OCI: "OCIRepository",
}


def source_file(cluster: str, kind: str, name: str) -> str:
    """The output file of a Flux source."""
    return f"clusters/{cluster}/sources/{kind.lower()}-{name}.yaml"


def _key(cluster: str, source: Source) -> tuple[str, ...]:
    """What makes two sources one Flux source."""
    if source.type is SourceType.GIT:
        revision = source.revision
        return (cluster, "git", source.url, revision.type.value, revision.value)
    if source.type is SourceType.HELM:
        return (cluster, "helm", source.url)
    return (cluster, "oci", source.url, source.chart, source.version)


def _is_range(version: str) -> bool:
    return any(char in version for char in "^~<>=*|xX ,") or not version


def _spec(source: Source) -> dict[str, Any]:
    spec: dict[str, Any] = {"interval": DEFAULT_INTERVAL}
    if source.type is SourceType.GIT:
        spec["url"] = source.url
        if source.revision.type is not RefType.DEFAULT:
            spec["ref"] = {source.revision.type.value: source.revision.value}
    elif source.type is SourceType.HELM:
        spec["url"] = source.url
    else:
        spec["url"] = f"oci://{source.url.rstrip('/')}/{source.chart}"
        ref_key = "semver" if _is_range(source.version) else "tag"
        spec["ref"] = {ref_key: source.version}
        spec["layerSelector"] = {"mediaType": HELM_CHART_LAYER, "operation": "copy"}
    return spec


@dataclass(slots=True)
class FluxSources:
    """The sources written so far into one output tree."""

    tree: OutputTree
    made: dict[tuple[str, ...], tuple[str, str]] = field(default_factory=dict)
    names: dict[tuple[str, str], set[str]] = field(default_factory=dict)

    def source(self, cluster: str, source: Source) -> tuple[str, str]:
        """(kind, name) of the Flux source for ``source`` on ``cluster``, made once."""
        key = _key(cluster, source)
        if key in self.made:
            return self.made[key]
        base = source.url.rstrip("/").removesuffix(".git").rsplit("/", 1)[-1]
        if source.type is SourceType.OCI:
            base = source.chart
        elif source.type is SourceType.GIT and source.revision.type is not RefType.DEFAULT:
            base = f"{base}-{source.revision.value}"
        kind = _KINDS[source.type]
        name = self._unique(cluster, kind, dns_name(base, 60))
        obj = {
            "apiVersion": _SOURCE_API,
            "kind": kind,
            "metadata": {"name": name, "namespace": FLUX_NAMESPACE},
            "spec": _spec(source),
        }
        self.tree.add(source_file(cluster, kind, name), obj)
        self.made[key] = (kind, name)
        return kind, name

    def _unique(self, cluster: str, kind: str, name: str) -> str:
        taken = self.names.setdefault((cluster, kind), set())
        candidate, number = name, 2
        while candidate in taken:
            candidate = f"{name[:58]}-{number}"
            number += 1
        taken.add(candidate)
        return candidate
