"""What the file system says of a render's inputs: whether they changed, without reading them.

The render cache's keys hash the content of every input file (:func:`.cache.tree_digest`),
so a warm command still reads the whole repository to learn that nothing changed. A
snapshot records each file's status instead: its name, size, inode, modification and
change times. Writing a file gives it a new change time, which no tool can set back (a
modification time can be), and adding, removing or renaming one changes the listing.

A file changed in the same tick of the file system's clock as the snapshot could keep all
of that: such a "racy" file (changed less than :data:`RACY_NS` before the snapshot, or
after it) also has its content hashed, as git's index does, and is hashed again at every
check. Everything imported here is cheap: a warm command checks a snapshot before it loads
anything else.
"""

from __future__ import annotations

import os
import stat
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["RACY_NS", "Snapshot"]

RACY_NS = 2_000_000_000
"""Nanoseconds before the snapshot within which a change makes a file racy: wider than any
file system's clock tick and than the skew of a network file system's clock."""

_SKIPPED = frozenset({".git"})
"""Folders no render reads (as :func:`.cache.tree_digest` skips them)."""


class Snapshot:
    """The status of files and folders at ``taken_ns`` (nanoseconds since the epoch)."""

    # Not a dataclass: importing dataclasses takes longer than a whole check.
    __slots__ = ("paths", "status", "taken_ns", "trees")

    def __init__(
        self,
        taken_ns: int,
        trees: tuple[tuple[str, str], ...],
        paths: tuple[str, ...],
        status: list[Any],
    ) -> None:
        self.taken_ns = taken_ns
        self.trees = trees
        """(folder or file, suffix): everything under it, or only names ending in the
        suffix (``.py``: a package's code, not its byte-code)."""
        self.paths = paths
        """Single files or folders whose own status alone counts (a folder's changes when
        an entry is added to it or removed: the installed packages, a program's folder)."""
        self.status = status

    @classmethod
    def take(cls, trees: Sequence[tuple[str, str]], paths: Sequence[str]) -> Snapshot:
        """The status of ``trees`` and ``paths`` now: take it before reading them."""
        taken = time.time_ns()
        return cls(taken, tuple(trees), tuple(paths), _status(trees, paths, taken))

    def unchanged(self) -> bool:
        """Whether every file and folder still has the status it had."""
        return _status(self.trees, self.paths, self.taken_ns) == self.status

    def to_json(self) -> dict[str, Any]:
        """The snapshot as JSON-able data, for :meth:`from_json`."""
        return {
            "taken": self.taken_ns,
            "trees": [list(tree) for tree in self.trees],
            "paths": list(self.paths),
            "status": self.status,
        }

    @classmethod
    def from_json(cls, data: Any) -> Snapshot | None:
        """The snapshot ``data`` holds, or None when it is not one."""
        try:
            trees = tuple((str(top), str(suffix)) for top, suffix in data["trees"])
            paths = tuple(str(path) for path in data["paths"])
            taken, status = data["taken"], data["status"]
        except (KeyError, TypeError, ValueError):
            return None
        if not isinstance(taken, int) or not isinstance(status, list):
            return None
        return cls(taken, trees, paths, status)


def _status(trees: Sequence[tuple[str, str]], paths: Sequence[str], taken: int) -> list[Any]:
    racy_from = taken - RACY_NS
    status: list[Any] = []
    for top, suffix in trees:
        entries: list[Any] = []
        if os.path.isdir(top) and not os.path.islink(top):
            _walk(top, "", suffix, racy_from, entries)
        else:
            entries.append(_file(top, racy_from))
        status.append(entries)
    status.append([_own(path, racy_from) for path in paths])
    return status


def _walk(folder: str, prefix: str, suffix: str, racy_from: int, into: list[Any]) -> None:
    """Append the status of each entry under ``folder``, in name order."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as error:
        into.append([prefix, "unreadable", error.errno])
        return
    for entry in entries:
        name = prefix + entry.name
        try:
            if entry.is_symlink():
                # A link is followed to a file, never to a folder (as the cache's keys).
                if entry.is_dir():
                    into.append([name, "link", os.readlink(entry.path)])
                    continue
            elif entry.is_dir():
                if suffix:
                    # Only the files named so count: a folder made for byte-code does not.
                    if entry.name != "__pycache__":
                        _walk(entry.path, name + "/", suffix, racy_from, into)
                elif entry.name not in _SKIPPED:
                    into.append([name + "/"])
                    _walk(entry.path, name + "/", suffix, racy_from, into)
                continue
        except OSError as error:
            into.append([name, "unreadable", error.errno])
            continue
        if name.endswith(suffix):
            into.append([name, *_file(entry.path, racy_from)[1:]])


def _file(path: str, racy_from: int) -> list[Any]:
    """[path, size, inode, modification and change times], and the content hash if racy."""
    try:
        found = os.stat(path)
    except OSError as error:
        return [path, "missing", error.errno]
    if not stat.S_ISREG(found.st_mode):
        # A FIFO or a device is never read: it could block, or never end.
        return [path, "special", found.st_mode]
    status = [path, found.st_size, found.st_ino, found.st_mtime_ns, found.st_ctime_ns]
    if max(found.st_mtime_ns, found.st_ctime_ns) >= racy_from:
        status.append(_content_hash(path))
    return status


def _own(path: str, racy_from: int) -> list[Any]:
    """A file's or folder's own status (a folder's listing changes its times).

    A racy one is told by its content: a file's hash, a folder's names.
    """
    try:
        found = os.stat(path)
    except OSError as error:
        return [path, "missing", error.errno]
    status = [path, found.st_size, found.st_ino, found.st_mtime_ns, found.st_ctime_ns]
    if max(found.st_mtime_ns, found.st_ctime_ns) >= racy_from:
        if stat.S_ISDIR(found.st_mode):
            try:
                status.append(sorted(os.listdir(path)))
            except OSError as error:
                status.append(f"unreadable {error.errno}")
        else:
            status.append(_content_hash(path))
    return status


def _content_hash(path: str) -> str:
    import hashlib  # Only for racy files: most checks hash nothing.

    try:
        with open(path, "rb") as file:
            return hashlib.sha256(file.read()).hexdigest()
    except OSError as error:
        return f"unreadable {error.errno}"
