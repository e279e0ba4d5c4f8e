"""What this process knows of each object's chain, valid while the object's row is unchanged.

Writing a batch of events needs, per object, its newest stored outcome and its newest stored
success (:class:`~.event_sql.Newest`). After a batch, this process knows both (what it read
and what it inserted); it keeps them with the version of the object's row it left behind
(``xmin`` and ``ctid`` on PostgreSQL: another row version, another stamp). Every writer
of an object's operations updates the object's row in the same transaction (the event path
writes its derived revision and status, the other paths touch it:
:func:`~.object_rows.touch`), so when the row locked by the next batch still has that
stamp, nothing was written to the object since, by any process, and the chain read is not
needed for it. A batch later than the known newest outcome still reads the database.

SQLite rows have no version: there, and for objects without a known head, the database is
read. Rows removed behind the store's back (dropped partitions) are not seen here until the
process restarts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from sqlalchemy import Engine

from gitops_schema.store.event_sql import Newest, newest_key
from gitops_schema.store.kept import PerEngine
from gitops_schema.store.records import Phase
from gitops_schema.store.writing import ChainKey, Stored

_SUCCESS = Phase.SUCCEEDED.value


class Head(NamedTuple):
    """An object's newest outcome and newest success, as of its row's ``version``."""

    version: str
    outcome: Stored | None
    success: Stored | None


# Heads kept per engine at most, then forgotten and read again (a head holds two stored
# rows, about 1 kB: some 50 MB at most).
_HEADS: PerEngine[int, Head] = PerEngine(50_000)


def heads(engine: Engine) -> dict[int, Head]:
    """The heads known for ``engine`` (object id -> head)."""
    return _HEADS.of(engine)


def newest_known(
    postgres: bool,
    known: Mapping[int, Head],
    versions: Mapping[int, str | None],
    firsts: Mapping[int, ChainKey | None],
) -> tuple[dict[int, Newest], dict[int, tuple[ChainKey, Stored]]]:
    """What :func:`~.event_sql.newest_stored` would read, for the objects it need not read.

    An object qualifies when its row, locked with ``versions``, has its head's version, and
    its batch's first success (``firsts``) comes after the newest outcome, itself a success,
    or the batch has no success. The other objects with a valid head are late: their first
    key and newest outcome are returned apart (for :func:`~.event_sql.late_stored`).
    """
    found: dict[int, Newest] = {}
    late: dict[int, tuple[ChainKey, Stored]] = {}
    for object_id, first in firsts.items():
        head = known.get(object_id)
        if head is None or head.version != versions.get(object_id):
            continue
        newest = head.outcome
        if newest is None:
            found[object_id] = Newest(None, None, [], None)
            continue
        key = newest_key(postgres, newest.finished_at, newest.started_at, newest.digest)
        outcome = (key, newest.phase)
        if first is None:
            found[object_id] = Newest(outcome, head.success, [], newest)
        elif (
            newest.phase == _SUCCESS
            and newest.finished_at is not None
            and (newest.finished_at, newest.started_at, newest.digest) < first
        ):
            found[object_id] = Newest(outcome, newest, [], newest)
        else:
            late[object_id] = (first, newest)
    return found, late


def after_write(
    postgres: bool,
    newest: Mapping[int, Newest],
    inserted: Iterable[Stored],
    versions: Mapping[int, str],
) -> dict[int, Head]:
    """The heads of the objects of ``newest`` once ``inserted`` are stored.

    ``versions`` are the versions their rows have at the end of the transaction; an object
    without one, or whose newest outcome or success has no finish (ordered apart on each
    engine), gets no head.
    """
    outcome: dict[int, Stored | None] = {}
    success: dict[int, Stored | None] = {}
    for object_id, known in newest.items():
        outcome[object_id] = known.newest
        success[object_id] = known.success
    for row in inserted:
        if _newer(postgres, row, outcome.get(row.object_id)):
            outcome[row.object_id] = row
        if row.phase == _SUCCESS and _newer(postgres, row, success.get(row.object_id)):
            success[row.object_id] = row
    found: dict[int, Head] = {}
    for object_id in newest:
        version = versions.get(object_id)
        last, good = outcome[object_id], success[object_id]
        if version is None or any(r is not None and r.finished_at is None for r in (last, good)):
            continue
        found[object_id] = Head(version, last, good)
    return found


def _newer(postgres: bool, row: Stored, than: Stored | None) -> bool:
    if than is None:
        return True
    if row.finished_at is not None and than.finished_at is not None:  # the usual case
        return (row.finished_at, row.started_at, row.digest) > (
            than.finished_at, than.started_at, than.digest
        )  # fmt: skip
    return newest_key(postgres, row.finished_at, row.started_at, row.digest) > newest_key(
        postgres, than.finished_at, than.started_at, than.digest
    )


def forget(engine: Engine, object_id: int) -> None:
    """Forget what is known of the object's chain (its operations changed)."""
    known = heads(engine)
    with _HEADS.lock:
        known.pop(object_id, None)


def remember(engine: Engine, written: Mapping[int, Head], dropped: Iterable[int]) -> None:
    """Keep the heads of a committed transaction, and forget those it made unknown."""
    known = heads(engine)
    with _HEADS.lock:
        for object_id in dropped:
            known.pop(object_id, None)
        known.update(written)
