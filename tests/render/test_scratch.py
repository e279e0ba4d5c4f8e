"""Scratch folders: in memory when there is room, on disk otherwise."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from gitops_schema.render.scratch import scratch_folder

MEMORY = Path("/dev/shm")


def test_small_scratch_is_in_memory_and_a_big_one_on_disk() -> None:
    in_memory = MEMORY.is_dir() and os.access(MEMORY, os.W_OK | os.X_OK)
    with scratch_folder("t-") as small:
        assert small.is_dir() and (small.parent == MEMORY) == in_memory
    assert not small.exists()
    too_big = shutil.disk_usage(MEMORY).free if in_memory else 1
    with scratch_folder("t-", size=too_big) as big:
        assert big.is_dir() and big.parent != MEMORY
    assert not big.exists()
