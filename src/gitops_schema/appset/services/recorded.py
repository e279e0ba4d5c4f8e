"""Recorded SCM listings (``--scm-data FILE``): pull requests and repositories without a network.

A listing is what the SCM API answered, recorded *before* the generators' filters (the
generators still apply them). The file is JSON, one object::

    {
      "pullRequests": {"example-org/gitops-examples": [PULL, ...]},
      "repositories": {"example-org": [REPO, ...]}
    }

Either value may also be a plain list, which then answers every repository (or every
organisation). A file that is a plain list holds pull requests (entries with ``number``)
and repositories (entries with ``repository``) side by side.

The key of a pull-request listing is the repository the spec names: ``owner/repo``
(GitHub, Gitea, Bitbucket Cloud), ``project`` (GitLab), ``project/repo`` (Bitbucket
Server), ``organization/project/repo`` (Azure DevOps). The key of a repository listing is
the organisation: ``organization`` (GitHub), ``group`` (GitLab), ``owner`` (Gitea,
Bitbucket Cloud), ``project`` (Bitbucket Server), ``organization/teamProject`` (Azure
DevOps), ``region`` (AWS CodeCommit).

PULL: ``number``, ``title``, ``branch``, ``targetBranch``, ``headSHA``, ``author``,
``labels`` (list); the generator's own names (``target_branch``, ``head_sha``) are read too.
The provider's label selection (``labels`` of the spec: every label must be present) is
applied, as the API would.

REPO: ``organization``, ``repository``, ``repositoryId``, ``url``, ``branch``, ``sha``,
``labels`` (list, or the generator's comma-joined string; ``repository_id`` is read too),
and optionally ``paths``: every file and directory of that branch, for the
``pathsExist``/``pathsDoNotExist`` filters. Several entries with one ``repository`` are its
branches, the first being the default branch (the only one unless ``allBranches``).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitops_schema.appset.errors import GeneratorError
from gitops_schema.errors import LoadError

_PULL_KEYS = {
    "github": ("owner", "repo"),
    "gitea": ("owner", "repo"),
    "bitbucket": ("owner", "repo"),
    "gitlab": ("project",),
    "bitbucketServer": ("project", "repo"),
    "azuredevops": ("organization", "project", "repo"),
}
_REPO_KEYS = {
    "github": ("organization",),
    "gitlab": ("group",),
    "gitea": ("owner",),
    "bitbucket": ("owner",),
    "bitbucketServer": ("project",),
    "azureDevOps": ("organization", "teamProject"),
    "awsCodeCommit": ("region",),
}
_ANY = ""
"""The key of a listing recorded as a plain list: it answers every repository."""


@dataclass(frozen=True, slots=True)
class RecordedListing:
    """Pull requests by repository key and repositories by organisation key."""

    pull_requests: Mapping[str, list[dict[str, Any]]] = field(default_factory=dict)
    repositories: Mapping[str, list[dict[str, Any]]] = field(default_factory=dict)


def read_listing(*paths: Path) -> RecordedListing:
    """The listings of one or more recorded files, merged in order.

    Raises:
        LoadError: a file cannot be read, is not JSON, or has another shape.
    """
    pulls: dict[str, list[dict[str, Any]]] = {}
    repos: dict[str, list[dict[str, Any]]] = {}
    for path in paths:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise LoadError(f"{path}: cannot read the recorded SCM listing: {error}") from error
        if isinstance(document, list):
            document = {
                "pullRequests": [e for e in document if isinstance(e, dict) and "number" in e],
                "repositories": [e for e in document if isinstance(e, dict) and "repository" in e],
            }
        if not isinstance(document, dict):
            raise LoadError(f"{path}: a recorded SCM listing is a JSON object or list")
        _merge(pulls, document.get("pullRequests"), path)
        _merge(repos, document.get("repositories"), path)
    return RecordedListing(pulls, repos)


def _merge(into: dict[str, list[dict[str, Any]]], value: Any, path: Path) -> None:
    if value is None:
        return
    groups = {_ANY: value} if isinstance(value, list) else value
    if not isinstance(groups, dict) or not all(isinstance(v, list) for v in groups.values()):
        raise LoadError(f"{path}: listings are lists, or objects of lists by key")
    for key, entries in groups.items():
        into.setdefault(str(key), []).extend(e for e in entries if isinstance(e, dict))


class RecordedPullRequests:
    """:class:`~gitops_schema.appset.env.PullRequests` answering from a recorded listing."""

    def __init__(self, listing: RecordedListing) -> None:
        """Answer from ``listing.pull_requests``."""
        self._listing = listing.pull_requests

    def list(self, spec: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The recorded pull requests of the repository the spec names.

        Raises:
            GeneratorError: the spec names no provider, or nothing is recorded for it.
        """
        provider, config = _provider(spec, _PULL_KEYS, "Pull Request")
        key = _key(config, _PULL_KEYS[provider])
        pulls = _entries(self._listing, key, "pull requests")
        wanted = [str(label) for label in config.get("labels") or ()]
        out = []
        for entry in pulls:
            pull = _pull(entry)
            if all(label in pull["labels"] for label in wanted):
                out.append(pull)
        return out


class RecordedScm:
    """:class:`~gitops_schema.appset.env.ScmRepositories` answering from a recorded listing."""

    def __init__(self, listing: RecordedListing) -> None:
        """Answer from ``listing.repositories``."""
        self._listing = listing.repositories

    def provider(self, spec: Mapping[str, Any]) -> RecordedProvider:
        """The recorded organisation the spec names.

        Raises:
            GeneratorError: the spec names no provider, or nothing is recorded for it.
        """
        provider, config = _provider(spec, _REPO_KEYS, "SCM")
        key = _key(config, _REPO_KEYS[provider])
        entries = [_repo(e) for e in _entries(self._listing, key, "repositories")]
        return RecordedProvider(entries, bool(config.get("allBranches")))


class RecordedProvider:
    """One recorded organisation, answering as the provider's API would."""

    def __init__(self, entries: list[dict[str, Any]], all_branches: bool) -> None:
        """Serve ``entries`` (one per repository and branch, default branch first)."""
        self._entries = entries
        self._all_branches = all_branches

    def list_repos(self, clone_protocol: str) -> list[dict[str, Any]]:
        """Each repository once, on its default branch."""
        seen: set[str] = set()
        out = []
        for entry in self._entries:
            if entry["repository"] not in seen:
                seen.add(entry["repository"])
                out.append(copy.deepcopy(entry))
        return out

    def branches(self, repo: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The default branch, or every recorded branch with ``allBranches``."""
        same = [copy.deepcopy(e) for e in self._entries if e["repository"] == repo["repository"]]
        return same if self._all_branches else same[:1]

    def has_path(self, repo: Mapping[str, Any], path: str) -> bool:
        """Whether the branch's recorded ``paths`` hold the path (a file or a directory).

        Raises:
            GeneratorError: the entry records no ``paths``.
        """
        paths = repo.get("paths")
        if not isinstance(paths, list):
            raise GeneratorError(
                f"the recorded listing has no paths for {repo['repository']} "
                f"branch {repo['branch']!r}; record its 'paths' to filter on paths"
            )
        wanted = path.strip("/")
        return any(str(p).strip("/") == wanted or str(p).startswith(wanted + "/") for p in paths)


def _provider(
    spec: Mapping[str, Any], keys: Mapping[str, tuple[str, ...]], what: str
) -> tuple[str, Mapping[str, Any]]:
    for name in keys:
        config = spec.get(name)
        if config is not None:
            return name, config or {}
    raise GeneratorError(f"no {what} provider implementation configured")


def _key(config: Mapping[str, Any], fields: Iterable[str]) -> str:
    return "/".join(str(config.get(f) or "") for f in fields)


def _entries(
    listing: Mapping[str, list[dict[str, Any]]], key: str, what: str
) -> list[dict[str, Any]]:
    if key in listing:
        return listing[key]
    if _ANY in listing:
        return listing[_ANY]
    raise GeneratorError(f"the recorded SCM listing has no {what} for {key!r}")


def _pull(entry: Mapping[str, Any]) -> dict[str, Any]:
    def pick(*names: str) -> Any:
        return next((entry[n] for n in names if n in entry), "")

    labels = entry.get("labels")
    return {
        "number": pick("number"),
        "title": pick("title"),
        "branch": pick("branch"),
        "targetBranch": pick("targetBranch", "target_branch"),
        "headSHA": pick("headSHA", "head_sha"),
        "labels": [str(label) for label in labels] if isinstance(labels, list) else [],
        "author": pick("author"),
    }


def _repo(entry: Mapping[str, Any]) -> dict[str, Any]:
    labels = entry.get("labels")
    if isinstance(labels, str):
        labels = [label for label in labels.split(",") if label]
    repo = {
        "organization": entry.get("organization", ""),
        "repository": str(entry.get("repository", "")),
        "repositoryId": entry.get("repositoryId", entry.get("repository_id")),
        "url": entry.get("url", ""),
        "branch": entry.get("branch", ""),
        "sha": entry.get("sha", ""),
        "labels": [str(label) for label in labels or ()],
    }
    if "paths" in entry:
        repo["paths"] = list(entry["paths"])
    return repo
