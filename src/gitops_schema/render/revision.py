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


@contextmanager
def materialized(path: Path, revision: str | None) -> Iterator[Path]:
    """``path`` itself without a revision; else a temporary copy of it at ``revision``.

    Raises:
        LoadError: the path is not in a git repository, or the revision does not resolve.
    """
    if revision is None:
        yield path
        return
    from gitops_schema.load.git import GitTree  # pygit2: only when a revision is asked for

    tree = GitTree(path, revision)
    files = list(tree.files())
    with scratch_folder("gitops-schema-rev-", size=sum(f.size for f in files)) as root:
        for file in files:
            target = root / file.path
            target.parent.mkdir(parents=True, exist_ok=True)
            if file.link:
                # A link stays a link, as in a checkout: where it points is then checked
                # like any other, never read as the text of a file.
                target.symlink_to(os.fsdecode(tree.read(file)))
            else:
                target.write_bytes(tree.read(file))
        yield root


def tree_id(path: Path, revision: str) -> str | None:
    """The git id of the tree ``path`` is at ``revision``: its copy is a function of it.

    None when the tree holds a link: a link's copy may point out of it, to files that the
    id does not name.

    Raises:
        LoadError: the path is not in a git repository, or the revision does not resolve.
    """
    from gitops_schema.load.git import GitTree  # pygit2: only when a revision is asked for

    tree = GitTree(path, revision)
    if any(file.link for file in tree.files()):
        return None
    return str(tree.root.id)
