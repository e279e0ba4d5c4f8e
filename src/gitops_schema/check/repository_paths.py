"""Where each reported file is in its repository, for reports read against the repository.

GitHub code scanning places a SARIF result by its path from the repository's root, and
ignores ``originalUriBaseIds``: the path must not depend on the form the checked folder was
given in (``.``, ``apps``, ``/abs/repo``, ``../repo``) nor on the folder the check ran in.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from gitops_schema.load.git import work_tree

__all__ = ["repository_paths"]


def repository_paths(root: str, files: Iterable[str]) -> dict[str, str]:
    """Each of ``files`` (display paths, relative to ``root``) as a path from its repository's root.

    The repository is the git work tree holding the file; outside git, the checked folder
    (``root``; the current folder when several paths or one file were checked). A file
    outside it (or read from standard input) has no entry.
    """
    anchor = Path(os.path.realpath(root or "."))
    tops: dict[Path, Path | None] = {}
    found: dict[str, str] = {}
    for file in files:
        if file.startswith("<"):
            continue
        full = Path(os.path.normpath(anchor / file))
        if full.parent not in tops:
            top = work_tree(full.parent) if full.parent.is_dir() else None
            tops[full.parent] = Path(os.path.realpath(top)) if top is not None else None
        base = tops[full.parent] or anchor
        if full.is_relative_to(base):
            found[file] = full.relative_to(base).as_posix()
    return found
