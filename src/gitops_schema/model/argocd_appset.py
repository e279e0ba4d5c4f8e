"""Argo CD ApplicationSet, with its generators as a tagged union of every kind."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Discriminator, Field, Tag

from gitops_schema.model.argocd import GROUP, ApplicationSpec
from gitops_schema.model.base import KubeModel, LabelSelector, Resource
from gitops_schema.model.kinds import KindSpec, Tool


class TemplateMeta(KubeModel):
    """Metadata of the Applications a template produces."""

    name: str | None = None
    namespace: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    finalizers: list[str] = Field(default_factory=list)


class ApplicationSetTemplate(KubeModel):
    """The Application each parameter set is rendered into."""

    metadata: TemplateMeta
    spec: ApplicationSpec


class SecretKeyRef(KubeModel):
    """A key of a Secret holding a token or password."""

    secret_name: str
    key: str


class ConfigMapKeyRef(KubeModel):
    """A key of a ConfigMap holding a CA certificate."""

    config_map_name: str
    key: str


class BasicAuth(KubeModel):
    """User name and password reference for Bitbucket Server."""

    username: str
    password_ref: SecretKeyRef


class BearerToken(KubeModel):
    """A bearer token reference."""

    token_ref: SecretKeyRef


class _Generator(KubeModel):
    """Fields every generator kind has."""

    template: ApplicationSetTemplate | None = None


class ListGenerator(_Generator):
    """Literal parameter sets."""

    elements: list[Any] = Field(default_factory=list)
    elements_yaml: str | None = None


class ClusterGenerator(_Generator):
    """One parameter set per cluster of Argo CD's inventory that matches the selector."""

    selector: LabelSelector | None = None
    values: dict[str, str] = Field(default_factory=dict)
    flat_list: bool | None = None


class GitPathEntry(KubeModel):
    """A path pattern of a git generator, or an exclusion."""

    path: str
    exclude: bool | None = None


class GitGenerator(_Generator):
    """Parameter sets from the folders or files of a git repository."""

    repo_url: str = Field(alias="repoURL")
    revision: str
    directories: list[GitPathEntry] = Field(default_factory=list)
    files: list[GitPathEntry] = Field(default_factory=list)
    path_param_prefix: str | None = None
    values: dict[str, str] = Field(default_factory=dict)
    requeue_after_seconds: int | None = None


class ScmProviderGitHub(KubeModel):
    """Repositories of a GitHub organisation."""

    organization: str
    api: str | None = None
    token_ref: SecretKeyRef | None = None
    app_secret_name: str | None = None
    all_branches: bool | None = None
    exclude_archived_repos: bool | None = None


class ScmProviderGitLab(KubeModel):
    """Projects of a GitLab group."""

    group: str
    api: str | None = None
    token_ref: SecretKeyRef | None = None
    ca_ref: ConfigMapKeyRef | None = None
    all_branches: bool | None = None
    include_subgroups: bool | None = None
    include_shared_projects: bool | None = None
    include_archived_repos: bool | None = None
    insecure: bool | None = None
    topic: str | None = None


class ScmProviderGitea(KubeModel):
    """Repositories of a Gitea owner."""

    owner: str
    api: str
    token_ref: SecretKeyRef | None = None
    all_branches: bool | None = None
    insecure: bool | None = None
    exclude_archived_repos: bool | None = None


class ScmProviderBitbucketServer(KubeModel):
    """Repositories of a Bitbucket Server project."""

    project: str
    api: str
    basic_auth: BasicAuth | None = None
    bearer_token: BearerToken | None = None
    ca_ref: ConfigMapKeyRef | None = None
    all_branches: bool | None = None
    insecure: bool | None = None


class ScmProviderBitbucketCloud(KubeModel):
    """Repositories of a Bitbucket Cloud workspace."""

    owner: str
    user: str
    app_password_ref: SecretKeyRef
    all_branches: bool | None = None


class ScmProviderAzureDevOps(KubeModel):
    """Repositories of an Azure DevOps team project."""

    organization: str
    team_project: str
    access_token_ref: SecretKeyRef
    api: str | None = None
    all_branches: bool | None = None


class TagFilter(KubeModel):
    """An AWS resource tag to match."""

    key: str
    value: str | None = None


class ScmProviderAwsCodeCommit(KubeModel):
    """Repositories of AWS CodeCommit."""

    region: str | None = None
    role: str | None = None
    tag_filters: list[TagFilter] = Field(default_factory=list)
    all_branches: bool | None = None


class ScmProviderFilter(KubeModel):
    """Which repositories an SCM provider generator keeps (all conditions must hold)."""

    repository_match: str | None = None
    paths_exist: list[str] = Field(default_factory=list)
    paths_do_not_exist: list[str] = Field(default_factory=list)
    label_match: str | None = None
    branch_match: str | None = None


class ScmProviderGenerator(_Generator):
    """One parameter set per repository (and branch) of an SCM organisation."""

    github: ScmProviderGitHub | None = None
    gitlab: ScmProviderGitLab | None = None
    gitea: ScmProviderGitea | None = None
    bitbucket_server: ScmProviderBitbucketServer | None = None
    bitbucket: ScmProviderBitbucketCloud | None = None
    azure_dev_ops: ScmProviderAzureDevOps | None = None
    aws_code_commit: ScmProviderAwsCodeCommit | None = None
    filters: list[ScmProviderFilter] = Field(default_factory=list)
    clone_protocol: str | None = None
    values: dict[str, str] = Field(default_factory=dict)
    requeue_after_seconds: int | None = None


class PullRequestGitHub(KubeModel):
    """Open pull requests of a GitHub repository."""

    owner: str
    repo: str
    api: str | None = None
    token_ref: SecretKeyRef | None = None
    app_secret_name: str | None = None
    labels: list[str] = Field(default_factory=list)


class PullRequestGitLab(KubeModel):
    """Merge requests of a GitLab project."""

    project: str
    api: str | None = None
    token_ref: SecretKeyRef | None = None
    ca_ref: ConfigMapKeyRef | None = None
    labels: list[str] = Field(default_factory=list)
    pull_request_state: str | None = None
    insecure: bool | None = None


class PullRequestGitea(KubeModel):
    """Pull requests of a Gitea repository."""

    owner: str
    repo: str
    api: str
    token_ref: SecretKeyRef | None = None
    insecure: bool | None = None
    labels: list[str] = Field(default_factory=list)


class PullRequestBitbucketServer(KubeModel):
    """Pull requests of a Bitbucket Server repository."""

    project: str
    repo: str
    api: str
    basic_auth: BasicAuth | None = None
    bearer_token: BearerToken | None = None
    ca_ref: ConfigMapKeyRef | None = None
    insecure: bool | None = None


class BitbucketCloudBasicAuth(KubeModel):
    """User name and password reference for Bitbucket Cloud."""

    username: str
    password_ref: SecretKeyRef


class PullRequestBitbucketCloud(KubeModel):
    """Pull requests of a Bitbucket Cloud repository."""

    owner: str
    repo: str
    api: str | None = None
    basic_auth: BitbucketCloudBasicAuth | None = None
    bearer_token: BearerToken | None = None


class PullRequestAzureDevOps(KubeModel):
    """Pull requests of an Azure DevOps repository."""

    organization: str
    project: str
    repo: str
    api: str | None = None
    token_ref: SecretKeyRef | None = None
    labels: list[str] = Field(default_factory=list)


class PullRequestFilter(KubeModel):
    """Which pull requests a pull-request generator keeps."""

    branch_match: str | None = None
    target_branch_match: str | None = None
    title_match: str | None = None


class PullRequestGenerator(_Generator):
    """One parameter set per open pull request."""

    github: PullRequestGitHub | None = None
    gitlab: PullRequestGitLab | None = None
    gitea: PullRequestGitea | None = None
    bitbucket_server: PullRequestBitbucketServer | None = None
    bitbucket: PullRequestBitbucketCloud | None = None
    azuredevops: PullRequestAzureDevOps | None = None
    filters: list[PullRequestFilter] = Field(default_factory=list)
    continue_on_repo_not_found_error: bool | None = None
    values: dict[str, str] = Field(default_factory=dict)
    requeue_after_seconds: int | None = None


class ClusterDecisionResourceGenerator(_Generator):
    """One parameter set per decision in the status of a duck-typed resource."""

    config_map_ref: str
    name: str | None = None
    label_selector: LabelSelector | None = None
    values: dict[str, str] = Field(default_factory=dict)
    requeue_after_seconds: int | None = None


class PluginConfigMapRef(KubeModel):
    """The ConfigMap that names a generator plugin's service and token."""

    name: str


class PluginInput(KubeModel):
    """What is sent to a generator plugin."""

    parameters: dict[str, Any] = Field(default_factory=dict)


class PluginGenerator(_Generator):
    """Parameter sets returned by an HTTP plugin service."""

    config_map_ref: PluginConfigMapRef
    input: PluginInput | None = None
    values: dict[str, str] = Field(default_factory=dict)
    requeue_after_seconds: int | None = None


class MatrixGenerator(_Generator):
    """The cartesian product of two child generators."""

    generators: list[Generator]


class MergeGenerator(_Generator):
    """Child generators merged on common keys."""

    generators: list[Generator]
    merge_keys: list[str]


class _Entry(KubeModel):
    """A generator entry: one generator kind plus an optional post-selector."""

    selector: LabelSelector | None = None


class ListEntry(_Entry):
    """A ``list`` generator entry."""

    list_: ListGenerator = Field(alias="list")


class ClustersEntry(_Entry):
    """A ``clusters`` generator entry."""

    clusters: ClusterGenerator


class GitEntry(_Entry):
    """A ``git`` generator entry."""

    git: GitGenerator


class MatrixEntry(_Entry):
    """A ``matrix`` generator entry."""

    matrix: MatrixGenerator


class MergeEntry(_Entry):
    """A ``merge`` generator entry."""

    merge: MergeGenerator


class ScmProviderEntry(_Entry):
    """An ``scmProvider`` generator entry."""

    scm_provider: ScmProviderGenerator


class PullRequestEntry(_Entry):
    """A ``pullRequest`` generator entry."""

    pull_request: PullRequestGenerator


class ClusterDecisionResourceEntry(_Entry):
    """A ``clusterDecisionResource`` generator entry."""

    cluster_decision_resource: ClusterDecisionResourceGenerator


class PluginEntry(_Entry):
    """A ``plugin`` generator entry."""

    plugin: PluginGenerator


GENERATOR_KINDS: dict[str, type[_Entry]] = {
    "list": ListEntry,
    "clusters": ClustersEntry,
    "git": GitEntry,
    "matrix": MatrixEntry,
    "merge": MergeEntry,
    "scmProvider": ScmProviderEntry,
    "pullRequest": PullRequestEntry,
    "clusterDecisionResource": ClusterDecisionResourceEntry,
    "plugin": PluginEntry,
}
"""Each generator key of the CRD and the entry model it selects."""


def generator_kind(value: Any) -> str | None:
    """The generator kind of a raw or typed entry: the first generator key it sets."""
    if isinstance(value, _Entry):
        for kind, entry in GENERATOR_KINDS.items():
            if isinstance(value, entry):
                return kind
        return None
    if isinstance(value, dict):
        for kind in GENERATOR_KINDS:
            if value.get(kind) is not None:  # null is unset, as Go decodes it
                return kind
    return None


Generator = Annotated[
    Annotated[ListEntry, Tag("list")]
    | Annotated[ClustersEntry, Tag("clusters")]
    | Annotated[GitEntry, Tag("git")]
    | Annotated[MatrixEntry, Tag("matrix")]
    | Annotated[MergeEntry, Tag("merge")]
    | Annotated[ScmProviderEntry, Tag("scmProvider")]
    | Annotated[PullRequestEntry, Tag("pullRequest")]
    | Annotated[ClusterDecisionResourceEntry, Tag("clusterDecisionResource")]
    | Annotated[PluginEntry, Tag("plugin")],
    Discriminator(
        generator_kind,
        custom_error_type="generator_kind",
        custom_error_message="a generator needs exactly one of: " + ", ".join(GENERATOR_KINDS),
    ),
]
"""A generator entry, typed by which generator key it sets."""


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
