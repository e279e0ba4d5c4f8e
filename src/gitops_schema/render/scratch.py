"""Scratch folders for builds: in memory when the machine offers it.

A Flux or Argo CD build writes a small tree of symlinks and generated files that lives for
one engine run. On a journaling disk each of those entries can cost a millisecond, which
adds up to seconds over a repository; on ``/dev/shm`` (tmpfs) it costs microseconds.

Memory is not given back by a process that dies: each folder's name holds the id of the
process that made it, and the first scratch folder a process makes sweeps the folders of
processes that are gone (a render killed mid-build), so they do not pile up in memory.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

__all__ = ["scratch_folder", "sweep_scratch"]

_MEMORY = Path("/dev/shm")
_OURS = re.compile(r"^gitops-schema-[a-z-]+?-p(\d+)-")
"""A scratch folder's name: its prefix, then ``p<process id>-``, then tempfile's letters."""
_swept: set[str] = set()
_sweeping = threading.Lock()


@contextmanager
def scratch_folder(prefix: str, *, size: int = 0) -> Iterator[Path]:
    """A new empty folder, removed on exit; in memory (``/dev/shm``) when writable.

    Args:
        prefix: the start of the folder's name.
        size: bytes the caller will write, beyond a few small files: the folder goes to
            disk instead when memory has less than four times that free.
    """
    memory = _memory_folder()
    if memory is not None and size and shutil.disk_usage(memory).free < 4 * size:
        memory = None
    where = memory or tempfile.gettempdir()
    with _sweeping:
        sweep = where not in _swept
        _swept.add(where)
    if sweep:
        sweep_scratch(Path(where))
    with tempfile.TemporaryDirectory(prefix=f"{prefix}p{os.getpid()}-", dir=where) as folder:
        yield Path(folder)


def sweep_scratch(folder: Path) -> list[Path]:
    """Remove the scratch folders in ``folder`` that processes now gone left; those removed.

    Only folders of this user, named as :func:`scratch_folder` names them, whose process
    no longer runs.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        named = _OURS.match(entry.name)
        if named is None or _alive(int(named.group(1))):
            continue
        try:
            if not entry.is_dir(follow_symlinks=False) or entry.stat().st_uid != os.getuid():
                continue
        except OSError:
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        removed.append(Path(entry.path))
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # Someone else's process, or not a process id we can ask about.
    return True


@cache
def _memory_folder() -> str | None:
    # None lets tempfile choose (TMPDIR, /tmp, ...), as on machines without tmpfs.
    if _MEMORY.is_dir() and os.access(_MEMORY, os.W_OK | os.X_OK):
        return str(_MEMORY)
    return None
