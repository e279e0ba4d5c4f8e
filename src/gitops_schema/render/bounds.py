"""How long and how much memory one engine call of a render may take.

A repository is untrusted input: a kustomization, a chart or a Jsonnet program can run
for ever or allocate without end. Every engine call runs where it can be stopped (a
process: kustomize, or the engine worker for Helm and Jsonnet) under these bounds, and
hitting one is a failure of that application only ("stopped after 60 s", "used more
than 1 GiB"); the rest renders.

The bounds in force are set for a whole render (:func:`bounded`) and read by the engines
when they start a call, so they need not be handed through every layer of the render.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

__all__ = [
    "DEFAULT_MEMORY",
    "DEFAULT_TIMEOUT",
    "Bounds",
    "bounded",
    "current_bounds",
    "describe_size",
    "ran_out_of_memory",
]

DEFAULT_TIMEOUT = 60.0
"""Seconds one engine call may run (``--timeout``)."""
DEFAULT_MEMORY = 1 << 30
"""Bytes of memory one engine process may use (``--memory-limit``)."""


@dataclass(frozen=True, slots=True)
class Bounds:
    """Wall time and memory one engine call may use."""

    timeout: float = DEFAULT_TIMEOUT
    memory: int = DEFAULT_MEMORY

    def __post_init__(self) -> None:
        if self.timeout <= 0 or self.memory <= 0:
            raise ValueError("a render's time and memory bounds must be positive")

    def stopped(self) -> str:
        """The words of a call stopped at the time bound."""
        return f"stopped after {self.timeout:g} s"

    def exceeded(self) -> str:
        """The words of a call that went past the memory bound."""
        return f"used more than {describe_size(self.memory)}"


_lock = threading.Lock()
_current = Bounds()


def current_bounds() -> Bounds:
    """The bounds in force for engine calls starting now."""
    return _current


@contextmanager
def bounded(bounds: Bounds) -> Iterator[Bounds]:
    """Engine calls made inside the block are held to ``bounds``."""
    global _current
    with _lock:
        previous, _current = _current, bounds
    try:
        yield bounds
    finally:
        with _lock:
            _current = previous


_MEMORY_WORDS = (
    "out of memory",
    "cannot allocate memory",
    "memory allocation error",
    "bad_alloc",
    "MemoryError",
    # Under an address-space limit a new thread's stack is what fails to map first.
    "pthread_create failed",
    "failed to create new OS thread",
)
"""How Go's runtime, C++ and Python say that an allocation failed."""


def ran_out_of_memory(printed: str) -> bool:
    """Whether what an engine printed as it failed says that memory ran out."""
    return any(word in printed for word in _MEMORY_WORDS)


def describe_size(size: int) -> str:
    """``1 GiB``, ``512 MiB``, ``1.5 GiB``: a byte count as a person reads it."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.4g} {unit}"
    return f"{size} bytes"
