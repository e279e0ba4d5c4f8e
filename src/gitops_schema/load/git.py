"""Reading a tree at any git revision, without a checkout."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pygit2

from gitops_schema.errors import LoadError, RevisionNotFound


def work_tree(path: Path) -> Path | None:
    """The top of the git work tree holding ``path``; None outside one (or a bare one)."""
    found = pygit2.discover_repository(str(path))
    workdir = pygit2.Repository(found).workdir if found else None
    return Path(workdir) if workdir else None


@dataclass(frozen=True, slots=True)
class GitFile:
    """One blob of the tree: its path relative to the requested folder, and its size."""

    path: str
    size: int
    blob_id: str
    link: bool = False
    """A symlink: the blob is the path it points to."""


class GitTree:
    """The files under one folder of a repository, as of one revision."""

    def __init__(self, path: Path, revision: str) -> None:
        found = pygit2.discover_repository(str(path))
        if found is None:
            raise LoadError(f"{path} is not inside a git repository (needed for --revision)")
        self.repository = pygit2.Repository(found)
        workdir = self.repository.workdir
        if workdir is None:
            raise LoadError(f"{found} is a bare repository; give a path inside a work tree")
        self.revision = revision
        try:
            commit = self.repository.revparse_single(revision).peel(pygit2.Commit)
        except (KeyError, ValueError, pygit2.GitError) as error:
            raise RevisionNotFound(f"revision {revision!r} not found in {workdir}") from error
        self.commit_id = str(commit.id)
        subpath = path.resolve().relative_to(Path(workdir).resolve()).as_posix()
        tree: pygit2.Object = commit.tree
        if subpath != ".":
            try:
                tree = commit.tree[subpath]
            except KeyError as error:
                raise LoadError(f"{subpath} does not exist at revision {revision}") from error
        self.subpath = subpath
        self.root = tree

    def is_file(self) -> bool:
        """True when the requested path is a single file at this revision."""
        return isinstance(self.root, pygit2.Blob)

    def files(self) -> Iterator[GitFile]:
        """Every blob under the requested folder (or the file itself)."""
        if isinstance(self.root, pygit2.Blob):
            yield GitFile(PurePosixPath(self.subpath).name, self.root.size, str(self.root.id))
            return
        assert isinstance(self.root, pygit2.Tree)
        yield from self._walk(self.root, "")

    def _walk(self, tree: pygit2.Tree, prefix: str) -> Iterator[GitFile]:
        for entry in tree:
            name = f"{prefix}{entry.name}"
            if isinstance(entry, pygit2.Tree):
                if not (entry.name or "").startswith("."):
                    yield from self._walk(entry, f"{name}/")
            elif isinstance(entry, pygit2.Blob):
                link = entry.filemode == pygit2.enums.FileMode.LINK
                yield GitFile(name, entry.size, str(entry.id), link)

    def read(self, file: GitFile) -> bytes:
        """The content of one blob."""
        blob = self.repository[file.blob_id]
        assert isinstance(blob, pygit2.Blob)
        return blob.data
