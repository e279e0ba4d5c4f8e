"""Gitea REST API (v1): pull requests and organisation repositories."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitops_schema.appset.errors import GeneratorError
from gitops_schema.appset.services import RepositoryNotFoundError
from gitops_schema.appset.services.rest import Rest, RestError, dig


def client(api: str, token: str, **options: Any) -> Rest:
    """A client for the Gitea server at ``api``."""
    headers = {"Authorization": f"token {token}"} if token else {}
    return Rest(api.rstrip("/") + "/api/v1", headers=headers, **options)


def pull_requests(rest: Rest, config: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Open pull requests carrying every label of ``config["labels"]``.

    Raises:
        RepositoryNotFoundError: the repository does not exist.
        GeneratorError: the API fails.
    """
    owner, repo = config.get("owner", ""), config.get("repo", "")
    try:
        pulls = rest.json(f"repos/{owner}/{repo}/pulls", {"state": "open"})
    except RestError as error:
        if error.status == 404:
            raise RepositoryNotFoundError(str(error)) from error
        raise
    wanted = [str(label) for label in config.get("labels") or ()]
    out = []
    for pull in pulls or ():
        labels = [str(label.get("name")) for label in pull.get("labels") or ()]
        if all(label in labels for label in wanted):
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
    return out


class GiteaProvider:
    """The repositories of one Gitea organisation or user."""

    def __init__(self, rest: Rest, config: Mapping[str, Any]) -> None:
        """Scan ``config["owner"]`` with the client ``rest``."""
        self._rest = rest
        self._owner = str(config.get("owner") or "")
        self._all_branches = bool(config.get("allBranches"))
        self._exclude_archived = bool(config.get("excludeArchivedRepos"))

    def list_repos(self, clone_protocol: str) -> list[dict[str, Any]]:
        """Every repository on its default branch, labelled with its issue labels.

        Raises:
            GeneratorError: an unknown clone protocol, or the API fails.
        """
        if clone_protocol not in ("", "ssh", "https"):
            raise GeneratorError(f"unknown clone protocol for GitHub {clone_protocol}")
        # Argo CD takes the web URL for https (it clones fine from Gitea).
        url_key = "html_url" if clone_protocol == "https" else "ssh_url"
        out = []
        for repo in self._rest.json(f"orgs/{self._owner}/repos") or ():
            name = repo.get("name") or ""
            labels = self._rest.json(f"repos/{self._owner}/{name}/labels") or ()
            if self._exclude_archived and repo.get("archived"):
                continue
            out.append(
                {
                    "organization": self._owner,
                    "repository": name,
                    "branch": repo.get("default_branch") or "",
                    "url": repo.get(url_key) or "",
                    "labels": [str(label.get("name")) for label in labels],
                    "repositoryId": repo.get("id"),
                }
            )
        return out

    def branches(self, repo: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The default branch, or every branch with ``allBranches``.

        Raises:
            GeneratorError: the default branch is missing, or the API fails.
        """
        base = f"repos/{self._owner}/{repo['repository']}/branches"
        if self._all_branches:
            found = self._rest.json(base) or []
        else:
            default = self._rest.find(f"{base}/{repo['branch']}")
            if default is None:
                raise GeneratorError(
                    f"got 404 while getting default branch {repo['branch']!r} for repo "
                    f"{repo['repository']!r} - check your repo config"
                )
            found = [{**default, "name": repo["branch"]}]
        return [
            {**repo, "branch": b.get("name") or "", "sha": dig(b, "commit", "id") or ""}
            for b in found
        ]

    def has_path(self, repo: Mapping[str, Any], path: str) -> bool:
        """Whether the path is a file or a directory on the repository's branch."""
        where = f"repos/{repo['organization']}/{repo['repository']}/contents/{path}"
        return self._rest.exists(where, {"ref": repo["branch"]})
