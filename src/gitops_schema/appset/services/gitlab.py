"""GitLab REST API (v4): merge requests and group projects."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote

from gitops_schema.appset.errors import GeneratorError
from gitops_schema.appset.services import RepositoryNotFoundError
from gitops_schema.appset.services.rest import Rest, RestError, dig

DEFAULT_API = "https://gitlab.com/"


def client(api: str, token: str, **options: Any) -> Rest:
    """A client for ``api`` (``/api/v4/`` appended as the GitLab Go client does)."""
    base = (api or DEFAULT_API).rstrip("/")
    if not base.endswith("/api/v4"):
        base += "/api/v4"
    return Rest(base, headers={"PRIVATE-TOKEN": token} if token else {}, **options)


def _pages(rest: Rest, path: str, params: dict[str, Any]) -> Iterator[Any]:
    # GitLab names the next page in X-Next-Page (empty on the last page).
    page = "1"
    while page:
        response = rest.get(path, {**params, "per_page": 100, "page": page})
        yield response.json()
        page = response.headers.get("X-Next-Page", "")


def _id(value: Any) -> str:
    return quote(str(value), safe="")


def pull_requests(rest: Rest, config: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Merge requests of the project (GitLab selects ``labels`` and ``pullRequestState``).

    Raises:
        RepositoryNotFoundError: the project does not exist.
        GeneratorError: the API fails.
    """
    project = str(config.get("project") or "")
    params: dict[str, Any] = {}
    if config.get("labels"):
        params["labels"] = ",".join(str(label) for label in config["labels"])
    if config.get("pullRequestState"):
        params["state"] = config["pullRequestState"]
    try:
        requests = [
            mr
            for page in _pages(rest, f"projects/{_id(project)}/merge_requests", params)
            for mr in page
        ]
    except RestError as error:
        if error.status == 404:
            raise RepositoryNotFoundError(str(error)) from error
        raise GeneratorError(
            f"error listing merge requests for project '{project}': {error}"
        ) from error
    return [
        {
            "number": mr.get("iid"),
            "title": mr.get("title") or "",
            "branch": mr.get("source_branch") or "",
            "targetBranch": mr.get("target_branch") or "",
            "headSHA": mr.get("sha") or "",
            "labels": [str(label) for label in mr.get("labels") or ()],
            "author": dig(mr, "author", "username") or "",
        }
        for mr in requests
    ]


class GitlabProvider:
    """The projects of one GitLab group."""

    def __init__(self, rest: Rest, config: Mapping[str, Any]) -> None:
        """Scan ``config["group"]`` with the client ``rest``."""
        self._rest = rest
        self._group = str(config.get("group") or "")
        self._all_branches = bool(config.get("allBranches"))
        shared = config.get("includeSharedProjects")
        self._params: dict[str, Any] = {
            "include_subgroups": str(bool(config.get("includeSubgroups"))).lower(),
            "with_shared": str(shared is None or bool(shared)).lower(),
            "topic": str(config.get("topic") or ""),
        }
        if config.get("includeArchivedRepos"):
            self._params["archived"] = "true"

    def list_repos(self, clone_protocol: str) -> list[dict[str, Any]]:
        """Every project on its default branch.

        Raises:
            GeneratorError: an unknown clone protocol, or the API fails.
        """
        if clone_protocol not in ("", "ssh", "https"):
            raise GeneratorError(f"unknown clone protocol for Gitlab {clone_protocol}")
        url_key = "http_url_to_repo" if clone_protocol == "https" else "ssh_url_to_repo"
        try:
            projects = [
                p
                for page in _pages(self._rest, f"groups/{_id(self._group)}/projects", self._params)
                for p in page
            ]
        except RestError as error:
            raise GeneratorError(f"error listing projects for {self._group}: {error}") from error
        return [
            {
                "organization": dig(p, "namespace", "full_path") or "",
                "repository": p.get("path") or "",
                "url": p.get(url_key) or "",
                "branch": p.get("default_branch") or "",
                "labels": list(p.get("topics") or p.get("tag_list") or ()),
                "repositoryId": p.get("id"),
            }
            for p in projects
        ]

    def branches(self, repo: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The default branch, or every branch with ``allBranches``.

        Raises:
            GeneratorError: the API fails.
        """
        base = f"projects/{_id(repo['repositoryId'])}/repository/branches"
        try:
            if self._all_branches:
                found = [b for page in _pages(self._rest, base, {}) for b in page]
            else:
                default = self._rest.find(f"{base}/{_id(repo['branch'])}")
                found = [] if default is None else [default]
        except RestError as error:
            if error.status == 404:
                return []
            raise GeneratorError(
                f"error listing branches for {repo['organization']}/{repo['repository']}: {error}"
            ) from error
        return [
            {**repo, "branch": b.get("name") or "", "sha": dig(b, "commit", "id") or ""}
            for b in found
        ]

    def has_path(self, repo: Mapping[str, Any], path: str) -> bool:
        """Whether the path is a file or a directory on the repository's branch."""
        project = _id(f"{repo['organization']}/{repo['repository']}")
        ref = {"ref": repo["branch"]}
        if self._rest.exists(f"projects/{project}/repository/files/{_id(path)}", ref):
            return True
        return self._rest.exists(f"projects/{project}/repository/tree", {**ref, "path": path})
