"""The scmProvider generator: one parameter set per repository (and branch) of an organisation.

The repositories come from ``env.scm`` (an SCM API online, a recorded listing offline).
Filters follow Argo CD's ``scm_provider.ListRepos``: a filter that sets only
``repositoryMatch``/``labelMatch`` is a *repository* filter, applied before branches are
listed; one that sets ``branchMatch`` or ``paths*`` is a *branch* filter, applied to every
branch. Within each kind the filters are OR-ed and the fields of one filter AND-ed; a
filter that sets nothing is ignored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gitops_schema.appset.env import ScmProvider
from gitops_schema.appset.errors import GeneratorError, NotAvailableOffline
from gitops_schema.appset.generators import GeneratorContext, with_values
from gitops_schema.appset.generators.scm_access import (
    SCM_PROVIDER_APIS,
    check_access,
    compile_match,
)
from gitops_schema.appset.params import Params
from gitops_schema.golang.regex import Regexp
from gitops_schema.gotemplate.argocd import normalize


@dataclass(frozen=True, slots=True)
class _Filter:
    repository: Regexp | None
    label: Regexp | None
    branch: Regexp | None
    paths_exist: tuple[str, ...]
    paths_do_not_exist: tuple[str, ...]
    on_branches: bool
    """Set when the filter needs branches (``branchMatch``, ``pathsExist``, ``pathsDoNotExist``)."""

    def matches(self, provider: ScmProvider, repo: Mapping[str, Any]) -> bool:
        if self.repository and not self.repository.search(str(repo.get("repository") or "")):
            return False
        if self.branch and not self.branch.search(str(repo.get("branch") or "")):
            return False
        labels = [str(label) for label in repo.get("labels") or ()]
        if self.label and not any(self.label.search(label) for label in labels):
            return False
        # Argo CD trims trailing slashes of the paths before asking the provider.
        if not all(provider.has_path(repo, p.rstrip("/")) for p in self.paths_exist):
            return False
        return not any(provider.has_path(repo, p.rstrip("/")) for p in self.paths_do_not_exist)


def generate(spec: Mapping[str, Any], context: GeneratorContext) -> list[Params]:
    """Parameter sets of the repositories (and branches) that pass the spec's filters.

    Raises:
        GeneratorError: SCM providers disabled or not allowed, no listing, bad filter regex,
            or the provider fails.
    """
    env = context.env
    check_access(spec, env, SCM_PROVIDER_APIS)
    if env.scm is None:
        raise NotAvailableOffline(
            "error listing repos: the scmProvider generator needs its SCM API; "
            "give a recorded listing (--scm-data FILE) to expand it offline"
        )
    provider = env.scm.provider(spec)
    try:
        filters = [_compile(f) for f in spec.get("filters") or () if isinstance(f, Mapping)]
        repos = _list_repos(provider, filters, str(spec.get("cloneProtocol") or ""))
    except GeneratorError as error:
        raise GeneratorError(f"error listing repos: {error}") from error
    return [
        with_values(spec, _params(repo), context, "failed to append templated values")
        for repo in repos
    ]


def _compile(spec: Mapping[str, Any]) -> _Filter | None:
    def regex(key: str, field: str) -> Regexp | None:
        value = spec.get(key)
        return None if value is None else compile_match(field, value)

    repository = regex("repositoryMatch", "RepositoryMatch")
    label = regex("labelMatch", "LabelMatch")
    exist = spec.get("pathsExist")
    not_exist = spec.get("pathsDoNotExist")
    branch = regex("branchMatch", "BranchMatch")
    on_branches = branch is not None or exist is not None or not_exist is not None
    if not on_branches and repository is None and label is None:
        return None
    return _Filter(
        repository,
        label,
        branch,
        tuple(str(p) for p in exist or ()),
        tuple(str(p) for p in not_exist or ()),
        on_branches,
    )


def _list_repos(
    provider: ScmProvider, filters: Sequence[_Filter | None], clone_protocol: str
) -> list[dict[str, Any]]:
    repos = provider.list_repos(clone_protocol)
    repo_filters = [f for f in filters if f is not None and not f.on_branches]
    branch_filters = [f for f in filters if f is not None and f.on_branches]
    if repo_filters:
        repos = [r for r in repos if any(f.matches(provider, r) for f in repo_filters)]
    branches = [branch for repo in repos for branch in provider.branches(repo)]
    if not branch_filters:
        return branches
    return [b for b in branches if any(f.matches(provider, b) for f in branch_filters)]


def _params(repo: Mapping[str, Any]) -> Params:
    sha = str(repo.get("sha") or "")
    branch = str(repo.get("branch") or "")
    return {
        "organization": str(repo.get("organization") or ""),
        "repository": str(repo.get("repository") or ""),
        # Kept as the provider typed it (number, string or null), as Argo CD does.
        "repository_id": repo.get("repositoryId"),
        "url": str(repo.get("url") or ""),
        "branch": branch,
        "sha": sha,
        "short_sha": sha[:8],
        "short_sha_7": sha[:7],
        "labels": ",".join(str(label) for label in repo.get("labels") or ()),
        "branchNormalized": normalize(branch),
    }
