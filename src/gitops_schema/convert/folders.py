"""Where a conversion reads git sources on disk, confined to their repositories.

A hostile Application or Kustomization may name ``../../etc``, an absolute path or a
symlink loop: such a path is refused (None), never read, as the renderer refuses it.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gitops_schema.render.confine import Confinement, OutsideRepository

__all__ = ["SourceFolders", "normal"]


def normal(url: str) -> str:
    """A repository URL as Argo CD compares them (case, trailing ``/`` and ``.git`` aside)."""
    return url.strip().lower().rstrip("/").removesuffix(".git")


@dataclass(frozen=True, slots=True)
class SourceFolders:
    """Where git repositories are on disk: mapped ones, else the repository read."""

    root: Path
    repos: Mapping[str, Path] = field(default_factory=dict)
    """Normalised repository URL -> folder."""
    _found: dict[tuple[str, str, str], Path | None] = field(
        default_factory=dict, compare=False, repr=False
    )
    _confinements: dict[Path, Confinement] = field(default_factory=dict, compare=False, repr=False)

    def folder(self, url: str) -> Path:
        """The folder holding repository ``url`` (as the renderer resolves it)."""
        return self.repos.get(normal(url), self.root)

    def mapped(self, url: str) -> Path | None:
        """The folder given for ``url`` with ``--repo``, if any."""
        return self.repos.get(normal(url))

    def inside(self, url: str, reference: str, base: str = ".") -> Path | None:
        """``reference`` (relative to ``base``, both in repository ``url``) on disk.

        ``base`` is a folder already found inside (a source's path). An absolute
        reference is read from the repository's root, as Argo CD reads absolute value
        files. None when it leaves the repository (``..``, a symlink out) or cannot be
        resolved (a symlink loop, a NUL byte).
        """
        key = (url, reference, base)
        if key not in self._found:
            self._found[key] = self._inside(url, reference, base)
        return self._found[key]

    def _inside(self, url: str, reference: str, base: str) -> Path | None:
        root = self.folder(url)
        if os.path.isabs(reference):
            reference, base = reference.lstrip("/"), "."
        joined = posixpath.normpath(posixpath.join(base, reference))
        path = Path(os.path.normpath(root / joined))
        if root not in self._confinements:
            self._confinements[root] = Confinement.of(root)
        try:
            self._confinements[root].resolve(joined, base=root)
            os.stat(path)  # a symlink loop
        except (FileNotFoundError, NotADirectoryError):
            # Not there: nothing to read, so nothing to refuse; the caller says it is missing.
            return path
        except (OutsideRepository, OSError):
            return None
        return path
