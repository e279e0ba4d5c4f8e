"""``render -o DIR``'s files written so that the folder shows this render, and only it.

Rendered again into the same folder, a render leaves a file whose text is already the one
it would write as it is (its time too, so a watcher or ``rsync`` sees no change), and
removes the files its previous render there wrote that this one no longer makes: an
object deleted from the repository does not stay behind. A file is only removed when it
is still as that render left it (its size and modification time): one the user changed
since is kept and named on standard error. Files the render never wrote are never touched.

What was written is remembered outside the folder, in the cache folder (a rendered folder
is often committed: a record of file times in it would change at every render). This
module imports little: a replayed render writes through it.
"""

from __future__ import annotations

import json
import os
import zlib

from gitops_schema.render.cache_folder import cache_folder

_FORMAT = "render-output-1"
_FOLDER = "outputs"


class Written:
    """How writing the files went: how many were left as they were, which were removed."""

    __slots__ = ("kept", "removed", "shared", "unchanged")

    def __init__(self) -> None:
        self.unchanged = 0
        """Files whose text was already the one to write."""
        self.removed: list[str] = []
        """Files of the previous render that this one no longer makes, removed."""
        self.kept: list[str] = []
        """Files of the previous render, no longer made, changed since: left in place."""
        self.shared = 0
        """Objects whose file is another application's object's (the same object, which
        two applications make: the later one's is written)."""


def _record_path(folder: str) -> str:
    name = f"{zlib.crc32(folder.encode('utf-8', 'surrogateescape')):08x}"
    return os.path.join(cache_folder(), _FOLDER, f"{name}.json")


def _previous(folder: str) -> dict[str, list[int]]:
    """The files the previous render into ``folder`` wrote, with their size and time."""
    try:
        with open(_record_path(folder), "rb") as file:
            data = json.loads(file.read())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("for") != [_FORMAT, folder]:
        return {}
    files = data.get("files")
    if not isinstance(files, dict):
        return {}
    return {name: status for name, status in files.items() if _inside(name)}


def _inside(name: str) -> bool:
    """Whether ``name`` names a file under the folder (so removing it removes nothing else)."""
    return not os.path.isabs(name) and all(part not in ("", ".", "..") for part in name.split("/"))


def _remember(folder: str, files: dict[str, list[int]]) -> None:
    path = _record_path(folder)
    written = f"{path}.{os.getpid()}"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(written, "w", encoding="utf-8") as file:
            json.dump({"for": [_FORMAT, folder], "files": files}, file, separators=(",", ":"))
        os.replace(written, path)
    except OSError:
        import contextlib  # Only here: the replay imports as little as it can.

        # Not remembered: the next render removes nothing, and loses nothing.
        with contextlib.suppress(OSError):
            os.unlink(written)


def _status(path: str) -> list[int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return [found.st_size, found.st_mtime_ns]


def _same_text(path: str, data: bytes) -> bool:
    try:
        if os.stat(path).st_size != len(data):
            return False
        with open(path, "rb") as file:
            return file.read() == data
    except OSError:
        return False


def write_files(output: str, files: list[tuple[str, str]]) -> Written:
    """Write ``files`` (path under ``output``, text) and remove the previous render's others."""
    folder = os.path.realpath(output)
    previous = _previous(folder)
    written = Written()
    made: set[str] = set()
    now: dict[str, list[int]] = {}
    last = dict(files)
    written.shared = len(files) - len(last)
    for name, text in last.items():
        path = os.path.join(output, name)
        data = text.encode("utf-8")
        if _same_text(path, data):
            written.unchanged += 1
        else:
            parent = os.path.dirname(path)
            if parent not in made:
                os.makedirs(parent, exist_ok=True)
                made.add(parent)
            with open(path, "wb") as file:
                file.write(data)
        status = _status(path)
        if status is not None:
            now[name] = status
    for name, status in sorted(previous.items()):
        if name in now:
            continue
        path = os.path.join(output, name)
        if _status(path) != status:
            if os.path.lexists(path):
                written.kept.append(path)
            continue
        try:
            os.unlink(path)
        except OSError:
            written.kept.append(path)
            continue
        written.removed.append(path)
        _remove_empty_folders(output, os.path.dirname(name))
    _remember(folder, now)
    return written


def _remove_empty_folders(output: str, name: str) -> None:
    """Remove the folder ``name`` under ``output`` and its parents while they are empty."""
    while name:
        try:
            os.rmdir(os.path.join(output, name))
        except OSError:
            return
        name = os.path.dirname(name)
