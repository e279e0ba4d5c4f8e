"""Pausing Python's cycle collector while bulk-loading.

Loading and typing a repository allocates millions of small containers that all stay
alive; each collection pass re-scans them, which doubled load and typing times. They form
no reference cycles (reference counting frees them), so the collector is paused for the
duration, and what survives is moved out of its sight (``gc.freeze``) so that the first
collection afterwards does not pay the whole bill at once.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cycle collector inside the block (re-entrant; restores the old state)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()
