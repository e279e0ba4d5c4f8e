"""Flux: sources (GitRepository, OCIRepository, HelmRepository, HelmChart, Bucket),
Kustomization, HelmRelease and notifications (Alert, Provider, Receiver)."""

from __future__ import annotations

from gitops_schema.model.base import KubeModel, LocalObjectReference, Resource
from gitops_schema.model.kinds import KindSpec, Tool

SOURCE_GROUP = "source.toolkit.fluxcd.io"
KUSTOMIZE_GROUP = "kustomize.toolkit.fluxcd.io"


class GitRepositoryRef(KubeModel):
    """The git reference to check out; at most one of these is used, in order of priority."""

    branch: str | None = None
    tag: str | None = None
    semver: str | None = None
    name: str | None = None
    commit: str | None = None


class GitRepositorySpec(KubeModel):
    """The desired state of a GitRepository."""

    url: str
    interval: str
    ref: GitRepositoryRef | None = None
    secret_ref: LocalObjectReference | None = None
    suspend: bool | None = None


class GitRepository(Resource):
    """A Flux GitRepository source."""

    spec: GitRepositorySpec


class CrossNamespaceSourceReference(KubeModel):
    """A reference to a source object, possibly in another namespace."""

    kind: str
    name: str
    namespace: str | None = None
    api_version: str | None = None


class KustomizationSpec(KubeModel):
    """The desired state of a Flux Kustomization."""

    interval: str
    source_ref: CrossNamespaceSourceReference
    prune: bool
    path: str | None = None
    target_namespace: str | None = None
    wait: bool | None = None
    suspend: bool | None = None
    timeout: str | None = None
    retry_interval: str | None = None


class Kustomization(Resource):
    """A Flux Kustomization: applies a path of a source to the cluster."""

    spec: KustomizationSpec


KINDS = (
    KindSpec(SOURCE_GROUP, "GitRepository", GitRepository, Tool.FLUX, ("v1",), ("v1beta2", "v1beta1")),
    KindSpec(KUSTOMIZE_GROUP, "Kustomization", Kustomization, Tool.FLUX, ("v1",), ("v1beta2", "v1beta1")),
)
