"""The SCM fakes of Argo CD's generator tests, driven by a vector's ``environment``.

``pull_requests`` (with ``provider_error``) plays ``pullrequest.NewFakeService``;
``repositories`` plays ``scm_provider.MockProvider``, whose semantics the vectors state:
ListRepos keeps the first entry of each repository name, GetBranches returns every entry
of that name (first of each branch), and RepoHasPath is true iff the path is the
repository's name.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from gitops_schema.appset.errors import GeneratorError
from gitops_schema.appset.services import RepositoryNotFoundError


class VectorPullRequests:
    """:class:`~gitops_schema.appset.env.PullRequests` answering a vector's fixed list."""

    def __init__(self, environment: Mapping[str, Any]) -> None:
        """Answer ``environment["pull_requests"]``, or fail with its ``provider_error``."""
        self._pulls = list(environment.get("pull_requests") or ())
        self._error = environment.get("provider_error")

    def list(self, spec: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The vector's pull requests, whatever the spec names.

        Raises:
            GeneratorError: the vector's ``provider_error`` (RepositoryNotFoundError when it
                is marked ``repository_not_found``).
        """
        if self._error:
            message = str(self._error.get("message") or "")
            if self._error.get("repository_not_found"):
                raise RepositoryNotFoundError(message)
            raise GeneratorError(message)
        return copy.deepcopy(self._pulls)


class VectorScm:
    """:class:`~gitops_schema.appset.env.ScmRepositories` over a vector's repositories."""

    def __init__(self, environment: Mapping[str, Any]) -> None:
        """Serve ``environment["repositories"]`` (one entry per repository and branch)."""
        self._repos = [dict(repo) for repo in environment.get("repositories") or ()]

    def provider(self, spec: Mapping[str, Any]) -> _MockProvider:
        """The same mock provider for every spec, as the upstream tests inject it."""
        return _MockProvider(self._repos)


class _MockProvider:
    def __init__(self, repos: list[dict[str, Any]]) -> None:
        self._repos = repos

    def list_repos(self, clone_protocol: str) -> list[dict[str, Any]]:
        return _first_of_each(self._repos, "repository")

    def branches(self, repo: Mapping[str, Any]) -> list[dict[str, Any]]:
        same = [r for r in self._repos if r.get("repository") == repo.get("repository")]
        return _first_of_each(same, "branch")

    def has_path(self, repo: Mapping[str, Any], path: str) -> bool:
        return path == repo.get("repository")


def _first_of_each(repos: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    seen: set[Any] = set()
    out = []
    for repo in repos:
        if repo.get(key) not in seen:
            seen.add(repo.get(key))
            out.append(copy.deepcopy(repo))
    return out
