"""A bounded pool for renders that run side by side.

The one place threads are started: for the renders of ``render/`` itself (builds alone
or in shared runs) and for work that callers outside ``render/`` hand in.

The engines are separate processes or release the GIL, so threads are enough; results
come back in the order of the items, so output never depends on which finished first.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

_T = TypeVar("_T")
_R = TypeVar("_R")


def max_workers() -> int:
    """How many renders run at once: one per core the process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def in_parallel(
    render: Callable[[_T], _R], items: Sequence[_T], *, workers: int | None = None
) -> list[_R]:
    """``render`` of every item, in the order of ``items``.

    On ``workers`` threads at most (a thread per core by default); one item runs here.
    """
    if len(items) < 2:
        return [render(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(len(items), workers or max_workers())) as pool:
        return list(pool.map(render, items))
