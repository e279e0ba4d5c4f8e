"""Argo CD: Application, AppProject and the cluster and repository Secrets.

ApplicationSet lives in :mod:`.argocd_appset`; both share the source and sync types here.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from gitops_schema.model.base import KubeModel, Resource
from gitops_schema.model.k8s import SECRET_TYPE_LABEL as SECRET_TYPE_LABEL
from gitops_schema.model.k8s import Secret
from gitops_schema.model.kinds import KindSpec, Tool

GROUP = "argoproj.io"


class NameValue(KubeModel):
    """A name and a string value."""

    name: str
    value: str


class HelmParameter(KubeModel):
    """A Helm ``--set`` parameter."""

    name: str | None = None
    value: str | None = None
    force_string: bool | None = None


class HelmFileParameter(KubeModel):
    """A Helm ``--set-file`` parameter."""

    name: str | None = None
    path: str | None = None


class ApplicationSourceHelm(KubeModel):
    """Helm options of a source."""

    value_files: list[str] = Field(default_factory=list)
    values: str | None = None
    values_object: dict[str, Any] | None = None
    parameters: list[HelmParameter] = Field(default_factory=list)
    file_parameters: list[HelmFileParameter] = Field(default_factory=list)
    release_name: str | None = None
    pass_credentials: bool | None = None
    ignore_missing_value_files: bool | None = None
    skip_crds: bool | None = None
    skip_schema_validation: bool | None = None
    skip_tests: bool | None = None
    version: str | None = None
    kube_version: str | None = None
    api_versions: list[str] = Field(default_factory=list)
    namespace: str | None = None


class KustomizeReplica(KubeModel):
    """A replica count override for a workload."""

    name: str
    count: int | str


class ApplicationSourceKustomize(KubeModel):
    """kustomize options of a source."""

    name_prefix: str | None = None
    name_suffix: str | None = None
    images: list[str] = Field(default_factory=list)
    common_labels: dict[str, str] = Field(default_factory=dict)
    common_annotations: dict[str, str] = Field(default_factory=dict)
    common_annotations_envsubst: bool | None = None
    force_common_labels: bool | None = None
    force_common_annotations: bool | None = None
    label_without_selector: bool | None = None
    label_include_templates: bool | None = None
    version: str | None = None
    namespace: str | None = None
    replicas: list[KustomizeReplica] = Field(default_factory=list)
    patches: list[dict[str, Any]] = Field(default_factory=list)
    components: list[str] = Field(default_factory=list)
    ignore_missing_components: bool | None = None
    kube_version: str | None = None
    api_versions: list[str] = Field(default_factory=list)


class JsonnetVar(KubeModel):
    """A Jsonnet top-level argument or external variable."""

    name: str
    value: str
    code: bool | None = None


class ApplicationSourceJsonnet(KubeModel):
    """Jsonnet options of a directory source."""

    tlas: list[JsonnetVar] = Field(default_factory=list)
    ext_vars: list[JsonnetVar] = Field(default_factory=list)
    libs: list[str] = Field(default_factory=list)


class ApplicationSourceDirectory(KubeModel):
    """Options of a plain directory source."""

    recurse: bool | None = None
    include: str | None = None
    exclude: str | None = None
    jsonnet: ApplicationSourceJsonnet | None = None


class PluginParameter(KubeModel):
    """A parameter passed to a config management plugin."""

    name: str | None = None
    string: str | None = None
    array: list[str] | None = None
    map: dict[str, str] | None = None


class ApplicationSourcePlugin(KubeModel):
    """Config management plugin options of a source."""

    name: str | None = None
    env: list[NameValue] = Field(default_factory=list)
    parameters: list[PluginParameter] = Field(default_factory=list)


class ApplicationSource(KubeModel):
    """Where an Application's manifests come from."""

    repo_url: str = Field(alias="repoURL")
    path: str | None = None
    target_revision: str | None = None
    chart: str | None = None
    ref: str | None = None
    name: str | None = None
    tag_prefix: str | None = None
    helm: ApplicationSourceHelm | None = None
    kustomize: ApplicationSourceKustomize | None = None
    directory: ApplicationSourceDirectory | None = None
    plugin: ApplicationSourcePlugin | None = None


class ApplicationDestination(KubeModel):
    """The cluster (by server URL or name) and namespace an Application deploys to."""

    server: str | None = None
    name: str | None = None
    namespace: str | None = None


class SyncPolicyAutomated(KubeModel):
    """Automated sync options."""

    prune: bool | None = None
    self_heal: bool | None = None
    allow_empty: bool | None = None
    enabled: bool | None = None


class RetryBackoff(KubeModel):
    """Backoff between sync retries."""

    duration: str | None = None
    factor: int | None = None
    max_duration: str | None = None


class RetryStrategy(KubeModel):
    """How failed syncs are retried."""

    limit: int | None = None
    backoff: RetryBackoff | None = None
    refresh: bool | None = None


class ManagedNamespaceMetadata(KubeModel):
    """Labels and annotations for a namespace created by ``CreateNamespace=true``."""

    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)


class SyncPolicy(KubeModel):
    """When and how an Application syncs."""

    automated: SyncPolicyAutomated | None = None
    sync_options: list[str] = Field(default_factory=list)
    retry: RetryStrategy | None = None
    managed_namespace_metadata: ManagedNamespaceMetadata | None = None


class ResourceIgnoreDifferences(KubeModel):
    """Fields of a resource that are ignored when comparing live and desired state."""

    kind: str
    group: str | None = None
    name: str | None = None
    namespace: str | None = None
    json_pointers: list[str] = Field(default_factory=list)
    jq_path_expressions: list[str] = Field(default_factory=list)
    managed_fields_managers: list[str] = Field(default_factory=list)


class DrySource(KubeModel):
    """The unhydrated source of a source hydrator."""

    repo_url: str = Field(alias="repoURL")
    target_revision: str
    path: str
    helm: ApplicationSourceHelm | None = None
    kustomize: ApplicationSourceKustomize | None = None
    directory: ApplicationSourceDirectory | None = None
    plugin: ApplicationSourcePlugin | None = None


class SyncSource(KubeModel):
    """Where hydrated manifests are synced from."""

    target_branch: str
    path: str
    repo_url: str | None = Field(default=None, alias="repoURL")


class HydrateTo(KubeModel):
    """The branch hydrated manifests are pushed to before promotion."""

    target_branch: str


class SourceHydrator(KubeModel):
    """Manifest hydration: render a dry source and commit the result to a branch."""

    dry_source: DrySource
    sync_source: SyncSource
    hydrate_to: HydrateTo | None = None


class ApplicationSpec(KubeModel):
    """The desired state of an Application."""

    project: str
    destination: ApplicationDestination
    source: ApplicationSource | None = None
    sources: list[ApplicationSource] = Field(default_factory=list)
    source_hydrator: SourceHydrator | None = None
    sync_policy: SyncPolicy | None = None
    ignore_differences: list[ResourceIgnoreDifferences] = Field(default_factory=list)
    info: list[NameValue] = Field(default_factory=list)
    revision_history_limit: int | None = None


class Application(Resource):
    """An Argo CD Application."""

    spec: ApplicationSpec
    operation: dict[str, Any] | None = None
    status: dict[str, Any] | None = None


class GroupKind(KubeModel):
    """An API group and kind (``*`` allowed)."""

    group: str
    kind: str


class ClusterResourceRestrictionItem(GroupKind):
    """A cluster-scoped group and kind, optionally narrowed to names (glob patterns)."""

    name: str | None = None


class OrphanedResourceKey(KubeModel):
    """An orphaned resource that is not warned about."""

    group: str | None = None
    kind: str | None = None
    name: str | None = None


class OrphanedResourcesMonitorSettings(KubeModel):
    """Orphaned resources monitoring of a project."""

    warn: bool | None = None
    ignore: list[OrphanedResourceKey] = Field(default_factory=list)


class JwtToken(KubeModel):
    """An issued project token."""

    iat: int
    exp: int | None = None
    id: str | None = None


class ProjectRole(KubeModel):
    """A project role: Casbin policies and the SSO groups bound to them."""

    name: str
    description: str | None = None
    policies: list[str] = Field(default_factory=list)
    groups: list[str] = Field(default_factory=list)
    jwt_tokens: list[JwtToken] = Field(default_factory=list)


class SyncWindow(KubeModel):
    """A time window in which syncs are allowed or denied."""

    kind: str | None = None
    schedule: str | None = None
    duration: str | None = None
    applications: list[str] = Field(default_factory=list)
    namespaces: list[str] = Field(default_factory=list)
    clusters: list[str] = Field(default_factory=list)
    manual_sync: bool | None = None
    time_zone: str | None = None
    and_operator: bool | None = None
    description: str | None = None
    sync_overrun: bool | None = None


class SignatureKey(KubeModel):
    """A GnuPG key that must sign commits."""

    key_id: str = Field(alias="keyID")


class ApplicationDestinationServiceAccount(KubeModel):
    """The service account used to sync to a destination."""

    server: str
    default_service_account: str
    namespace: str | None = None


class AppProjectSpec(KubeModel):
    """What the Applications of a project may deploy, from where, to where."""

    description: str | None = None
    source_repos: list[str] = Field(default_factory=list)
    source_namespaces: list[str] = Field(default_factory=list)
    destinations: list[ApplicationDestination] = Field(default_factory=list)
    destination_service_accounts: list[ApplicationDestinationServiceAccount] = Field(
        default_factory=list
    )
    cluster_resource_whitelist: list[ClusterResourceRestrictionItem] = Field(default_factory=list)
    cluster_resource_blacklist: list[ClusterResourceRestrictionItem] = Field(default_factory=list)
    namespace_resource_whitelist: list[GroupKind] = Field(default_factory=list)
    namespace_resource_blacklist: list[GroupKind] = Field(default_factory=list)
    roles: list[ProjectRole] = Field(default_factory=list)
    sync_windows: list[SyncWindow] = Field(default_factory=list)
    orphaned_resources: OrphanedResourcesMonitorSettings | None = None
    signature_keys: list[SignatureKey] = Field(default_factory=list)
    source_integrity: dict[str, Any] | None = None
    permit_only_project_scoped_clusters: bool | None = None


class AppProject(Resource):
    """An Argo CD AppProject."""

    spec: AppProjectSpec = AppProjectSpec()
    status: dict[str, Any] | None = None


class ClusterSecret(Secret):
    """A Secret labelled ``argocd.argoproj.io/secret-type: cluster``.

    One cluster of Argo CD's inventory (keys ``name``, ``server``, ``config``,
    ``namespaces``, ``project``...).
    """


class RepositorySecret(Secret):
    """A Secret labelled ``argocd.argoproj.io/secret-type: repository`` or ``repo-creds``."""


SECRET_MODELS: dict[str, type[Secret]] = {
    "cluster": ClusterSecret,
    "repository": RepositorySecret,
    "repo-creds": RepositorySecret,
    "repository-write": RepositorySecret,
    "repo-write-creds": RepositorySecret,
}
"""The model for each value of the secret-type label."""

KINDS = (
    KindSpec(GROUP, "Application", Application, Tool.ARGOCD, ("v1alpha1",)),
    KindSpec(GROUP, "AppProject", AppProject, Tool.ARGOCD, ("v1alpha1",)),
)
