"""Git revisions: what an Argo CD ``targetRevision`` names.

Read from the repository when a clone of it is on disk; never guessed for ``HEAD``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pygit2

from gitops_schema.convert.neutral import RefType, Revision

__all__ = [
    "classify_revision",
    "default_branch",
    "is_semver_range",
    "normal_url",
    "origin_url",
]

_COMMIT = re.compile(r"[0-9a-f]{40}")
_VERSION = re.compile(r"v?\d+(\.\d+){0,2}([-+][0-9A-Za-z.+-]*)?")
_RANGE = re.compile(r"[\^~<>=*|!]|(^|[.\s])[xX](?=$|[.\s])|\s-\s|,")


def is_semver_range(text: str) -> bool:
    """Whether ``text`` is a semver constraint rather than one version or a ref name."""
    return bool(_RANGE.search(text)) and bool(re.search(r"\d|\*|[xX]", text))


def normal_url(url: str) -> str:
    """A git URL without scheme, credentials, ``.git`` suffix or trailing slash, lowercased."""
    text = url.strip().lower().rstrip("/").removesuffix(".git")
    text = re.sub(r"^[a-z+]+://", "", text)
    text = re.sub(r"^[^@/]*@", "", text)
    return text.replace(":", "/", 1) if "/" not in text.split(":", 1)[0] else text


@lru_cache(maxsize=64)
def _repository(folder: str, url: str) -> pygit2.Repository | None:
    """The checkout at ``folder`` when its ``origin`` is ``url``.

    Only then do its refs say anything about that repository.
    """
    try:
        found = pygit2.discover_repository(folder)
        repository = pygit2.Repository(found) if found else None
        if repository is None:
            return None
        origin = next((r for r in repository.remotes if r.name == "origin"), None)
    except (pygit2.GitError, OSError, ValueError):
        return None
    if origin is None or normal_url(str(origin.url)) != normal_url(url):
        return None
    return repository


def origin_url(folder: Path) -> str | None:
    """The URL of the ``origin`` remote of the clone holding ``folder``, if any."""
    try:
        found = pygit2.discover_repository(str(folder))
        repository = pygit2.Repository(found) if found else None
        remotes = list(repository.remotes) if repository is not None else []
    except (pygit2.GitError, OSError, ValueError):
        return None
    origin = next((r for r in remotes if r.name == "origin"), None)
    return str(origin.url) if origin is not None and origin.url else None


def default_branch(folder: Path | None, url: str) -> str | None:
    """The default branch of the remote a checkout was cloned from, when recorded.

    That is ``refs/remotes/origin/HEAD``; a checkout's own current branch is not the
    remote's default and is not used.
    """
    repository = _repository(str(folder), url) if folder is not None else None
    if repository is None:
        return None
    try:
        reference = repository.references.get("refs/remotes/origin/HEAD")
    except (pygit2.GitError, ValueError):
        return None
    target = reference.target if reference is not None else None
    if isinstance(target, str) and target.startswith("refs/remotes/origin/"):
        return target.removeprefix("refs/remotes/origin/")
    return None


def _local_kind(folder: Path | None, url: str, name: str) -> RefType | None:
    repository = _repository(str(folder), url) if folder is not None else None
    if repository is None:
        return None
    references = repository.references
    if f"refs/tags/{name}" in references:
        return RefType.TAG
    if f"refs/heads/{name}" in references or f"refs/remotes/origin/{name}" in references:
        return RefType.BRANCH
    return None


def classify_revision(text: str, url: str, folder: Path | None) -> Revision:
    """The revision ``text`` of repository ``url`` (checked out at ``folder``, if known).

    ``HEAD`` (or nothing) is the remote's default branch: known only from a clone that
    records ``origin/HEAD``, else :attr:`RefType.DEFAULT`. A name is a tag or a branch as
    the clone says; without one, a tag when it looks like a version, else a branch.
    """
    text = text.strip()
    if text in ("", "HEAD"):
        branch = default_branch(folder, url)
        if branch is not None:
            return Revision(RefType.BRANCH, branch)
        return Revision(RefType.DEFAULT)
    if _COMMIT.fullmatch(text):
        return Revision(RefType.COMMIT, text)
    if text.startswith("refs/"):
        for prefix, kind in (("refs/heads/", RefType.BRANCH), ("refs/tags/", RefType.TAG)):
            if text.startswith(prefix):
                return Revision(kind, text.removeprefix(prefix))
        return Revision(RefType.NAME, text)
    if is_semver_range(text):
        return Revision(RefType.SEMVER, text)
    local = _local_kind(folder, url, text)
    if local is not None:
        return Revision(local, text)
    if _VERSION.fullmatch(text):
        return Revision(RefType.TAG, text)
    return Revision(RefType.BRANCH, text)
