"""A repository folder as of a git revision, written to a temporary folder.

kustomize and Helm read files, so rendering another revision needs its tree on disk; it
is written from git's object store (no checkout, the work tree is untouched).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gitops_schema.load.git import GitTree


@contextmanager
def materialized(path: Path, revision: str | None) -> Iterator[Path]:
    """``path`` itself without a revision; else a temporary copy of it at ``revision``.

    Raises:
        LoadError: the path is not in a git repository, or the revision does not resolve.
    """
    if revision is None:
        yield path
        return
    tree = GitTree(path, revision)
    with tempfile.TemporaryDirectory(prefix="gitops-schema-rev-") as folder:
        root = Path(folder)
        for file in tree.files():
            target = root / file.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(tree.read(file))
        yield root
