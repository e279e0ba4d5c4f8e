"""A content-addressed store of render outputs, so nothing unchanged renders twice.

A key is the hash of everything a render depends on: the content of each input file (with
its path relative to the rendered folder), the engine's version and the options. An entry
is one JSON file that records its own key. What does not read back as the entry asked for
(half written, garbage, another key's entry, a folder where a file should be) is a miss,
and the render makes it again; a cache that cannot be written is one warning, and the
render goes on without it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from gitops_schema.render.cache_folder import cache_folder
from gitops_schema.render.cache_snapshot import Snapshot

__all__ = [
    "RenderCache",
    "default_cache_dir",
    "input_key",
    "remembered",
    "sweep_once",
    "text_key",
    "tree_digest",
]


def default_cache_dir() -> Path:
    """``.gitops-schema-cache/`` in the user's cache folder (``$XDG_CACHE_HOME`` or ~/.cache)."""
    return Path(cache_folder())


def input_key(root: Path, files: Iterable[Path], *parts: str) -> str:
    """The hash of the files' contents, their paths relative to ``root``, and ``parts``."""
    digest = _digest(parts)
    for path in sorted(files):
        digest.update(os.path.relpath(path, root).encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def tree_digest(paths: Iterable[Path], *, aliases: Mapping[Path, Path] | None = None) -> str:
    """The hash of every file under ``paths`` (files or folders), ``.git`` aside.

    Missing paths count as empty, so a key built on them changes when they appear. A path
    in ``aliases`` is hashed under the name given there: a temporary copy of a folder (a
    git revision's) as the folder it stands for. Links to folders are not followed.
    """
    digest = hashlib.sha256()
    for top in paths:
        named = aliases.get(top, top) if aliases else top
        digest.update(str(named).encode() + b"\0")
        # Every command hashes the whole repository: names stay strings, and whether an
        # entry is a regular file comes with its folder's listing (no stat of its own).
        files = [(".", str(top), True)] if top.is_file() else sorted(_files(str(top), ""))
        for name, path, regular in files:
            digest.update(name.encode() + b"\0")
            if not regular:
                # A FIFO or device is never read: it would block, or never end.
                digest.update(b"special\0")
                continue
            try:
                with open(path, "rb") as file:
                    digest.update(hashlib.sha256(file.read()).digest())
            except OSError:
                digest.update(b"unreadable\0")
    return digest.hexdigest()


def _files(folder: str, prefix: str) -> Iterator[tuple[str, str, bool]]:
    """(name relative to the top, path, is a regular file) of each file under ``folder``."""
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:
        return
    for entry in entries:
        name = prefix + entry.name
        try:
            is_dir = entry.is_dir()
            regular = not is_dir and entry.is_file()
        except OSError:
            is_dir, regular = False, False
        if is_dir:
            if entry.name != ".git" and not entry.is_symlink():
                yield from _files(entry.path, name + "/")
            continue
        yield name, entry.path, regular


def text_key(*parts: str) -> str:
    """The hash of ``parts``, for a cache entry whose inputs are all text in hand."""
    return _digest(parts).hexdigest()


def _digest(parts: Iterable[str]) -> hashlib._Hash:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0")
    return digest


@dataclass(frozen=True, slots=True)
class RenderCache:
    """Render outputs stored under ``directory``, one file per key."""

    directory: Path
    problems: list[str] = field(default_factory=list, compare=False, repr=False)
    """Why the cache could not be written, once: the render then goes on without it."""

    @classmethod
    def default(cls) -> RenderCache:
        """The cache in the user's cache folder."""
        return cls(default_cache_dir())

    def get(self, key: str, **shape: type) -> dict[str, Any] | None:
        """The entry stored under ``key`` when it reads back as one, else None (a miss).

        ``shape`` names the fields the caller reads and their types (``manifests`` and
        ``apps`` are lists of mappings); an entry without one of them, of another type, or recording
        another key than ``key`` is not taken.
        """
        try:
            entry = json.loads(self._path(key).read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.pop(_KEY, None) != key:
            return None
        for name, kind in shape.items():
            value = entry.get(name)
            if not isinstance(value, kind):
                return None
            if (
                name in _OBJECT_LISTS
                and isinstance(value, list)
                and not all(isinstance(item, dict) for item in value)
            ):
                return None
        return entry

    def put(self, key: str, entry: dict[str, Any]) -> None:
        """Store ``entry`` under ``key``.

        Written in place, without a temporary file and a rename (which cost more than the
        write on some disks): an entry is a function of its key, so concurrent writers
        write the same bytes, and a reader that sees a partial entry sees JSON that does
        not parse, which :meth:`get` takes for a miss.
        """
        if self.problems:
            return  # Unwritable: said once, the render goes on uncached.
        path = self._path(key)
        sweep_once(path.parent.parent)
        # dumps, not dump: only the former runs the C encoder.
        text = json.dumps({**entry, _KEY: key}, separators=(",", ":"))
        try:
            try:
                path.write_text(text, encoding="utf-8")
            except (FileNotFoundError, NotADirectoryError):
                if not path.parent.parent.exists():
                    # The first entry of this build of the code: a moment to drop what
                    # other builds left, which nothing reads again.
                    _prune(self.directory, keep=path.parent.parent.name)
                _make_folders(self.directory, path.parent)
                path.write_text(text, encoding="utf-8")
        except OSError as error:
            # Read-only, full, or garbage where a folder should be: no entry is better
            # than a failed render; a half-written one would read as a miss anyway.
            with _sweeping:
                if not self.problems:
                    self.problems.append(f"{error.strerror or error} ({error.filename or path})")
            with contextlib.suppress(OSError):
                path.unlink()

    def problem(self) -> str | None:
        """Why entries could not be stored in this cache, if they could not."""
        return self.problems[0] if self.problems else None

    def _path(self, key: str) -> Path:
        # Joined as text, made a Path once: a render looks up hundreds of entries.
        return Path(os.path.join(self.directory, code_digest()[:16], key[:2], f"{key}.json"))


_KEY = "key"
"""The field every entry records its own key in."""
_OBJECT_LISTS = frozenset({"manifests", "apps"})
"""Fields that are lists of mappings (objects, rendered applications)."""


def _make_folders(directory: Path, folder: Path) -> None:
    """``folder`` (below the cache ``directory``) and the folders between them.

    Below ``directory``, a file in the way is garbage and is replaced by the folder.

    Raises:
        OSError: a folder cannot be made.
    """
    directory.mkdir(parents=True, exist_ok=True)
    below = folder.relative_to(directory).parts
    current = directory
    for part in below:
        current = current / part
        if current.is_symlink() or (current.exists() and not current.is_dir()):
            current.unlink()
        current.mkdir(exist_ok=True)


_NAMESPACE = re.compile(r"[0-9a-f]{16}")
STALE_AFTER = 7 * 24 * 3600.0
"""Seconds after which the entries of another build of the code are removed."""


ENTRY_LIFETIME = 30 * 24 * 3600.0
"""Seconds an entry is kept after it was written; one still in use is simply made again."""
_SWEEP_EVERY = 24 * 3600.0
_SWEPT = ".swept"
_swept: set[Path] = set()
_sweeping = threading.Lock()


def sweep_once(namespace: Path) -> None:
    """Remove the entries older than ``ENTRY_LIFETIME``: once a process, at most daily.

    ``namespace`` is a folder of bucket folders of entries. Without it the cache of a
    long-lived checkout would only grow, one entry per state of every build it ever
    rendered.
    """
    with _sweeping:
        if namespace in _swept:
            return
        _swept.add(namespace)
    marker = namespace / _SWEPT
    now = time.time()
    try:
        if now - marker.stat().st_mtime < _SWEEP_EVERY:
            return
    except FileNotFoundError:
        if not namespace.is_dir():
            return  # A new namespace: nothing to sweep yet.
    except OSError:
        return
    try:
        marker.touch()
        buckets = [bucket for bucket in namespace.iterdir() if bucket.is_dir()]
    except OSError:
        return
    for bucket in buckets:
        try:
            entries = list(bucket.iterdir())
        except OSError:
            continue
        for entry in entries:
            try:
                if now - entry.stat().st_mtime > ENTRY_LIFETIME:
                    entry.unlink()
            except OSError:
                continue


def _prune(directory: Path, *, keep: str) -> None:
    """Remove the entry folders of other builds of the code unused for ``STALE_AFTER``."""
    now = time.time()
    try:
        # Only code-digest folders: others (downloaded charts) share the cache folder.
        namespaces = [
            p
            for p in directory.iterdir()
            if p.is_dir() and p.name != keep and _NAMESPACE.fullmatch(p.name)
        ]
    except OSError:
        return
    for namespace in namespaces:
        try:
            # A bucket folder's time changes whenever an entry is added to it.
            newest = max(p.stat().st_mtime for p in [namespace, *namespace.iterdir()])
        except OSError:
            continue
        if now - newest > STALE_AFTER:
            shutil.rmtree(namespace, ignore_errors=True)


@cache
def code_digest() -> str:
    """The hash of this package's code: entries of another build of it are not read.

    A render's output depends on the code that made it as much as on its inputs, and a
    version number does not change with every edit. Hashing the code takes longer than
    many commands; the hash is remembered beside the cache under a snapshot of the code
    files' status (:class:`.cache_snapshot.Snapshot`), so it is made again only when one
    of them changed.
    """
    return code_tree_digest(Path(__file__).resolve().parents[1])


def code_tree_digest(package: Path) -> str:
    """The hash of the ``.py`` files under ``package``, remembered by their status."""
    status = Snapshot.take([(str(package), ".py")], []).status
    if any(len(entry) == 3 and entry[1] == "link" for entry in status[0]):
        # A linked folder's files are hashed, but its link alone is in the snapshot.
        return tree_digest(sorted(package.rglob("*.py")))
    return remembered(
        _CODE_DIGESTS,
        text_key("code", json.dumps(status)),
        lambda: tree_digest(sorted(package.rglob("*.py"))),
        # A few builds at most: one checkout switching branches, not every edit ever made.
        keep=8,
    )


def remembered(memo: str, key: str, make: Callable[[], str], *, keep: int | None = None) -> str:
    """``make()``, remembered under ``key`` in the file ``memo`` beside the render cache.

    What cannot be read is made again, what cannot be written is not remembered; ``keep``
    bounds the keys kept (the newest).
    """
    path = Path(cache_folder()) / memo
    try:
        known = json.loads(path.read_bytes())
    except (OSError, ValueError):
        known = {}
    if not isinstance(known, dict):
        known = {}
    if isinstance(known.get(key), str):
        return str(known[key])
    made = make()
    kept = list(known.items())[-(keep - 1) :] if keep is not None else list(known.items())
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        # Renamed into place: processes remembering at once leave one whole file.
        written = path.with_name(f"{memo}.{os.getpid()}")
        written.write_text(json.dumps({**dict(kept), key: made}))
        written.replace(path)
    return made


_CODE_DIGESTS = "code-digests.json"
"""Beside the render cache: the hash of the code, by the status of its files."""
