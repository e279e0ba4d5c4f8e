"""The pullRequest generator: one parameter set per open pull request of a repository.

Pull requests come from ``env.pull_requests`` (an SCM API online, a recorded listing
offline). Filters follow Argo CD's ``pull_request.ListPullRequests``: OR-ed, the fields of
one filter AND-ed, each an unanchored RE2 regex; an empty filter matches everything.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from gitops_schema.appset.env import PullRequests
from gitops_schema.appset.errors import GeneratorError, NotAvailableOffline
from gitops_schema.appset.generators import GeneratorContext, with_values
from gitops_schema.appset.generators.scm_access import (
    PULL_REQUEST_APIS,
    check_access,
    compile_match,
)
from gitops_schema.appset.params import Params
from gitops_schema.appset.services import RepositoryNotFoundError
from gitops_schema.golang.regex import Regexp

SLUG_MAX_LENGTH = 50
"""Argo CD's slug limit: leaves 13 characters of a 63-character DNS label for suffixes."""

_FIELDS = (
    ("branchMatch", "branch"),
    ("targetBranchMatch", "targetBranch"),
    ("titleMatch", "title"),
)
_SUBSTITUTIONS = {"_": "-", "&": "and", "@": "at", '"': "", "'": "", "’": ""}
_SUBSTITUTIONS.update(dict.fromkeys("‒–—―", "-"))
_NOT_SLUG = re.compile(r"[^a-zA-Z0-9\-_]")
_DASHES = re.compile(r"-+")


def generate(spec: Mapping[str, Any], context: GeneratorContext) -> list[Params]:
    """Parameter sets of the pull requests that pass the spec's filters.

    Raises:
        GeneratorError: SCM providers disabled or not allowed, no listing, bad filter regex,
            or the provider fails (unless the repository is missing and the spec says to
            continue).
    """
    env = context.env
    try:
        check_access(spec, env, PULL_REQUEST_APIS)
    except GeneratorError as error:
        raise GeneratorError(f"failed to select pull request service provider: {error}") from error
    if env.pull_requests is None:
        raise NotAvailableOffline(
            "failed to select pull request service provider: the pullRequest generator needs "
            "its SCM API; give a recorded listing (--scm-data FILE) to expand it offline"
        )
    try:
        pulls = _list(spec, env.pull_requests)
    except RepositoryNotFoundError as error:
        if spec.get("continueOnRepoNotFoundError"):
            return []
        raise GeneratorError(f"error listing repos: {error}") from error
    except GeneratorError as error:
        raise GeneratorError(f"error listing repos: {error}") from error
    return [
        with_values(
            spec, _params(pull, context.go_template), context, "failed to append templated values"
        )
        for pull in pulls
    ]


def _list(spec: Mapping[str, Any], service: PullRequests) -> list[dict[str, Any]]:
    # Regexes compile before the provider is asked, so a bad filter fails offline too.
    filters = [_compile(f) for f in spec.get("filters") or () if isinstance(f, Mapping)]
    pulls = service.list(spec)
    if not filters:
        return pulls
    return [
        pull
        for pull in pulls
        if any(all(rx.search(str(pull.get(field) or "")) for field, rx in f) for f in filters)
    ]


def _compile(spec: Mapping[str, Any]) -> list[tuple[str, Regexp]]:
    return [
        (field, compile_match(key[0].upper() + key[1:], spec[key]))
        for key, field in _FIELDS
        if spec.get(key) is not None
    ]


def _params(pull: Mapping[str, Any], go_template: bool) -> Params:
    sha = str(pull.get("headSHA") or "")
    branch = str(pull.get("branch") or "")
    target = str(pull.get("targetBranch") or "")
    params: Params = {
        "number": str(pull.get("number")),
        "title": str(pull.get("title") or ""),
        "branch": branch,
        "branch_slug": slug(branch),
        "target_branch": target,
        "target_branch_slug": slug(target),
        "head_sha": sha,
        "head_short_sha": sha[:8],
        "head_short_sha_7": sha[:7],
        "author": str(pull.get("author") or ""),
    }
    # Argo CD exposes labels to goTemplate only (fasttemplate is deprecated there).
    if go_template:
        params["labels"] = pull.get("labels")
    return params


def slug(text: str) -> str:
    """A branch name as gosimple/slug makes it for Argo CD (``_`` to ``-``, at most 50 long)."""
    out = "".join(_SUBSTITUTIONS.get(char, char) for char in text.strip())
    # gosimple transliterates with unidecode; NFKD then ASCII covers accented Latin letters.
    out = unicodedata.normalize("NFKD", out).encode("ascii", "ignore").decode().lower()
    out = _DASHES.sub("-", _NOT_SLUG.sub("-", out)).strip("-_")
    if len(out) <= SLUG_MAX_LENGTH:
        return out
    cut = out.rfind("-", 0, SLUG_MAX_LENGTH + 1)
    return out[:cut] if cut >= 0 else out[:SLUG_MAX_LENGTH]
