"""Flux Kustomization (``kustomize.toolkit.fluxcd.io``) and the types only it uses.

Current ``v1``, with the fields of the deprecated ``v1beta1`` and ``v1beta2`` still recognised.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from gitops_schema.model.base import KubeModel, LocalObjectReference, Resource
from gitops_schema.model.flux_common import (
    CommonMetadata,
    CrossNamespaceSourceReference,
    CustomHealthCheck,
    DependencyReference,
    IgnoreRule,
    Image,
    Json6902Patch,
    KubeConfigReference,
    Patch,
)
from gitops_schema.model.kinds import KindSpec, Tool

GROUP = "kustomize.toolkit.fluxcd.io"


class Decryption(KubeModel):
    """How Secrets are decrypted before they are applied (SOPS)."""

    provider: str
    secret_ref: LocalObjectReference | None = None
    service_account_name: str | None = None


class SubstituteReference(KubeModel):
    """A ConfigMap or Secret whose keys are post-build substitution variables."""

    kind: str
    name: str
    optional: bool | None = None


class PostBuild(KubeModel):
    """Variable substitution applied to the manifests kustomize built."""

    substitute: dict[str, str] = Field(default_factory=dict)
    substitute_from: list[SubstituteReference] = Field(default_factory=list)
    substitute_strategy: str | None = None


class KustomizationSpec(KubeModel):
    """The desired state of a Flux Kustomization."""

    interval: str
    source_ref: CrossNamespaceSourceReference
    prune: bool
    path: str | None = None
    target_namespace: str | None = None
    name_prefix: str | None = None
    name_suffix: str | None = None
    common_metadata: CommonMetadata | None = None
    components: list[str] = Field(default_factory=list)
    ignore_missing_components: bool | None = None
    images: list[Image] = Field(default_factory=list)
    patches: list[Patch] = Field(default_factory=list)
    post_build: PostBuild | None = None
    decryption: Decryption | None = None
    depends_on: list[DependencyReference] = Field(default_factory=list)
    health_checks: list[CrossNamespaceSourceReference] = Field(default_factory=list)
    health_check_exprs: list[CustomHealthCheck] = Field(default_factory=list)
    wait: bool | None = None
    timeout: str | None = None
    retry_interval: str | None = None
    force: bool | None = None
    deletion_policy: str | None = None
    ignore: list[IgnoreRule] = Field(default_factory=list)
    build_metadata: list[str] = Field(default_factory=list)
    kube_config: KubeConfigReference | None = None
    service_account_name: str | None = None
    suspend: bool | None = None
    patches_strategic_merge: list[dict[str, Any]] = Field(default_factory=list)
    """Deprecated: only in v1beta1/v1beta2; ``patches`` with the patch as a string replaces it."""
    patches_json6902: list[Json6902Patch] = Field(default_factory=list)
    """Deprecated: only in v1beta1/v1beta2; ``patches`` with the operations as a YAML string
    replaces it."""
    validation: str | None = None
    """Deprecated: only in v1beta1/v1beta2 (none, client, server); server-side apply made it
    moot and v1 removed it."""


class Kustomization(Resource):
    """A Flux Kustomization: builds a path of a source with kustomize and applies it."""

    spec: KustomizationSpec
    status: dict[str, Any] | None = None


KINDS = (
    KindSpec(GROUP, "Kustomization", Kustomization, Tool.FLUX, ("v1",), ("v1beta2", "v1beta1")),
)
