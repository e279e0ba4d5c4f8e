"""What a process keeps per database engine, learnt from what it read and wrote."""

from __future__ import annotations

import threading
from typing import Generic, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Engine

K = TypeVar("K")
V = TypeVar("V")


class PerEngine(Generic[K, V]):
    """Per engine, a mapping this process keeps.

    Once it holds more than ``limit`` entries it is forgotten (emptied, then learnt again).
    ``lock`` guards changes that must be seen whole by other threads.
    """

    def __init__(self, limit: int) -> None:
        self.lock = threading.Lock()
        self._limit = limit
        self._kept: WeakKeyDictionary[Engine, dict[K, V]] = WeakKeyDictionary()

    def of(self, engine: Engine) -> dict[K, V]:
        """The mapping kept for ``engine``."""
        with self.lock:
            known = self._kept.setdefault(engine, {})
            if len(known) > self._limit:
                known.clear()
            return known
