"""GitHub (and GitHub Enterprise) REST API: pull requests and organisation repositories."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitops_schema.appset.errors import GeneratorError
from gitops_schema.appset.services import RepositoryNotFoundError
from gitops_schema.appset.services.rest import Rest, RestError, dig

DEFAULT_API = "https://api.github.com/"


def client(api: str, token: str, **options: Any) -> Rest:
    """A client for ``api`` (Enterprise roots get ``/api/v3/``, as go-github adds it)."""
    base = api or DEFAULT_API
    if api:
        host = base.split("://", 1)[-1].split("/", 1)[0]
        base = base if base.endswith("/") else base + "/"
        if not (base.endswith("/api/v3/") or host.startswith("api.") or ".api." in host):
            base += "api/v3/"
    headers = {"Accept": "application/vnd.github+json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return Rest(base, headers=headers, **options)


def pull_requests(rest: Rest, config: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Open pull requests carrying every label of ``config["labels"]``.

    Raises:
        RepositoryNotFoundError: the repository does not exist.
        GeneratorError: the API fails.
    """
    owner, repo = config.get("owner", ""), config.get("repo", "")
    wanted = [str(label) for label in config.get("labels") or ()]
    out = []
    try:
        for page in rest.linked_pages(f"repos/{owner}/{repo}/pulls", {"per_page": 100}):
            for pull in page:
                labels = [str(label.get("name")) for label in pull.get("labels") or ()]
                if not all(label in labels for label in wanted):
                    continue
                out.append(
                    {
                        "number": pull.get("number"),
                        "title": pull.get("title") or "",
                        "branch": dig(pull, "head", "ref") or "",
                        "targetBranch": dig(pull, "base", "ref") or "",
                        "headSHA": dig(pull, "head", "sha") or "",
                        "labels": labels,
                        "author": dig(pull, "user", "login") or "",
                    }
                )
    except RestError as error:
        if error.status == 404:
            raise RepositoryNotFoundError(str(error)) from error
        raise GeneratorError(f"error listing pull requests for {owner}/{repo}: {error}") from error
    return out


class GithubProvider:
    """The repositories of one GitHub organisation."""

    def __init__(self, rest: Rest, config: Mapping[str, Any]) -> None:
        """Scan ``config["organization"]`` with the client ``rest``."""
        self._rest = rest
        self._org = str(config.get("organization") or "")
        self._all_branches = bool(config.get("allBranches"))
        self._exclude_archived = bool(config.get("excludeArchivedRepos"))

    def list_repos(self, clone_protocol: str) -> list[dict[str, Any]]:
        """Every repository on its default branch.

        Raises:
            GeneratorError: an unknown clone protocol, or the API fails.
        """
        if clone_protocol not in ("", "ssh", "https"):
            raise GeneratorError(f"unknown clone protocol for GitHub {clone_protocol}")
        url_key = "clone_url" if clone_protocol == "https" else "ssh_url"
        out = []
        try:
            for page in self._rest.linked_pages(f"orgs/{self._org}/repos", {"per_page": 100}):
                for repo in page:
                    if self._exclude_archived and repo.get("archived"):
                        continue
                    out.append(
                        {
                            "organization": dig(repo, "owner", "login") or "",
                            "repository": repo.get("name") or "",
                            "branch": repo.get("default_branch") or "",
                            "url": repo.get(url_key) or "",
                            "labels": list(repo.get("topics") or ()),
                            "repositoryId": repo.get("id"),
                        }
                    )
        except RestError as error:
            raise GeneratorError(f"error listing repositories for {self._org}: {error}") from error
        return out

    def branches(self, repo: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The default branch, or every branch with ``allBranches``.

        Raises:
            GeneratorError: the API fails.
        """
        base = f"repos/{repo['organization']}/{repo['repository']}/branches"
        try:
            if self._all_branches:
                found = [
                    b for page in self._rest.linked_pages(base, {"per_page": 100}) for b in page
                ]
            else:
                default = self._rest.find(f"{base}/{repo['branch']}")
                found = [] if default is None else [default]
        except RestError as error:
            raise GeneratorError(
                f"error listing branches for {repo['organization']}/{repo['repository']}: {error}"
            ) from error
        return [
            {**repo, "branch": b.get("name") or "", "sha": dig(b, "commit", "sha") or ""}
            for b in found
        ]

    def has_path(self, repo: Mapping[str, Any], path: str) -> bool:
        """Whether the path exists on the repository's branch."""
        where = f"repos/{repo['organization']}/{repo['repository']}/contents/{path}"
        return self._rest.exists(where, {"ref": repo["branch"]})
