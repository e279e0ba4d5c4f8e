"""Argo CD ApplicationSet: its spec, template and policies.

Its generators, one model per kind and their registry, are :mod:`.argocd_generators`.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from gitops_schema.model.argocd import GROUP
from gitops_schema.model.argocd_generators import (
    ApplicationSetTemplate,
    Generator,
    generator_kind,
)
from gitops_schema.model.base import KubeModel, Resource
from gitops_schema.model.kinds import KindSpec, Tool

__all__ = ["ApplicationSet", "ApplicationSetSpec", "ApplicationSetTemplate", "generator_kind"]


class RollingSyncStep(KubeModel):
    """One step of a progressive sync."""

    match_expressions: list[dict[str, Any]] = Field(default_factory=list)
    max_update: int | str | None = None


class RollingSync(KubeModel):
    """Progressive sync steps."""

    steps: list[RollingSyncStep] = Field(default_factory=list)


class ApplicationSetStrategy(KubeModel):
    """How generated Applications are updated and deleted."""

    type: str | None = None
    rolling_sync: RollingSync | None = None
    deletion_order: str | None = None


class ApplicationSetSyncPolicy(KubeModel):
    """What the ApplicationSet controller may do to the Applications it owns."""

    preserve_resources_on_deletion: bool | None = None
    applications_sync: str | None = None


class IgnoreApplicationDifferences(KubeModel):
    """Application fields the controller leaves as they are."""

    name: str | None = None
    json_pointers: list[str] = Field(default_factory=list)
    jq_path_expressions: list[str] = Field(default_factory=list)


class PreservedFields(KubeModel):
    """Annotations and labels of generated Applications that are kept when updating."""

    annotations: list[str] = Field(default_factory=list)
    labels: list[str] = Field(default_factory=list)


class ApplicationSetSpec(KubeModel):
    """Generators and the template their parameters are rendered into."""

    generators: list[Generator]
    template: ApplicationSetTemplate
    go_template: bool | None = None
    go_template_options: list[str] = Field(default_factory=list)
    template_patch: str | None = None
    sync_policy: ApplicationSetSyncPolicy | None = None
    strategy: ApplicationSetStrategy | None = None
    preserved_fields: PreservedFields | None = None
    ignore_application_differences: list[IgnoreApplicationDifferences] = Field(default_factory=list)
    apply_nested_selectors: bool | None = None


class ApplicationSet(Resource):
    """An Argo CD ApplicationSet."""

    spec: ApplicationSetSpec
    status: dict[str, Any] | None = None


KINDS = (KindSpec(GROUP, "ApplicationSet", ApplicationSet, Tool.ARGOCD, ("v1alpha1",)),)
