"""Idempotent ingest: observations -> rows, the same rows whatever the order or repetition.

One call is one transaction (retried on PostgreSQL serialization failures and deadlocks).
Every object it speaks about is locked first (:mod:`.object_rows`), so several ``serve``
processes can ingest at once. The natural keys are unique constraints:

- an operation: object + ``started_at`` + ``digest`` (``""`` for Argo CD, whose operations
  are keyed by app + startedAt; the event's content digest for Flux; ``"history"`` for an
  Argo CD history entry without ``deployStartedAt``, whose started_at is its deployedAt);
- an Argo CD history entry: object + ``deployed_at`` (:mod:`.operation_rows`);
- a health transition: object + time (:mod:`.health_rows`).

Flux events are written in bulk (:mod:`.event_rows`); Argo CD Applications and polled
objects one operation at a time, each folded into the stored row of the same sync. Derived
rows are kept exact after every write: ``deployments`` (:mod:`.chain`), and
``health_transitions`` drops an observation of the status the object already had.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import groupby
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from gitops_schema.store.event_rows import is_event, write_events
from gitops_schema.store.health_rows import write_health
from gitops_schema.store.object_rows import (
    Locked,
    lock,
    refresh_event_states,
    sort_key,
    state_changes,
    write_states,
)
from gitops_schema.store.operation_rows import write_operations
from gitops_schema.store.partitions import ensure_months
from gitops_schema.store.records import Observation, Origin
from gitops_schema.store.writing import Context, IngestCounts

__all__ = ["IngestCounts", "ingest"]

# PostgreSQL serialization failures and deadlocks are retried this many times.
RETRIES = 5
_RETRY_STATES = {"40001", "40P01"}


def ingest(
    engine: Engine,
    observations: Sequence[Observation],
    *,
    origin: Origin,
    received_at: datetime | None = None,
) -> IngestCounts:
    """Write ``observations`` in one transaction (retried on PostgreSQL conflicts)."""
    ordered = sorted(observations, key=lambda o: sort_key(o.state.key))
    now = received_at or datetime.now(UTC)
    ensure_months(
        engine,
        {
            "sync_operations": [op.started_at for o in ordered for op in o.operations],
            "health_transitions": [sample.since for o in ordered for sample in o.health],
        },
    )
    for attempt in range(RETRIES):
        try:
            with _writer_turn(engine), engine.begin() as connection:
                context = Context(connection, origin, now)
                _write(context, ordered)
                return context.counts
        except DBAPIError as error:
            state = getattr(error.orig, "sqlstate", None)
            if state not in _RETRY_STATES or attempt == RETRIES - 1:
                raise
            time.sleep(0.01 * 2**attempt)
    raise AssertionError("unreachable: the last attempt re-raises")


_WRITERS: WeakKeyDictionary[Engine, threading.Lock] = WeakKeyDictionary()
_WRITERS_LOCK = threading.Lock()
# A writer waits this long for its turn, then writes alongside the others: a turn held by a
# writer stuck on an unreachable database must not stop the rest from spooling.
TURN_SECONDS = 5.0


@contextmanager
def _writer_turn(engine: Engine) -> Iterator[None]:
    """This process's writers to ``engine`` take turns here (for :data:`TURN_SECONDS` at most).

    The writers of one process share its interpreter: running their transactions at once
    gains nothing but queues on the objects' row locks (concurrent batches of one object's
    events wait for each other while holding their other objects). SQLite has one writer at
    a time anyway, and a writer that finds it busy sleeps in steps of up to 100 ms. Several
    processes still write at once; the database's locks and unique keys keep them apart.
    """
    with _WRITERS_LOCK:
        turn = _WRITERS.setdefault(engine, threading.Lock())
    mine = turn.acquire(timeout=TURN_SECONDS)
    try:
        yield
    finally:
        if mine:
            turn.release()


def _write(ctx: Context, observations: Sequence[Observation]) -> None:
    groups = [list(group) for _, group in groupby(observations, key=lambda o: o.state.key)]
    if not groups:
        return
    locked = lock(ctx, {group[0].state.key: group[0].state for group in groups})
    ctx.counts.objects += len(observations)
    events: list[tuple[int, Observation]] = []
    changes: dict[int, dict[str, Any]] = {}
    for group in groups:
        row = locked[group[0].state.key]
        if all(is_event(observation) for observation in group):
            folded = _fold_states(row, group)
            if folded is not None:
                changes[row.id] = folded
            events.extend((row.id, observation) for observation in group)
        else:
            _write_each(ctx, row, group)
    write_events(ctx, events, changes)


def _fold_states(row: Locked, group: list[Observation]) -> dict[str, Any] | None:
    """The columns the states of one object's observations set, folded in arrival order."""
    folded: dict[str, Any] | None = None
    for observation in group[1:] if row.created else group:
        changes = state_changes(row, observation.state)
        if changes is not None:
            folded = {**(folded or {}), **changes}
    return folded


def _write_each(ctx: Context, row: Locked, group: list[Observation]) -> None:
    """Write one object's observations one after the other."""
    for index, observation in enumerate(group):
        if index > 0 or not row.created:
            changes = state_changes(row, observation.state)
            if changes is not None:
                write_states(ctx, {row.id: changes})
        write_operations(ctx, row.id, observation.operations)
        if observation.state.partial and observation.operations:
            refresh_event_states(ctx, [row.id])
        for sample in observation.health:
            write_health(ctx, row.id, sample)
