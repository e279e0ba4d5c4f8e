"""The kind registry: (group, version, kind) to the model that types it.

A model module is imported when a document of one of its API groups is first looked up:
a Flux repository never loads the Argo CD ApplicationSet nor the Prometheus-operator
models (a tenth of a second of a command's start).
"""

from __future__ import annotations

import importlib
from functools import cache

from gitops_schema.model.kinds import KindSpec, Tool

_MODULES_BY_GROUP: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("", ("k8s",)),
    ("argoproj.io", ("argocd", "argocd_appset")),
    ("fluxcd.io", ("flux",)),
    ("monitoring.coreos.com", ("monitoring",)),
)
"""The model modules that declare the kinds of each API group (and of its subgroups, as
``source.toolkit.fluxcd.io``); the core group ``""`` is that group alone. Every module with
``KINDS`` is here (``tests/model`` checks that each kind is found under its group)."""

_TOOL_BY_GROUP_SUFFIX = (
    ("argoproj.io", Tool.ARGOCD),
    ("fluxcd.io", Tool.FLUX),
    ("monitoring.coreos.com", Tool.PROMETHEUS),
    ("kustomize.config.k8s.io", Tool.KUSTOMIZE),
)


def modules_of(group: str) -> tuple[str, ...]:
    """The model modules (names in this package) that may declare kinds of ``group``."""
    return tuple(
        module
        for suffix, modules in _MODULES_BY_GROUP
        if group == suffix or (suffix and group.endswith("." + suffix))
        for module in modules
    )


@cache
def _kinds_of(module: str) -> tuple[KindSpec, ...]:
    kinds: tuple[KindSpec, ...] = importlib.import_module(f"gitops_schema.model.{module}").KINDS
    return kinds


@cache
def _versions_of(group: str) -> dict[tuple[str, str], KindSpec]:
    """(version, kind) to its spec, for every kind of ``group``, current and deprecated."""
    return {
        (version, spec.kind): spec
        for module in modules_of(group)
        for spec in _kinds_of(module)
        if spec.group == group
        for version in (*spec.versions, *spec.deprecated)
    }


@cache
def all_kinds() -> tuple[KindSpec, ...]:
    """Every modelled kind of every group (this imports every model)."""
    modules = dict.fromkeys(m for _, group_modules in _MODULES_BY_GROUP for m in group_modules)
    return tuple(spec for module in modules for spec in _kinds_of(module))


def split_api_version(api_version: str) -> tuple[str, str]:
    """``"apps/v1"`` to ``("apps", "v1")``; the core group is ``""``."""
    group, _, version = api_version.rpartition("/")
    return group, version


def lookup(api_version: str, kind: str) -> KindSpec | None:
    """The modelled kind for an apiVersion and kind, or None."""
    group, version = split_api_version(api_version)
    return _versions_of(group).get((version, kind))


def kinds_named(kind: str) -> list[KindSpec]:
    """Every modelled kind with this name, whatever its group."""
    return [spec for spec in all_kinds() if spec.kind == kind]


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
