"""A git repository -> commits and config revisions (who changed which definition when).

Every commit reachable from the branches (or from one revision) is read without a checkout:
its sha, parents, author, committer, times, message and the files it changed against its
first parent. In the YAML and JSON files it changed, every Argo CD (``argoproj.io``) and Flux
(``*.toolkit.fluxcd.io``) object that was added, modified or deleted is a config revision,
its definition stored with secrets redacted.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pygit2

from gitops_schema.diagnostics import Severity
from gitops_schema.errors import LoadError, RevisionNotFound
from gitops_schema.load import LoadOptions, load_bytes
from gitops_schema.store.redact import redact

CONFIG_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class Commit:
    """One commit."""

    sha: str
    parents: list[str]
    author_name: str
    author_email: str
    authored_at: datetime
    committer_name: str
    committer_email: str
    committed_at: datetime
    message: str
    files: list[str]


@dataclass
class ConfigRevision:
    """A GitOps object added, modified or deleted by a commit."""

    sha: str
    path: str
    tool: str
    kind: str
    namespace: str
    name: str
    change: str
    digest: str | None
    definition: dict[str, Any] | None
    author_name: str
    author_email: str
    committed_at: datetime


@dataclass
class GitHistory:
    """What a repository's history gave, and the files that could not be read."""

    repo: str
    commits: list[Commit] = field(default_factory=list)
    revisions: list[ConfigRevision] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _time(seconds: int, offset_minutes: int) -> datetime:
    return datetime.fromtimestamp(seconds, timezone(timedelta(minutes=offset_minutes))).astimezone(
        UTC
    )


def _repo_name(repository: pygit2.Repository) -> str:
    try:
        url = repository.remotes["origin"].url
    except (KeyError, ValueError):
        url = None
    return url or str(Path(repository.workdir or repository.path).resolve())


def _tool(api_version: str) -> str | None:
    group = api_version.split("/")[0]
    if group == "argoproj.io":
        return "argocd"
    if group.endswith(".toolkit.fluxcd.io"):
        return "flux"
    return None


def _objects(
    data: bytes, path: str, history: GitHistory
) -> dict[tuple[str, str, str], dict[str, Any]]:
    loaded = load_bytes(data, path, LoadOptions())
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for document in loaded.documents:
        obj = document.data
        if not isinstance(obj, dict) or not isinstance(obj.get("apiVersion"), str):
            continue
        if _tool(obj["apiVersion"]) is None or not isinstance(obj.get("kind"), str):
            continue
        metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
        name = metadata.get("name") if isinstance(metadata, dict) else None
        if not isinstance(name, str):
            continue
        namespace = metadata.get("namespace") if isinstance(metadata, dict) else None
        key = (obj["kind"], namespace if isinstance(namespace, str) else "", name)
        found[key] = json.loads(json.dumps(obj, default=str))
    if loaded.report and not found:
        # Notes (a Helm chart's templates/, read as templates and skipped) are no problem.
        history.problems += [
            f"{d.location}: {d.message}" for d in loaded.report if d.severity is Severity.ERROR
        ]
    return found


def _blob(tree: pygit2.Tree | None, path: str) -> bytes | None:
    if tree is None:
        return None
    try:
        entry = tree[path]
    except KeyError:
        return None
    blob = entry if isinstance(entry, pygit2.Blob) else None
    return blob.data if blob is not None else None


def _digest(obj: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()


def read_history(path: Path, revision: str | None = None) -> GitHistory:
    """The commits and config revisions of the repository at ``path``.

    Raises:
        LoadError: ``path`` is not in a git repository.
        RevisionNotFound: ``revision`` does not resolve.
    """
    found = pygit2.discover_repository(str(path))
    if found is None:
        raise LoadError(f"{path} is not inside a git repository")
    repository = pygit2.Repository(found)
    history = GitHistory(_repo_name(repository))
    tips: list[pygit2.Oid] = []
    if revision is not None:
        try:
            tips.append(repository.revparse_single(revision).peel(pygit2.Commit).id)
        except (KeyError, ValueError, pygit2.GitError) as error:
            raise RevisionNotFound(f"revision {revision!r} not found in {path}") from error
    else:
        for name in repository.branches.local:
            tips.append(repository.branches.local[name].peel(pygit2.Commit).id)
        if not tips and not repository.head_is_unborn:
            tips.append(repository.head.peel(pygit2.Commit).id)
    seen: set[str] = set()
    for tip in tips:
        for commit in repository.walk(tip, pygit2.enums.SortMode.TOPOLOGICAL):
            sha = str(commit.id)
            if sha in seen:
                continue
            seen.add(sha)
            _read_commit(repository, commit, history)
    history.commits.sort(key=lambda c: (c.committed_at, c.sha))
    return history


def _read_commit(repository: pygit2.Repository, commit: pygit2.Commit, history: GitHistory) -> None:
    parent = commit.parents[0] if commit.parents else None
    old_tree = parent.tree if parent is not None else None
    if old_tree is not None:
        diff = old_tree.diff_to_tree(commit.tree)
    else:
        diff = commit.tree.diff_to_tree(swap=True)
    files = sorted({delta.new_file.path for delta in diff.deltas} | {
        delta.old_file.path for delta in diff.deltas
    })  # fmt: skip
    author, committer = commit.author, commit.committer
    record = Commit(
        sha=str(commit.id),
        parents=[str(p) for p in commit.parent_ids],
        author_name=author.name,
        author_email=author.email,
        authored_at=_time(author.time, author.offset),
        committer_name=committer.name,
        committer_email=committer.email,
        committed_at=_time(committer.time, committer.offset),
        message=commit.message,
        files=files,
    )
    history.commits.append(record)
    for file in files:
        if not file.endswith(CONFIG_SUFFIXES):
            continue
        before_data, after_data = _blob(old_tree, file), _blob(commit.tree, file)
        before = _objects(before_data, file, history) if before_data is not None else {}
        after = _objects(after_data, file, history) if after_data is not None else {}
        for key in sorted(set(before) | set(after)):
            old, new = before.get(key), after.get(key)
            if old is not None and new is not None and _digest(old) == _digest(new):
                continue
            change = "added" if old is None else "deleted" if new is None else "modified"
            current = new if new is not None else old
            assert current is not None
            history.revisions.append(
                ConfigRevision(
                    sha=record.sha,
                    path=file,
                    tool=_tool(current["apiVersion"]) or "",
                    kind=key[0],
                    namespace=key[1],
                    name=key[2],
                    change=change,
                    digest=_digest(new) if new is not None else None,
                    definition=redact(new) if new is not None else None,
                    author_name=author.name,
                    author_email=author.email,
                    committed_at=record.committed_at,
                )
            )
