"""What a modelled kind is: its group, versions, model class and the tool it belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Only named: a render read back from the cache needs the Tool, not the models.
    from gitops_schema.model.base import Resource


class Tool(StrEnum):
    """The tool an object belongs to, as the inventory shows it."""

    ARGOCD = "argocd"
    FLUX = "flux"
    KUSTOMIZE = "kustomize"
    HELM = "helm"
    PROMETHEUS = "prometheus-operator"
    KUBERNETES = "kubernetes"


@dataclass(frozen=True, slots=True)
class KindSpec:
    """One kind of one API group, with the versions we recognise."""

    group: str
    kind: str
    model: type[Resource]
    tool: Tool
    versions: tuple[str, ...]
    """Versions served by the current upstream release."""
    deprecated: tuple[str, ...] = ()
    """Older versions still recognised (and reported by the deprecation rules)."""

    @property
    def current_api_version(self) -> str:
        """The newest served apiVersion, e.g. ``source.toolkit.fluxcd.io/v1``."""
        return f"{self.group}/{self.versions[0]}" if self.group else self.versions[0]
