"""Flux sources (``source.toolkit.fluxcd.io``).

GitRepository, OCIRepository, HelmRepository, HelmChart and Bucket: current ``v1``, with the
fields of the deprecated betas still recognised.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from gitops_schema.model.base import KubeModel, LocalObjectReference, Resource
from gitops_schema.model.kinds import KindSpec, Tool

GROUP = "source.toolkit.fluxcd.io"


class NamespaceSelector(KubeModel):
    """Namespaces allowed by an access control list."""

    match_labels: dict[str, str] = Field(default_factory=dict)


class AccessFrom(KubeModel):
    """Deprecated cross-namespace access control list (never implemented upstream)."""

    namespace_selectors: list[NamespaceSelector]


class GitRepositoryInclude(KubeModel):
    """Another GitRepository whose artifact is included in this one, and where."""

    repository: LocalObjectReference
    from_path: str | None = None
    to_path: str | None = None


class GitRepositoryRef(KubeModel):
    """The git reference to check out; precedence commit > name > semver > tag > branch.

    Without any, the branch ``master`` is used (not the remote HEAD).
    """

    branch: str | None = None
    tag: str | None = None
    semver: str | None = None
    name: str | None = None
    commit: str | None = None


class GitRepositoryVerification(KubeModel):
    """How commit or tag signatures are verified, and the Secret with the trusted keys."""

    mode: str | None = None
    secret_ref: LocalObjectReference | None = None


class GitRepositorySpec(KubeModel):
    """The desired state of a GitRepository."""

    url: str
    interval: str
    ref: GitRepositoryRef | None = None
    secret_ref: LocalObjectReference | None = None
    provider: str | None = None
    service_account_name: str | None = None
    proxy_secret_ref: LocalObjectReference | None = None
    timeout: str | None = None
    verify: GitRepositoryVerification | None = None
    ignore: str | None = None
    include: list[GitRepositoryInclude] = Field(default_factory=list)
    recurse_submodules: bool | None = None
    sparse_checkout: list[str] = Field(default_factory=list)
    suspend: bool | None = None
    access_from: AccessFrom | None = None
    """Deprecated: only in v1beta1/v1beta2, removed in v1."""
    git_implementation: str | None = None
    """Deprecated: only in v1beta1/v1beta2 (go-git or libgit2); v1 always uses go-git."""


class GitRepository(Resource):
    """A Flux GitRepository: a git repository fetched as an artifact."""

    spec: GitRepositorySpec
    status: dict[str, Any] | None = None


class OCILayerSelector(KubeModel):
    """Which layer of an OCI artifact is extracted, and how."""

    media_type: str | None = None
    operation: str | None = None


class OCIRepositoryRef(KubeModel):
    """The OCI reference to pull; precedence digest > semver > tag, default tag ``latest``."""

    digest: str | None = None
    semver: str | None = None
    semver_filter: str | None = None
    tag: str | None = None


class OIDCIdentityMatch(KubeModel):
    """Regular expressions the keyless signing certificate's issuer and subject must match."""

    issuer: str
    subject: str


class OCIRepositoryVerification(KubeModel):
    """How the signature of an OCI artifact is verified (cosign or notation)."""

    provider: str
    secret_ref: LocalObjectReference | None = None
    match_oidc_identity: list[OIDCIdentityMatch] = Field(default=[], alias="matchOIDCIdentity")
    trusted_root_secret_ref: LocalObjectReference | None = None


class OCIRepositorySpec(KubeModel):
    """The desired state of an OCIRepository."""

    url: str
    interval: str
    ref: OCIRepositoryRef | None = None
    layer_selector: OCILayerSelector | None = None
    provider: str | None = None
    secret_ref: LocalObjectReference | None = None
    verify: OCIRepositoryVerification | None = None
    service_account_name: str | None = None
    cert_secret_ref: LocalObjectReference | None = None
    proxy_secret_ref: LocalObjectReference | None = None
    timeout: str | None = None
    ignore: str | None = None
    insecure: bool | None = None
    suspend: bool | None = None


class OCIRepository(Resource):
    """A Flux OCIRepository: an OCI artifact fetched as an artifact."""

    spec: OCIRepositorySpec
    status: dict[str, Any] | None = None


class HelmRepositorySpec(KubeModel):
    """The desired state of a HelmRepository (an index URL, or an OCI registry prefix)."""

    url: str
    type: str | None = None
    interval: str | None = None
    secret_ref: LocalObjectReference | None = None
    cert_secret_ref: LocalObjectReference | None = None
    pass_credentials: bool | None = None
    insecure: bool | None = None
    provider: str | None = None
    timeout: str | None = None
    suspend: bool | None = None
    access_from: AccessFrom | None = None
    """Still in the v1 schema but unused since v1beta2."""


class HelmRepository(Resource):
    """A Flux HelmRepository: a Helm chart repository index or OCI registry."""

    spec: HelmRepositorySpec
    status: dict[str, Any] | None = None


class LocalHelmChartSourceReference(KubeModel):
    """The source (HelmRepository, GitRepository or Bucket) in the same namespace."""

    kind: str
    name: str
    api_version: str | None = None


class HelmChartVerification(KubeModel):
    """How the signature of a chart from an OCI HelmRepository is verified."""

    provider: str
    secret_ref: LocalObjectReference | None = None
    match_oidc_identity: list[OIDCIdentityMatch] = Field(default=[], alias="matchOIDCIdentity")


class HelmChartSpec(KubeModel):
    """The desired state of a HelmChart."""

    chart: str
    source_ref: LocalHelmChartSourceReference
    interval: str
    version: str | None = None
    reconcile_strategy: str | None = None
    values_files: list[str] = Field(default_factory=list)
    ignore_missing_values_files: bool | None = None
    verify: HelmChartVerification | None = None
    suspend: bool | None = None
    access_from: AccessFrom | None = None
    """Deprecated: only in v1beta1/v1beta2, removed in v1."""
    values_file: str | None = None
    """Deprecated: only in v1beta1/v1beta2; ``valuesFiles`` replaces it."""


class HelmChart(Resource):
    """A Flux HelmChart: a chart packaged from a source."""

    spec: HelmChartSpec
    status: dict[str, Any] | None = None


class BucketSTSSpec(KubeModel):
    """A Security Token Service that issues temporary credentials for the bucket."""

    provider: str
    endpoint: str
    secret_ref: LocalObjectReference | None = None
    cert_secret_ref: LocalObjectReference | None = None


class BucketSpec(KubeModel):
    """The desired state of a Bucket."""

    bucket_name: str
    endpoint: str
    interval: str
    provider: str | None = None
    region: str | None = None
    prefix: str | None = None
    secret_ref: LocalObjectReference | None = None
    service_account_name: str | None = None
    sts: BucketSTSSpec | None = None
    cert_secret_ref: LocalObjectReference | None = None
    proxy_secret_ref: LocalObjectReference | None = None
    insecure: bool | None = None
    timeout: str | None = None
    ignore: str | None = None
    suspend: bool | None = None
    access_from: AccessFrom | None = None
    """Deprecated: only in v1beta1/v1beta2, removed in v1."""


class Bucket(Resource):
    """A Flux Bucket: objects of an S3-compatible, GCS or Azure bucket fetched as an artifact."""

    spec: BucketSpec
    status: dict[str, Any] | None = None


_BETAS = ("v1beta2", "v1beta1")

KINDS = (
    KindSpec(GROUP, "GitRepository", GitRepository, Tool.FLUX, ("v1",), _BETAS),
    KindSpec(GROUP, "OCIRepository", OCIRepository, Tool.FLUX, ("v1",), ("v1beta2",)),
    KindSpec(GROUP, "HelmRepository", HelmRepository, Tool.FLUX, ("v1",), _BETAS),
    KindSpec(GROUP, "HelmChart", HelmChart, Tool.FLUX, ("v1",), _BETAS),
    KindSpec(GROUP, "Bucket", Bucket, Tool.FLUX, ("v1",), _BETAS),
)
