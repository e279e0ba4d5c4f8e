"""The kind registry: (group, version, kind) to the model that types it."""

from __future__ import annotations

from gitops_schema.model import argocd, argocd_appset, flux, k8s, monitoring
from gitops_schema.model.kinds import KindSpec, Tool

ALL_KINDS: tuple[KindSpec, ...] = (
    *k8s.KINDS,
    *argocd.KINDS,
    *argocd_appset.KINDS,
    *flux.KINDS,
    *monitoring.KINDS,
)

KINDS: dict[tuple[str, str, str], KindSpec] = {
    (spec.group, version, spec.kind): spec
    for spec in ALL_KINDS
    for version in (*spec.versions, *spec.deprecated)
}
"""Every recognised (group, version, kind), current and deprecated versions alike."""

_BY_KIND: dict[str, list[KindSpec]] = {}
for _spec in ALL_KINDS:
    _BY_KIND.setdefault(_spec.kind, []).append(_spec)

_TOOL_BY_GROUP_SUFFIX = (
    ("argoproj.io", Tool.ARGOCD),
    ("fluxcd.io", Tool.FLUX),
    ("monitoring.coreos.com", Tool.PROMETHEUS),
    ("kustomize.config.k8s.io", Tool.KUSTOMIZE),
)


def split_api_version(api_version: str) -> tuple[str, str]:
    """``"apps/v1"`` to ``("apps", "v1")``; the core group is ``""``."""
    group, _, version = api_version.rpartition("/")
    return group, version


def lookup(api_version: str, kind: str) -> KindSpec | None:
    """The modelled kind for an apiVersion and kind, or None."""
    group, version = split_api_version(api_version)
    return KINDS.get((group, version, kind))


def kinds_named(kind: str) -> list[KindSpec]:
    """Every modelled kind with this name, whatever its group."""
    return list(_BY_KIND.get(kind, ()))


def is_deprecated(api_version: str, kind: str) -> bool:
    """True when the apiVersion is a recognised but deprecated one for this kind."""
    spec = lookup(api_version, kind)
    return spec is not None and split_api_version(api_version)[1] in spec.deprecated


def tool_of(api_version: str) -> Tool:
    """The tool an unmodelled apiVersion belongs to, judged by its group."""
    group, _ = split_api_version(api_version)
    for suffix, tool in _TOOL_BY_GROUP_SUFFIX:
        if group == suffix or group.endswith("." + suffix):
            return tool
    return Tool.KUBERNETES
