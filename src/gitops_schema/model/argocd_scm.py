"""Argo CD ApplicationSet: the SCM provider and pull-request services generators list.

The specs of each service an ``scmProvider`` or ``pullRequest`` generator may name
(GitHub, GitLab, Gitea, Bitbucket, Azure DevOps, AWS CodeCommit), their filters, and the
Secret and ConfigMap references that hold their tokens and certificates.
"""

from __future__ import annotations

from pydantic import Field

from gitops_schema.model.base import KubeModel

__all__ = [
    "PullRequestAzureDevOps",
    "PullRequestBitbucketCloud",
    "PullRequestBitbucketServer",
    "PullRequestFilter",
    "PullRequestGitHub",
    "PullRequestGitLab",
    "PullRequestGitea",
    "ScmProviderAwsCodeCommit",
    "ScmProviderAzureDevOps",
    "ScmProviderBitbucketCloud",
    "ScmProviderBitbucketServer",
    "ScmProviderFilter",
    "ScmProviderGitHub",
    "ScmProviderGitLab",
    "ScmProviderGitea",
]


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
