"""A bounded pool for renders that run side by side.

The one place threads are started for work that callers outside ``render/`` hand in.

The engines are separate processes or release the GIL, so threads are enough; results
come back in the order of the items, so output never depends on which finished first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from gitops_schema.render.kustomize import max_workers

_T = TypeVar("_T")
_R = TypeVar("_R")


def in_parallel(render: Callable[[_T], _R], items: Sequence[_T]) -> list[_R]:
    """``render`` of every item, run on a thread per core, in the order of ``items``."""
    if len(items) < 2:
        return [render(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(len(items), max_workers())) as pool:
        return list(pool.map(render, items))
