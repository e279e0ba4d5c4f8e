"""Azure DevOps REST API: pull requests and team-project repositories."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitops_schema.appset.errors import GeneratorError
from gitops_schema.appset.services import RepositoryNotFoundError
from gitops_schema.appset.services.rest import Rest, RestError, dig

DEFAULT_API = "https://dev.azure.com"
API_VERSION = {"api-version": "7.1"}
_HEADS = "refs/heads/"


def client(api: str, organization: str, token: str, **options: Any) -> Rest:
    """A client for one organisation (a PAT is sent as the basic-auth password)."""
    base = (api or DEFAULT_API).rstrip("/") + "/" + organization
    return Rest(base, auth=("", token) if token else None, **options)


def pull_requests(rest: Rest, config: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Active pull requests of one repository carrying every label of ``config["labels"]``.

    Raises:
        RepositoryNotFoundError: the project does not exist.
        GeneratorError: the API fails.
    """
    project, repo = config.get("project", ""), config.get("repo", "")
    try:
        answer = rest.json(f"{project}/_apis/git/pullrequests", API_VERSION)
    except RestError as error:
        if error.status == 404:
            raise RepositoryNotFoundError(str(error)) from error
        raise GeneratorError(f"failed to get pull requests by project: {error}") from error
    wanted = [str(label) for label in config.get("labels") or ()]
    out = []
    for pull in answer.get("value") or ():
        head = dig(pull, "lastMergeSourceCommit", "commitId")
        if dig(pull, "repository", "name") != repo or head is None:
            continue
        labels = [str(label.get("name")) for label in pull.get("labels") or ()]
        if not all(label in labels for label in wanted):
            continue
        out.append(
            {
                "number": pull.get("pullRequestId"),
                "title": pull.get("title") or "",
                "branch": str(pull.get("sourceRefName") or "").replace(_HEADS, "", 1),
                "targetBranch": str(pull.get("targetRefName") or "").replace(_HEADS, "", 1),
                "headSHA": head,
                "labels": labels,
                # Argo CD names the author by the part of the e-mail address before the @.
                "author": str(dig(pull, "createdBy", "uniqueName") or "").split("@")[0],
            }
        )
    return out


class AzureDevOpsProvider:
    """The repositories of one Azure DevOps team project."""

    def __init__(self, rest: Rest, config: Mapping[str, Any]) -> None:
        """Scan ``config["teamProject"]`` with the client ``rest``."""
        self._rest = rest
        self._org = str(config.get("organization") or "")
        self._project = str(config.get("teamProject") or "")
        self._all_branches = bool(config.get("allBranches"))

    def list_repos(self, clone_protocol: str) -> list[dict[str, Any]]:
        """Every repository on its default branch.

        Raises:
            GeneratorError: an unknown clone protocol, or the API fails.
        """
        if clone_protocol not in ("", "ssh", "https"):
            raise GeneratorError(f"unknown clone protocol for Azure DevOps {clone_protocol}")
        url_key = "sshUrl" if clone_protocol == "ssh" else "remoteUrl"
        answer = self._rest.json(f"{self._project}/_apis/git/repositories", API_VERSION)
        return [
            {
                "organization": self._org,
                "repository": repo.get("name") or "",
                "url": repo.get(url_key) or "",
                "branch": str(repo.get("defaultBranch") or "").replace(_HEADS, "", 1),
                "labels": [],
                "repositoryId": repo.get("id"),
            }
            for repo in answer.get("value") or ()
        ]

    def branches(self, repo: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The default branch, or every branch with ``allBranches``."""
        where = f"{self._project}/_apis/git/repositories/{repo['repositoryId']}/refs"
        wanted = "heads/" if self._all_branches else f"heads/{repo['branch']}"
        refs = self._rest.json(where, {**API_VERSION, "filter": wanted}).get("value") or ()
        out = []
        for ref in refs:
            name = str(ref.get("name") or "").replace(_HEADS, "", 1)
            if self._all_branches or name == repo["branch"]:
                out.append({**repo, "branch": name, "sha": ref.get("objectId") or ""})
        return out

    def has_path(self, repo: Mapping[str, Any], path: str) -> bool:
        """Whether the path exists on the repository's branch."""
        where = f"{self._project}/_apis/git/repositories/{repo['repositoryId']}/items"
        params = {**API_VERSION, "path": path, "versionDescriptor.version": repo["branch"]}
        return self._rest.exists(where, params)
