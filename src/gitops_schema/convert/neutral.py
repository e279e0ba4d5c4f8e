"""The tool-neutral application model both converters go through.

A reader turns an Argo CD Application or a Flux Kustomization / HelmRelease into a
:class:`NeutralApp`; a writer turns a :class:`NeutralApp` into the other tool's objects.
Every value remembers where it was read (``origins``: feature -> JSON path in the source
object), so a writer that cannot express a feature names the source field it drops.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

ARGOCD_PERIOD = "3m"
"""Argo CD's default ``timeout.reconciliation``: how often it compares every application
with git (and, with self-heal, corrects drift), as a Flux interval does."""


class SourceType(StrEnum):
    """Where manifests or charts come from."""

    GIT = "git"
    HELM = "helm"
    """A Helm chart repository (an ``index.yaml`` over HTTP)."""
    OCI = "oci"
    """A Helm chart in an OCI registry."""


class RefType(StrEnum):
    """What a git revision names."""

    BRANCH = "branch"
    TAG = "tag"
    SEMVER = "semver"
    COMMIT = "commit"
    NAME = "name"
    """A full reference such as ``refs/pull/42/head``."""
    DEFAULT = "default"
    """The repository's default branch (Argo CD ``HEAD``), not known offline."""


class BuildTool(StrEnum):
    """How a source folder (or chart) becomes manifests."""

    KUSTOMIZE = "kustomize"
    HELM = "helm"
    DIRECTORY = "directory"
    """Plain manifest files (Flux generates a kustomization for them)."""
    JSONNET = "jsonnet"
    PLUGIN = "plugin"


@dataclass(slots=True)
class Revision:
    """A git revision as a kind and a value (``branch main``, ``semver >=1.0``...)."""

    type: RefType
    value: str = ""


@dataclass(slots=True)
class Source:
    """A git repository, Helm repository or OCI registry, and what is read from it."""

    type: SourceType
    url: str
    revision: Revision = field(default_factory=lambda: Revision(RefType.DEFAULT))
    """For git; Helm and OCI charts use ``version``."""
    version: str = ""
    """Chart version or semver range (Helm and OCI sources)."""
    path: str = ""
    """Folder inside a git repository (manifests, or the chart)."""
    chart: str = ""
    """Chart name in a Helm repository or OCI registry."""


@dataclass(slots=True)
class ValueFile:
    """A Helm values file: a path in the chart's source, or in another source."""

    path: str
    """Relative to the root of the source that holds it."""
    source: Source | None = None
    """The source holding it when it is not the chart's own (Argo CD ``$ref/...``)."""
    content: dict[str, Any] | None = None
    """Its values, when they were read (to inline them where a path cannot be given)."""


@dataclass(slots=True)
class KustomizeOptions:
    """Edits applied on top of a kustomize build."""

    name_prefix: str = ""
    name_suffix: str = ""
    namespace: str = ""
    images: list[dict[str, str]] = field(default_factory=list)
    """kustomize ``images`` entries (name, newName, newTag, digest)."""
    patches: list[dict[str, Any]] = field(default_factory=list)
    """Inline patches (``patch`` text, optional ``target``)."""
    components: list[str] = field(default_factory=list)
    common_labels: dict[str, str] = field(default_factory=dict)
    labels_without_selector: bool = False
    common_annotations: dict[str, str] = field(default_factory=dict)
    replicas: list[dict[str, Any]] = field(default_factory=list)
    ignore_missing_components: bool = False


@dataclass(slots=True)
class HelmOptions:
    """How a chart is installed: release name and values, in Helm's layering order."""

    release_name: str = ""
    namespace: str = ""
    """The release namespace, when not the target namespace."""
    value_files: list[ValueFile] = field(default_factory=list)
    """Layered in order on top of the chart's own ``values.yaml``."""
    values: dict[str, Any] = field(default_factory=dict)
    """Inline values, above the files (parameters already merged in)."""
    chart_defaults: bool = True
    """False when the chart's own ``values.yaml`` is not under the files (Flux
    ``valuesFiles`` replace it)."""
    ignore_missing_value_files: bool = False
    skip_crds: bool = False
    skip_tests: bool = False


@dataclass(slots=True)
class DirectoryOptions:
    """Plain manifest files: which are read."""

    recurse: bool = False
    include: str = ""
    exclude: str = ""


@dataclass(slots=True)
class Build:
    """How one source becomes manifests."""

    tool: BuildTool
    kustomize: KustomizeOptions = field(default_factory=KustomizeOptions)
    helm: HelmOptions = field(default_factory=HelmOptions)
    directory: DirectoryOptions = field(default_factory=DirectoryOptions)
    substitutions: dict[str, str] = field(default_factory=dict)
    """Flux post-build variables (inline)."""


@dataclass(slots=True)
class Part:
    """One source and its build: an Application has one, or several (multi-source)."""

    source: Source
    build: Build
    origin: str = "$.spec.source"
    """JSON path of this source in the source object."""


@dataclass(slots=True)
class Target:
    """Where the manifests go."""

    cluster: str
    """The cluster's name as the source tool knows it (``in-cluster`` for the local one)."""
    namespace: str = ""
    create_namespace: bool = False
    namespace_labels: dict[str, str] = field(default_factory=dict)
    namespace_annotations: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Retry:
    """Retries of a failed sync."""

    limit: int = -1
    """< 0: unlimited."""
    duration: str = "5s"
    factor: int = 2
    max_duration: str = "3m"


@dataclass(slots=True)
class Policy:
    """When and how the manifests are applied."""

    automated: bool = True
    """False: applied only on request (Argo CD manual sync, Flux suspend)."""
    prune: bool = False
    self_heal: bool = True
    allow_empty: bool = True
    interval: str = ""
    retry: Retry | None = None
    timeout: str = ""
    wait: bool = True
    """Health of every applied object is assessed."""
    health_checks: list[dict[str, str]] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)
    """Names of applications (same tool, same cluster) applied first."""
    wave: int = 0
    """Argo CD sync wave of the application itself."""
    cascade: bool = True
    """Deleting the application deletes the objects it applied."""


@dataclass(slots=True)
class Tenancy:
    """Who the application acts as and what it may touch."""

    project: str = ""
    service_account: str = ""


@dataclass(slots=True)
class NeutralApp:
    """One application, independent of the tool that declared it."""

    name: str
    namespace: str
    """Namespace of the declaring object (``argocd``, ``flux-system``...)."""
    parts: list[Part]
    target: Target
    policy: Policy = field(default_factory=Policy)
    tenancy: Tenancy = field(default_factory=Tenancy)
    notifications: dict[str, str] = field(default_factory=dict)
    """Argo CD ``notifications.argoproj.io/subscribe.*`` annotations."""
    origins: dict[str, str] = field(default_factory=dict)
    """Neutral feature (``policy.retry``) -> JSON path of the field it was read from."""

    def origin(self, feature: str, default: str = "$.spec") -> str:
        """The JSON path a neutral feature was read from."""
        return self.origins.get(feature, default)
