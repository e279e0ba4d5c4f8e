"""What generators can see: clusters, repositories, SCM listings, plugins, resources.

Argo CD's controller asks the Kubernetes API, the repo-server and SCM APIs; offline we
answer from an explicit :class:`Env`. Each outside service is a small protocol, so tests
and recorded listings plug in where the network would be.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

ARGOCD_NAMESPACE = "argocd"


class GitRepos(Protocol):
    """Read access to git repositories, as the repo-server gives it to the git generator."""

    def directories(self, repo_url: str, revision: str) -> list[str]:
        """Every directory of the repository at the revision (POSIX, relative, no trailing /)."""
        ...

    def files(
        self, repo_url: str, revision: str, pattern: str, *, new_globbing: bool
    ) -> dict[str, bytes]:
        """The files matching a glob, with their content."""
        ...


class PullRequests(Protocol):
    """Open pull requests of the repository a pullRequest generator names."""

    def list(self, spec: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Pull requests of the provider the spec names (``github``, ``gitlab``...).

        Each is ``{number, title, branch, targetBranch, headSHA, labels, author}``; the
        generator applies the spec's filters. Raises GeneratorError (RepositoryNotFound
        when the repository does not exist).
        """
        ...


class ScmProvider(Protocol):
    """One SCM organisation, as Argo CD's provider interface sees it."""

    def list_repos(self, clone_protocol: str) -> list[dict[str, Any]]:
        """Repositories: ``{organization, repository, repositoryId, url, branch, sha, labels}``."""
        ...

    def branches(self, repo: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Every branch of a repository, in the same shape."""
        ...

    def has_path(self, repo: Mapping[str, Any], path: str) -> bool:
        """Whether a path exists in the repository's branch."""
        ...


class ScmRepositories(Protocol):
    """Builds the provider an scmProvider generator's spec names."""

    def provider(self, spec: Mapping[str, Any]) -> ScmProvider:
        """The provider for ``spec`` (``github``, ``gitlab``, ``gitea``...)."""
        ...


class Plugins(Protocol):
    """The HTTP services of plugin generators."""

    def get_params(
        self, base_url: str, token: str, body: Mapping[str, Any], *, timeout: float
    ) -> Any:
        """POST ``body`` to ``<base_url>/api/v1/getparams.execute``; the decoded reply.

        ``timeout`` is the ConfigMap's ``requestTimeout`` (seconds, 30 by default).
        """
        ...


@dataclass(frozen=True, slots=True)
class Env:
    """Everything an ApplicationSet's generators may read, fixed for one expansion."""

    namespace: str = ARGOCD_NAMESPACE
    """The Argo CD namespace: where cluster Secrets, ConfigMaps and Secrets live."""
    clusters: tuple[Mapping[str, Any], ...] = ()
    """Argo CD cluster Secrets (``metadata``, and ``stringData`` or base64 ``data``)."""
    cluster_error: str | None = None
    """Set when listing cluster Secrets fails (the clusters generator reports it)."""
    git: GitRepos | None = None
    new_globbing: bool = False
    """Argo CD's ``applicationsetcontroller.enable.new.git.file.globbing``."""
    config_maps: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    secrets: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    resources: tuple[Mapping[str, Any], ...] = ()
    """Duck-typed objects a clusterDecisionResource generator may list."""
    pull_requests: PullRequests | None = None
    scm: ScmRepositories | None = None
    plugins: Plugins | None = None
    scm_providers_enabled: bool = True
    allowed_scm_providers: tuple[str, ...] = ()
    """When not empty, the only SCM API URLs generators may call."""
    appset_name: str = ""
    max_applications: int = 10_000
    """How many Applications one ApplicationSet may generate (``--max-applications``)."""
