"""Bitbucket Server and Bitbucket Cloud REST APIs: pull requests and repositories."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from gitops_schema.appset.errors import GeneratorError
from gitops_schema.appset.services import RepositoryNotFoundError
from gitops_schema.appset.services.rest import Rest, RestError, dig

CLOUD_API = "https://api.bitbucket.org/2.0"


def normalize_base_path(url: str) -> str:
    """A Bitbucket Server API URL ending in ``/rest`` (Argo CD's NormalizeBitbucketBasePath)."""
    if url.endswith("/rest/"):
        return url[:-1]
    if not url.endswith("/rest"):
        return url + "/rest"
    return url


def server_client(api: str, **options: Any) -> Rest:
    """A Bitbucket Server client (``/rest/api/1.0`` under ``api``)."""
    headers = {"X-Atlassian-Token": "no-check", "X-Requested-With": "XMLHttpRequest"}
    headers.update(options.pop("headers", {}))
    return Rest(normalize_base_path(api) + "/api/1.0", headers=headers, **options)


def _server_pages(rest: Rest, path: str, params: Mapping[str, Any]) -> Iterator[Any]:
    start: Any = 0
    while True:
        page = rest.json(path, {**params, "limit": 100, "start": start})
        yield from page.get("values") or ()
        if page.get("isLastPage", True):
            return
        start = page.get("nextPageStart")


def server_pull_requests(rest: Rest, config: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Open pull requests of a Bitbucket Server repository (it has no labels).

    Raises:
        RepositoryNotFoundError: the repository does not exist.
        GeneratorError: the API fails.
    """
    project, repo = config.get("project", ""), config.get("repo", "")
    try:
        pulls = list(_server_pages(rest, f"projects/{project}/repos/{repo}/pull-requests", {}))
    except RestError as error:
        if error.status == 404:
            raise RepositoryNotFoundError(str(error)) from error
        raise GeneratorError(
            f"error listing pull requests for {project}/{repo}: {error}"
        ) from error
    return [
        {
            "number": pull.get("id"),
            "title": pull.get("title") or "",
            "branch": dig(pull, "fromRef", "displayId") or "",
            "targetBranch": dig(pull, "toRef", "displayId") or "",
            "headSHA": dig(pull, "fromRef", "latestCommit") or "",
            "labels": [],
            "author": dig(pull, "author", "user", "name") or "",
        }
        for pull in pulls
    ]


class BitbucketServerProvider:
    """The repositories of one Bitbucket Server project."""

    def __init__(self, rest: Rest, config: Mapping[str, Any]) -> None:
        """Scan ``config["project"]`` with the client ``rest``."""
        self._rest = rest
        self._project = str(config.get("project") or "")
        self._all_branches = bool(config.get("allBranches"))

    def list_repos(self, clone_protocol: str) -> list[dict[str, Any]]:
        """Every repository (branches come from :meth:`branches`).

        Raises:
            GeneratorError: an unknown clone protocol, or the API fails.
        """
        wanted = {"": "ssh", "ssh": "ssh", "https": "http"}.get(clone_protocol)
        if wanted is None:
            raise GeneratorError(f"unknown clone protocol for Bitbucket Server {clone_protocol}")
        out = []
        for repo in _server_pages(self._rest, f"projects/{self._project}/repos", {}):
            links = dig(repo, "links", "clone") or ()
            url = next((str(link.get("href")) for link in links if link.get("name") == wanted), "")
            out.append(
                {
                    "organization": self._project,
                    "repository": repo.get("slug") or "",
                    "url": url,
                    "branch": "",
                    "labels": [],
                    "repositoryId": repo.get("id"),
                }
            )
        return out

    def branches(self, repo: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The default branch, or every branch with ``allBranches``."""
        base = f"projects/{self._project}/repos/{repo['repository']}/branches"
        if self._all_branches:
            found = list(_server_pages(self._rest, base, {}))
        else:
            default = self._rest.find(f"{base}/default")
            found = [] if default is None else [default]
        return [
            {**repo, "branch": b.get("displayId") or "", "sha": b.get("latestCommit") or ""}
            for b in found
        ]

    def has_path(self, repo: Mapping[str, Any], path: str) -> bool:
        """Whether the path exists on the repository's branch."""
        where = f"projects/{self._project}/repos/{repo['repository']}/browse/{path}"
        return self._rest.exists(where, {"at": repo["branch"], "type": "true"})


def cloud_client(api: str, **options: Any) -> Rest:
    """A Bitbucket Cloud client (``https://api.bitbucket.org/2.0`` by default)."""
    return Rest(api or CLOUD_API, **options)


def _cloud_pages(rest: Rest, path: str) -> Iterator[Any]:
    # Bitbucket Cloud pages carry the absolute URL of the next one.
    page = rest.json(path, {"pagelen": 50})
    while True:
        yield from page.get("values") or ()
        if not page.get("next"):
            return
        page = rest.json(str(page["next"]))


def cloud_pull_requests(rest: Rest, config: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Open pull requests of a Bitbucket Cloud repository.

    Raises:
        RepositoryNotFoundError: the repository does not exist.
        GeneratorError: the API fails.
    """
    owner, repo = config.get("owner", ""), config.get("repo", "")
    try:
        pulls = list(_cloud_pages(rest, f"repositories/{owner}/{repo}/pullrequests"))
    except RestError as error:
        if error.status == 404:
            raise RepositoryNotFoundError(str(error)) from error
        raise GeneratorError(f"error listing pull requests for {owner}/{repo}: {error}") from error
    return [
        {
            "number": pull.get("id"),
            "title": pull.get("title") or "",
            "branch": dig(pull, "source", "branch", "name") or "",
            "targetBranch": dig(pull, "destination", "branch", "name") or "",
            "headSHA": dig(pull, "source", "commit", "hash") or "",
            "labels": [],
            "author": dig(pull, "author", "nickname") or "",
        }
        for pull in pulls
    ]


class BitbucketCloudProvider:
    """The repositories of one Bitbucket Cloud workspace."""

    def __init__(self, rest: Rest, config: Mapping[str, Any]) -> None:
        """Scan ``config["owner"]`` with the client ``rest``."""
        self._rest = rest
        self._owner = str(config.get("owner") or "")
        self._all_branches = bool(config.get("allBranches"))

    def list_repos(self, clone_protocol: str) -> list[dict[str, Any]]:
        """Every repository on its main branch.

        Raises:
            GeneratorError: an unknown clone protocol, or the API fails.
        """
        wanted = {"": "ssh", "ssh": "ssh", "https": "https"}.get(clone_protocol)
        if wanted is None:
            raise GeneratorError(f"unknown clone protocol for Bitbucket {clone_protocol}")
        out = []
        for repo in _cloud_pages(self._rest, f"repositories/{self._owner}"):
            links = dig(repo, "links", "clone") or ()
            url = next((str(link.get("href")) for link in links if link.get("name") == wanted), "")
            out.append(
                {
                    "organization": self._owner,
                    "repository": repo.get("slug") or "",
                    "url": url,
                    "branch": dig(repo, "mainbranch", "name") or "",
                    "labels": [],
                    "repositoryId": repo.get("uuid"),
                }
            )
        return out

    def branches(self, repo: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The main branch, or every branch with ``allBranches``."""
        base = f"repositories/{self._owner}/{repo['repository']}/refs/branches"
        if self._all_branches:
            found = list(_cloud_pages(self._rest, base))
        else:
            default = self._rest.find(f"{base}/{repo['branch']}")
            found = [] if default is None else [default]
        return [
            {**repo, "branch": b.get("name") or "", "sha": dig(b, "target", "hash") or ""}
            for b in found
        ]

    def has_path(self, repo: Mapping[str, Any], path: str) -> bool:
        """Whether the path exists at the branch's head commit."""
        where = f"repositories/{self._owner}/{repo['repository']}/src/{repo['sha']}/{path}"
        return self._rest.exists(where)
