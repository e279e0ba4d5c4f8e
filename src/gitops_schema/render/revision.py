"""A repository folder as of a git revision, written to a temporary folder.

kustomize and Helm read files, so rendering another revision needs its tree on disk; it
is written from git's object store (no checkout, the work tree is untouched).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gitops_schema.render.scratch import scratch_folder


class Revision:
    """A folder of a repository as of a git revision, read from git's object store."""

    def __init__(self, path: Path, revision: str) -> None:
        """Resolve ``revision`` and list the files of ``path`` there.

        Raises:
            LoadError: the path is not in a git repository, or the revision does not
                resolve.
        """
        from gitops_schema.load.git import GitTree  # only when a revision is asked for

        self._tree = GitTree(path, revision)
        self._files = list(self._tree.files())

    @property
    def tree_id(self) -> str | None:
        """The git id of the folder's tree: its copy is a function of it.

        None when the tree holds a link: a link's copy may point out of it, to files the
        id does not name.
        """
        if any(file.link for file in self._files):
            return None
        return self._tree.tree_id

    @contextmanager
    def copy(self) -> Iterator[Path]:
        """A temporary folder holding the files, removed on exit."""
        size = sum(file.size for file in self._files)
        with scratch_folder("gitops-schema-rev-", size=size) as root:
            for folder in sorted({os.path.dirname(file.path) for file in self._files}):
                (root / folder).mkdir(parents=True, exist_ok=True)
            for file, content in self._tree.contents(self._files):
                target = root / file.path
                if file.link:
                    # A link stays a link, as in a checkout: where it points is then
                    # checked like any other, never read as the text of a file.
                    target.symlink_to(os.fsdecode(content))
                else:
                    target.write_bytes(content)
            yield root


@contextmanager
def materialized(path: Path, revision: str | None) -> Iterator[Path]:
    """``path`` itself without a revision; else a temporary copy of it at ``revision``.

    Raises:
        LoadError: the path is not in a git repository, or the revision does not resolve.
    """
    if revision is None:
        yield path
        return
    with Revision(path, revision).copy() as root:
        yield root
