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
rows are kept exact after every write: ``deployments`` (:mod:`.chain`); ``health_transitions``
keeps every health sample (:mod:`.health_rows`).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import groupby
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError, OperationalError

from gitops_schema.store.event_rows import is_event, write_events
from gitops_schema.store.health_rows import write_health
from gitops_schema.store.object_rows import (
    Locked,
    lock,
    refresh_event_states,
    state_changes,
    touch,
    write_states,
)
from gitops_schema.store.operation_rows import write_operations
from gitops_schema.store.partitions import ensure_months
from gitops_schema.store.records import ObjectKey, Observation, Origin
from gitops_schema.store.writing import Context, IngestCounts

__all__ = [
    "IngestCounts",
    "arriving",
    "expect",
    "give_way",
    "ingest",
    "ingest_together",
    "received",
]

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
    """Write ``observations`` in one transaction (retried on PostgreSQL conflicts).

    Flux events (:func:`~.event_rows.is_event`) that other threads of this process are
    writing to the same ``engine`` at the same time may be written in the same transaction
    as theirs (:func:`ingest_together`); each call still returns once its observations are
    committed, with its own counts.
    """
    now = received_at or datetime.now(UTC)
    if observations and all(is_event(observation) for observation in observations):
        return _combined(engine, _Delivery(observations, origin, now))
    _arrived()
    with _writer_turn(engine):
        return ingest_together(engine, [observations], origin=origin, received_at=[now])[0]


def ingest_together(
    engine: Engine,
    deliveries: Sequence[Sequence[Observation]],
    *,
    origin: Origin,
    received_at: Sequence[datetime],
) -> list[IngestCounts]:
    """Write several deliveries in one transaction; the counts of each.

    Each delivery's rows take its own time of arrival (``received_at``, one per delivery);
    an object's state written for several takes the newest.
    """
    tagged = sorted(
        ((observation, index) for index, batch in enumerate(deliveries) for observation in batch),
        key=_object_order,
    )
    ensure_months(
        engine,
        {
            "sync_operations": [op.started_at for o, _ in tagged for op in o.operations],
            "health_transitions": [sample.since for o, _ in tagged for sample in o.health],
        },
    )
    for attempt in range(RETRIES):
        try:
            with engine.begin() as connection:
                tallies = [IngestCounts(objects=len(batch)) for batch in deliveries]
                context = Context(
                    connection,
                    origin,
                    max(received_at),
                    tallies[0],
                    arrivals=list(received_at),
                    tallies=tallies,
                )
                _write(context, tagged)
            for done in context.committed:
                done()
            return tallies
        except DBAPIError as error:
            state = getattr(error.orig, "sqlstate", None)
            if state not in _RETRY_STATES or attempt == RETRIES - 1:
                raise
            time.sleep(0.01 * 2**attempt)
    raise AssertionError("unreachable: the last attempt re-raises")


def _object_order(item: tuple[Observation, int]) -> ObjectKey:
    """:func:`~.object_rows.sort_key`'s order: a key's tool compares as its value."""
    return item[0].state.key


@dataclass(eq=False)
class _Delivery:
    """Flux events waiting for their writer's turn (and what writing them gave)."""

    observations: Sequence[Observation]
    origin: Origin
    received_at: datetime
    taken: bool = False
    # The time of its oldest event: deliveries are written oldest first.
    first: datetime = field(init=False)
    counts: IngestCounts | None = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        times = [o.state.observed_at for o in self.observations if o.state.observed_at]
        self.first = min(times, default=self.received_at)


class _Turn:
    """The writers' turn of one engine, and the deliveries of events waiting for it."""

    def __init__(self, engine: Engine) -> None:
        self.lock = threading.Lock()
        self.waiting: list[_Delivery] = []
        self.waiting_lock = threading.Lock()
        event.listen(engine, "before_cursor_execute", _waiting_for_the_database)
        event.listen(engine, "after_cursor_execute", _back_from_the_database)


# Set while the threads that parse deliveries may run: cleared while a writer of events holds
# its turn and runs Python (between its statements), set while it waits for the database.
PARSERS_MAY_RUN = threading.Event()
PARSERS_MAY_RUN.set()
_WRITER = threading.local()
# A parser waits this long at most for the writer to reach its next statement.
PARSER_WAIT_SECONDS = 0.05


def give_way() -> None:
    """Wait while a writer of events runs Python (:data:`PARSER_WAIT_SECONDS` at most).

    Called by threads that parse deliveries, every few events. The threads of one process
    share one interpreter lock, which a thread that wants it gets after the holder ran a
    switch interval: with parsers running, each stretch of Python the writer runs between
    two statements takes turns with all of them, and every other writer waits for the turn
    it holds. Parsers wait instead, and run while it waits for the database.
    """
    PARSERS_MAY_RUN.wait(PARSER_WAIT_SECONDS)


@contextmanager
def _writing_first() -> Iterator[None]:
    _WRITER.active = True
    PARSERS_MAY_RUN.clear()
    try:
        yield
    finally:
        _WRITER.active = False
        PARSERS_MAY_RUN.set()


def _waiting_for_the_database(*_: Any) -> None:
    if getattr(_WRITER, "active", False):
        PARSERS_MAY_RUN.set()


def _back_from_the_database(*_: Any) -> None:
    if getattr(_WRITER, "active", False):
        PARSERS_MAY_RUN.clear()


_TURNS: WeakKeyDictionary[Engine, _Turn] = WeakKeyDictionary()
_TURNS_LOCK = threading.Lock()
# A writer waits this long for its turn, then writes alongside the others: a turn held by a
# writer stuck on an unreachable database must not stop the rest from spooling.
TURN_SECONDS = 5.0
# Events written together at most: enough to share each object's reads and updates among
# several deliveries, few enough that the next ones are parsed while these are written.
TOGETHER_EVENTS = 1_000


def _turn(engine: Engine) -> _Turn:
    with _TURNS_LOCK:
        turn = _TURNS.get(engine)
        if turn is None:
            turn = _TURNS[engine] = _Turn(engine)
        return turn


@contextmanager
def _writer_turn(engine: Engine) -> Iterator[None]:
    """This process's writers to ``engine`` take turns here (for :data:`TURN_SECONDS` at most).

    The writers of one process share its interpreter: running their transactions at once
    gains nothing but queues on the objects' row locks (concurrent batches of one object's
    events wait for each other while holding their other objects). SQLite has one writer at
    a time anyway, and a writer that finds it busy sleeps in steps of up to 100 ms. Several
    processes still write at once; the database's locks and unique keys keep them apart.
    """
    turn = _turn(engine).lock
    mine = turn.acquire(timeout=TURN_SECONDS)
    try:
        yield
    finally:
        if mine:
            turn.release()


def _combined(engine: Engine, delivery: _Delivery) -> IngestCounts:
    """Write ``delivery`` in this thread's turn, with the deliveries that waited for it.

    The writer whose turn comes takes the oldest deliveries of events waiting (up to
    :data:`TOGETHER_EVENTS` events; first waiting for those being parsed when fewer wait)
    and writes them in one transaction: the objects they share are locked, read and updated
    once, and their events come in one chain instead of late ones re-deriving what another
    delivery wrote a moment before. It goes on until its own delivery is written. Each
    waiting thread returns when its delivery is committed (or raises what writing it
    raised).
    """
    turn = _turn(engine)
    with turn.waiting_lock:
        turn.waiting.append(delivery)
    _arrived()  # once waiting, where a writer takes it
    with _writer_turn(engine):
        while not delivery.taken:
            with turn.waiting_lock:
                waiting = sum(len(other.observations) for other in turn.waiting)
            if waiting < TOGETHER_EVENTS:
                _gather()
            with turn.waiting_lock:
                taken = _take(turn.waiting)
            if taken:
                _write_taken(engine, taken)
    delivery.done.wait()
    if delivery.error is not None:
        raise delivery.error
    assert delivery.counts is not None
    return delivery.counts


# Deliveries being received or parsed in this process (:func:`expect`, :func:`arriving`),
# numbered in the order they arrived, and the condition a writer waits on for them.
_ARRIVING = threading.Condition()
_parsing: set[int] = set()
_numbers = itertools.count()
_ARRIVING_HERE = threading.local()
# A writer waits this long at most for the deliveries being received or parsed to join its
# transaction: about what parsing the deliveries of a few concurrent senders takes.
GATHER_SECONDS = 0.05


def expect() -> int:
    """A delivery is being received (in any thread): its ticket for :func:`arriving`.

    Until it is parsed or :func:`received` gives it up, writers wait for it as for one
    being parsed.
    """
    with _ARRIVING:
        number = next(_numbers)
        _parsing.add(number)
    return number


def received(ticket: int) -> None:
    """The delivery of ``ticket`` is parsed or refused: writers need not wait for it."""
    with _ARRIVING:
        if ticket in _parsing:
            _parsing.discard(ticket)
            _ARRIVING.notify_all()


@contextmanager
def arriving(ticket: int | None = None) -> Iterator[None]:
    """Around the parsing of a delivery that will be ingested in this thread.

    While it is received (``ticket``, from :func:`expect`) and parsed, a writer whose turn
    comes waits for it (:data:`GATHER_SECONDS` at most) so that both go in one transaction:
    deliveries sent at once (retries, several senders, a controller's burst) are written
    together, in the order of their events, instead of a late one re-deriving what the
    other wrote a moment before.
    """
    _ARRIVING_HERE.number = expect() if ticket is None else ticket
    try:
        yield
    finally:
        _arrived()


def _arrived() -> None:
    """This thread's delivery is parsed (or refused): writers need not wait for it."""
    number = getattr(_ARRIVING_HERE, "number", None)
    if number is not None:
        _ARRIVING_HERE.number = None
        received(number)


def _gather() -> None:
    """Wait until the deliveries being received or parsed now are parsed.

    :data:`GATHER_SECONDS` at most. Those that arrive later are not waited for: under a
    steady stream something is always arriving, and what arrives later is mostly newer
    (written next, in order).
    """
    deadline = time.monotonic() + GATHER_SECONDS
    with _ARRIVING:
        if not _parsing:
            return
        last = max(_parsing)
        while _parsing and min(_parsing) <= last:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            _ARRIVING.wait(left)


def _take(waiting: list[_Delivery]) -> list[_Delivery]:
    """The deliveries to write next, taken out of ``waiting``, oldest first.

    They are the oldest delivery and the next oldest of its origin while they fit in
    :data:`TOGETHER_EVENTS` events (the oldest alone when it does not).
    """
    if not waiting:
        return []
    ordered = sorted(waiting, key=lambda delivery: delivery.first)
    origin = ordered[0].origin
    taken: list[_Delivery] = []
    events = 0
    for delivery in ordered:
        if delivery.origin != origin:
            continue
        size = len(delivery.observations)
        if taken and events + size > TOGETHER_EVENTS:
            break
        taken.append(delivery)
        events += size
    chosen = {id(delivery) for delivery in taken}
    waiting[:] = [delivery for delivery in waiting if id(delivery) not in chosen]
    for delivery in taken:
        delivery.taken = True
    return taken


def _write_taken(engine: Engine, taken: list[_Delivery]) -> None:
    """Write the deliveries together, else each one alone.

    Alone when writing them together fails otherwise than by an unreachable database, so
    that one refused delivery does not refuse the others.
    """
    try:
        try:
            with _writing_first():
                counts = ingest_together(
                    engine,
                    [delivery.observations for delivery in taken],
                    origin=taken[0].origin,
                    received_at=[delivery.received_at for delivery in taken],
                )
        except OperationalError as error:
            for delivery in taken:
                delivery.error = error
            return
        except Exception as error:
            if len(taken) == 1:
                taken[0].error = error
                return
            for delivery in taken:
                _write_alone(engine, delivery)
            return
        for delivery, count in zip(taken, counts, strict=True):
            delivery.counts = count
    finally:
        for delivery in taken:
            delivery.done.set()


def _write_alone(engine: Engine, delivery: _Delivery) -> None:
    try:
        delivery.counts = ingest_together(
            engine,
            [delivery.observations],
            origin=delivery.origin,
            received_at=[delivery.received_at],
        )[0]
    except Exception as error:
        delivery.error = error


def _write(ctx: Context, tagged: Sequence[tuple[Observation, int]]) -> None:
    groups = [list(group) for _, group in groupby(tagged, key=lambda item: item[0].state.key)]
    if not groups:
        return
    locked = lock(ctx, {group[0][0].state.key: group[0][0].state for group in groups})
    events: list[tuple[int, Observation, int]] = []
    changes: dict[int, dict[str, Any]] = {}
    for group in groups:
        row = locked[group[0][0].state.key]
        if all(is_event(observation) for observation, _ in group):
            folded = _fold_states(row, [observation for observation, _ in group])
            if folded is not None:
                changes[row.id] = folded
            events.extend((row.id, observation, index) for observation, index in group)
        else:
            _write_each(ctx, row, group)
            ctx.use_all()
    versions = {row.id: row.version for row in locked.values()}
    write_events(ctx, events, changes, versions)


def _fold_states(row: Locked, group: list[Observation]) -> dict[str, Any] | None:
    """The columns the states of one object's observations set, folded in arrival order."""
    folded: dict[str, Any] | None = None
    for observation in group[1:] if row.created else group:
        changes = state_changes(row, observation.state)
        if changes is not None:
            if folded is None:
                folded = changes
            else:
                folded.update(changes)
    return folded


def _write_each(ctx: Context, row: Locked, group: list[tuple[Observation, int]]) -> None:
    """Write one object's observations one after the other (each for its delivery)."""
    for position, (observation, index) in enumerate(group):
        ctx.use(index)
        if position > 0 or not row.created:
            changes = state_changes(row, observation.state)
            if changes is not None:
                write_states(ctx, {row.id: changes})
        if write_operations(ctx, row.id, observation.operations):
            touch(ctx, row.id)
        if observation.state.partial and observation.operations:
            refresh_event_states(ctx, [row.id])
        for sample in observation.health:
            write_health(ctx, row.id, sample)
