"""Confinement: every path a repository names resolves inside that repository.

A render reads what a repository's objects name: an Application's ``path`` and value
files, a kustomization's resources and generator files, a Flux Kustomization's ``path``,
a HelmRelease's chart and ``valuesFiles``. None of them may read a file of the machine
that is outside the repository (or outside a folder the user trusts explicitly with
``--allow-outside``): an absolute path, a ``../`` that climbs above the root, or a
symlink whose target is outside ("out-of-bounds symlinks", as Argo CD calls them) is
refused, and each refusal is a diagnostic that says "outside the repository".

:class:`Confinement` is one repository root with the folders trusted beside it;
:meth:`Confinement.resolve` is the check every reader goes through, and
:func:`resolve_inside` the same check as a plain function, for engines that resolve
paths in callbacks (Jsonnet imports, Helm ``.Files``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = [
    "OUTSIDE",
    "Confinement",
    "OutsideRepository",
    "escaping_links",
    "is_inside",
    "resolve_inside",
]

OUTSIDE = "outside the repository"
"""The words every refusal says, so users (and CI greps) find them all."""

Absolute = Literal["refuse", "root"]
"""What an absolute reference means: refused, or relative to the repository root (Argo
CD's reading of an absolute Helm value file)."""


class OutsideRepository(ValueError):
    """A reference that resolves outside the repository; the message says which and why."""

    def __init__(self, reference: str, reason: str) -> None:
        super().__init__(f"{reference!r} {reason}")
        self.reference = reference
        self.reason = reason


def is_inside(path: Path, root: Path) -> bool:
    """Whether the resolved ``path`` is ``root`` or below it (``root`` resolved too)."""
    return path == root or path.is_relative_to(root)


def _real(path: Path) -> Path:
    """``path`` with every symlink followed; a loop or a bad name cannot be inside anything.

    Raises:
        OutsideRepository: the path cannot be resolved (a symlink loop, a NUL byte).
    """
    try:
        return Path(os.path.realpath(path, strict=False))
    except (OSError, ValueError, RuntimeError) as error:
        raise OutsideRepository(str(path), f"cannot be resolved ({error})") from error


@dataclass(frozen=True, slots=True)
class Confinement:
    """A repository root, and the folders the user trusts beside it.

    Both are resolved (symlinks followed) when made with :meth:`of`, so that a check is a
    prefix test on resolved paths.
    """

    root: Path
    allowed: tuple[Path, ...] = ()

    @classmethod
    def of(cls, root: Path, allowed: Iterable[Path] = ()) -> Confinement:
        """The confinement of ``root``, widened to the ``allowed`` folders."""
        return cls(_real(root.absolute()), tuple(_real(p.absolute()) for p in allowed))

    @classmethod
    def around(cls, folder: Path) -> Confinement:
        """The repository a folder belongs to: its git work tree, else the folder itself.

        What a build of a folder may read when the caller names no repository.
        """
        start = _real(folder.absolute())
        for candidate in (start, *start.parents):
            if (candidate / ".git").exists():
                return cls(candidate)
        return cls(start)

    def contains(self, path: Path) -> bool:
        """Whether ``path``, with its symlinks followed, is inside the root or a trusted folder."""
        try:
            return self._holds(_real(path.absolute()))
        except OutsideRepository:
            return False

    def resolve(
        self, reference: str, *, base: Path | None = None, absolute: Absolute = "refuse"
    ) -> Path:
        """``base / reference`` with its symlinks followed, when that is inside.

        Args:
            reference: a path as the repository wrote it (relative, or absolute).
            base: the folder a relative reference is relative to; the root when None.
            absolute: ``"refuse"`` an absolute reference, or read it from the ``"root"``.

        Returns:
            The resolved path; it need not exist.

        Raises:
            OutsideRepository: the reference is absolute (and refused), contains a NUL
                byte, or resolves (through ``..`` or a symlink) outside the root and
                every trusted folder.
        """
        if "\0" in reference:
            raise OutsideRepository(reference, "holds a NUL byte")
        if os.path.isabs(reference):
            if absolute == "refuse":
                raise OutsideRepository(reference, f"is an absolute path: {OUTSIDE}")
            start, reference = self.root, reference.lstrip("/")
        else:
            start = _real(base.absolute()) if base is not None else self.root
        # Engines join paths as text ("a/link/../b" is "a/b") and the system then follows
        # the links of what is left: both readings must stay inside.
        lexical = Path(os.path.normpath(os.path.join(start, reference)))
        if not self._holds(lexical):
            raise OutsideRepository(reference, f"climbs to {self._beside(lexical)}, {OUTSIDE}")
        real = _real(lexical)
        if not self._holds(real):
            raise OutsideRepository(reference, f"resolves to {self._beside(real)}, {OUTSIDE}")
        return real

    def shown(self, path: Path) -> str:
        """``path`` as a message shows it: relative to the root when inside it."""
        return os.path.relpath(path, self.root) if is_inside(path, self.root) else str(path)

    def _beside(self, path: Path) -> str:
        """A path outside the root as a message shows it.

        From the root when it is beside it (``../shared``), else whole (``/etc``): a
        message never tells where the repository itself is.
        """
        shown = os.path.relpath(path, self.root)
        return str(path) if shown.startswith("../..") else shown

    def _holds(self, path: Path) -> bool:
        return any(is_inside(path, top) for top in (self.root, *self.allowed))


def root_hint(root: Path, path: str) -> str:
    """What to say when ``path`` is not in ``root`` but is from the top of its work tree.

    Then ``root`` was a subfolder of the repository (``render .`` in ``clusters/``),
    while Argo CD and Flux read paths from the repository's root.
    """
    from gitops_schema.load.git import work_tree  # only for a path not found

    top = work_tree(root)
    if top is None or top.resolve() == root.resolve() or not (top / path).exists():
        return ""
    shown = os.path.relpath(top, root)
    return (
        "; the folder given is a subfolder of its git repository, whose paths start at its root: "
        f"give {shown} (the path is at {shown}/{path.removeprefix('./')})"
    )


def resolve_inside(
    root: Path,
    reference: str,
    *,
    base: Path | None = None,
    allowed: Iterable[Path] = (),
    absolute: Absolute = "refuse",
) -> Path:
    """:meth:`Confinement.resolve` as one call: ``reference`` from ``base``, inside ``root``.

    For engines that resolve paths one at a time in their own callbacks (a Jsonnet import,
    a chart's ``.Files``): ``root`` is the folder they may read, ``allowed`` the trusted
    folders beside it.

    Raises:
        OutsideRepository: the reference leaves ``root`` and every ``allowed`` folder.
    """
    return Confinement.of(root, allowed).resolve(reference, base=base, absolute=absolute)


def escaping_links(folder: Path, confinement: Confinement) -> Iterator[Path]:
    """Every symlink under ``folder`` (``folder`` included) whose target is outside.

    Symlinked folders that stay inside are not walked into again (their own tree is
    walked where it really is), so a link loop ends.
    """
    if folder.is_symlink() and not confinement.contains(folder):
        yield folder
        return
    for current, dirs, files in os.walk(folder):
        for name in [*dirs, *files]:
            path = Path(current, name)
            if path.is_symlink() and not confinement.contains(path):
                yield path
