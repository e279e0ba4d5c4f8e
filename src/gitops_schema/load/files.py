"""Which files of a tree are configuration, and reading them from the file system."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from fnmatch import fnmatchcase as fnmatch
from pathlib import Path

from gitops_schema.errors import LoadError

EXTENSIONS = frozenset({".yaml", ".yml", ".json"})
"""File name endings read when walking a folder (a file named explicitly is always read)."""


def select(paths: Iterable[str], exclude: Sequence[str] = ()) -> list[str]:
    """The configuration files among relative POSIX paths, sorted.

    Hidden files and folders (``.git``, ``.github``, ``.sops.yaml``) are left out, and so
    are the templates of Helm charts: ``templates/`` beside a ``Chart.yaml`` holds Go
    templates, not YAML, and is the render stage's business. ``exclude`` patterns are
    matched as :func:`excluded` says.
    """
    all_paths = sorted(paths)
    template_dirs = tuple(
        f"{p[: -len('Chart.yaml')]}templates/"
        for p in all_paths
        if p == "Chart.yaml" or p.endswith("/Chart.yaml")
    )
    chosen: list[str] = []
    for p in all_paths:
        dot = p.rfind(".")
        if dot < 0 or p[dot:].lower() not in EXTENSIONS:
            continue
        if p.startswith(".") or "/." in p:
            continue
        if template_dirs and p.startswith(template_dirs):
            continue
        if exclude and excluded(p, exclude):
            continue
        chosen.append(p)
    return chosen


def excluded(path: str, patterns: Sequence[str]) -> bool:
    """Whether a relative POSIX path is excluded by one of the glob patterns.

    As in ``.gitignore``: a pattern without ``/`` matches any file or folder name on the
    path (``seed-as-written``, ``*.generated.yaml``); a pattern with ``/`` matches the
    path from the root, and everything under it when it names a folder (``apps/legacy``).
    """
    parts = path.split("/")
    for raw in patterns:
        pattern = raw.strip("/")
        if "/" in pattern:
            if fnmatch(path, pattern) or fnmatch(path, pattern + "/*"):
                return True
        elif any(fnmatch(part, pattern) for part in parts):
            return True
    return False


def walk(root: Path) -> Iterator[str]:
    """Every file under ``root`` as a relative POSIX path, hidden folders pruned.

    A symlink whose target is outside ``root`` is left out: what it points to is not part
    of the repository, and is neither read nor quoted.
    """
    top = os.path.realpath(root)
    for folder, dirs, files in os.walk(root, onerror=_raise):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel = Path(folder).relative_to(root)
        for name in files:
            path = os.path.join(folder, name)
            if os.path.islink(path) and not _inside(os.path.realpath(path), top):
                continue
            yield (rel / name).as_posix()


def _inside(path: str, top: str) -> bool:
    return path == top or path.startswith(top.rstrip("/") + "/")


def _raise(error: OSError) -> None:
    raise LoadError(f"cannot read folder {error.filename}: {error.strerror}")


def folder_prefix(base: str) -> str:
    """What a file's shown path starts with under the folder given as ``base``.

    Nothing under ``.`` (``apps/web``, not ``./apps/web``), else the folder and a slash.
    """
    return "" if base in ("", ".") else f"{base.rstrip('/')}/"


def display_path(base: str, relative: str) -> str:
    r"""The path shown to users: the argument they gave joined with the file's path.

    Bytes of a name that are not UTF-8 are shown as ``\xNN``: the name stays readable
    and every report it goes into stays valid UTF-8.
    """
    shown = folder_prefix(base) + relative
    if shown.isascii():
        return shown
    return shown.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
