"""Types several Flux kinds share.

References, common metadata, health checks, drift rules, and the kustomize patches and images
that Kustomization and HelmRelease post-renderers apply.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from gitops_schema.model.base import KubeModel, LocalObjectReference


class CrossNamespaceSourceReference(KubeModel):
    """A reference to an object by kind and name, possibly in another namespace.

    The source of a Kustomization or chart, a HelmRelease ``chartRef``, or an object to
    health-check.
    """

    kind: str
    name: str
    namespace: str | None = None
    api_version: str | None = None


class SecretKeyReference(KubeModel):
    """A Secret by name, and optionally the key of the value in it."""

    name: str
    key: str | None = None


class KubeConfigReference(KubeModel):
    """Where the kubeconfig of a remote cluster comes from: a Secret or a ConfigMap."""

    secret_ref: SecretKeyReference | None = None
    config_map_ref: LocalObjectReference | None = None


class CommonMetadata(KubeModel):
    """Labels and annotations set on every object applied (top-level metadata only)."""

    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)


class DependencyReference(KubeModel):
    """An object that must be ready first, with an optional CEL readiness expression."""

    name: str
    namespace: str | None = None
    ready_expr: str | None = None


class CustomHealthCheck(KubeModel):
    """CEL expressions that compute the health of a custom resource kind."""

    api_version: str
    current: str
    kind: str | None = None
    failed: str | None = None
    in_progress: str | None = None


class Selector(KubeModel):
    """A kustomize selector: objects matching all the given conditions."""

    group: str | None = None
    version: str | None = None
    kind: str | None = None
    name: str | None = None
    namespace: str | None = None
    annotation_selector: str | None = None
    label_selector: str | None = None


class IgnoreRule(KubeModel):
    """JSON pointers whose differences are ignored, for the objects matching the target."""

    paths: list[str]
    target: Selector | None = None


class Image(KubeModel):
    """An image name override: a new name, tag or digest."""

    name: str
    new_name: str | None = None
    new_tag: str | None = None
    digest: str | None = None


class Patch(KubeModel):
    """An inline strategic-merge or JSON6902 patch (as a YAML string) and its target."""

    patch: str
    target: Selector | None = None


class JsonPatchOperation(KubeModel):
    """One RFC 6902 JSON patch operation."""

    op: str
    path: str
    from_: str | None = Field(default=None, alias="from")
    value: Any = None


class Json6902Patch(KubeModel):
    """Deprecated form of a JSON6902 patch: the operations as a list and their target.

    Only in Kustomization v1beta1/v1beta2 and HelmRelease v2beta1/v2beta2; ``patches`` with the
    operations as a YAML string replaces it.
    """

    patch: list[JsonPatchOperation]
    target: Selector
