"""Scratch folders for builds: in memory when the machine offers it.

A Flux or Argo CD build writes a small tree of symlinks and generated files that lives for
one engine run. On a journaling disk each of those entries can cost a millisecond, which
adds up to seconds over a repository; on ``/dev/shm`` (tmpfs) it costs microseconds.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

__all__ = ["scratch_folder"]

_MEMORY = Path("/dev/shm")


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
    with tempfile.TemporaryDirectory(prefix=prefix, dir=memory) as folder:
        yield Path(folder)


@cache
def _memory_folder() -> str | None:
    # None lets tempfile choose (TMPDIR, /tmp, ...), as on machines without tmpfs.
    if _MEMORY.is_dir() and os.access(_MEMORY, os.W_OK | os.X_OK):
        return str(_MEMORY)
    return None
