"""Keeping the deployment outcomes, revision ranges and last syncs up to date, object by object.

The database marks an object in ``analytics_dirty`` whenever a write may change what followed
its deployments (``outcomes``: sync operations, health, deployments) or what they shipped
(``changes``: deployments; the commit graph marks object 0, meaning all). :func:`refresh`
recomputes what is marked from the raw rows, with the definitions' own queries
(:func:`gitops_schema.analytics.outcomes.derive`, :func:`gitops_schema.analytics.leadtime.ranges`),
and clears the marks it handled: a mark set again meanwhile (its stamp moved) stays for the
next refresh. An object marked for its outcomes also gets its last operations read again
(``analytics_sync_last``, what ``/metrics`` exports per object). Reports call it first, so
they read state as fresh as the raw rows, at the cost of the objects written since the last
report.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import UTC, datetime
from typing import Final, TypeVar

from sqlalchemy import Connection, Engine, bindparam, delete, select, text

from gitops_schema.analytics import leadtime, outcomes
from gitops_schema.analytics.definitions import Window
from gitops_schema.analytics.tables import changes, deployment_outcomes, dirty, last_syncs
from gitops_schema.store.tables import UtcTime

ALL_TIME: Final = Window(datetime(1970, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC))
_CHUNK: Final = 500
"""Objects recomputed per statement (SQLite's bound parameters are limited)."""
_T = TypeVar("_T")


def _chunks(items: Sequence[_T]) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _insert_outcomes(connection: Connection, window: Window, ids: Sequence[int]) -> None:
    rows = [
        {
            "deployment_id": item.id,
            "object_id": item.object_id,
            "failed_at": item.failed_at,
            "recovered_at": item.recovered_at,
        }
        for item in outcomes.derive(connection, window, ids)
    ]
    if rows:
        connection.execute(deployment_outcomes.insert(), rows)


def _outcomes(connection: Connection, ids: Sequence[int]) -> None:
    """Recompute every outcome of the objects ``ids``."""
    for chunk in _chunks(ids):
        connection.execute(
            delete(deployment_outcomes).where(deployment_outcomes.c.object_id.in_(chunk))
        )
        _insert_outcomes(connection, ALL_TIME, chunk)


# The earliest deployment a write at :since can change the outcome of: the one it follows
# (its failure window holds :since, or a new deployment there shortens it), and those that
# failed before :since and had not recovered by then; every later one.
_FIRST_STALE: Final = (
    text("""
SELECT MIN(t) AS first FROM (
    SELECT :since AS t
    UNION ALL
    SELECT MAX(d.finished_at) FROM deployments d
    WHERE d.object_id = :object_id AND d.finished_at <= :since
    UNION ALL
    SELECT MIN(d.finished_at) FROM deployments d
    JOIN analytics_deployment_outcomes k ON k.deployment_id = d.id
    WHERE d.object_id = :object_id AND k.failed_at IS NOT NULL AND k.failed_at < :since
      AND (k.recovered_at IS NULL OR k.recovered_at >= :since)
) candidates""")
    .bindparams(bindparam("since", type_=UtcTime()))
    .columns(first=UtcTime())
)
_KEEP: Final = text("""
DELETE FROM analytics_deployment_outcomes
WHERE object_id = :object_id AND deployment_id NOT IN (
    SELECT d.id FROM deployments d
    WHERE d.object_id = :object_id AND d.finished_at < :first)""").bindparams(
    bindparam("first", type_=UtcTime())
)


def _outcomes_since(connection: Connection, object_id: int, since: datetime) -> None:
    """Recompute the outcomes of one object that a write at ``since`` may have changed."""
    params = {"object_id": object_id, "since": since}
    first = connection.execute(_FIRST_STALE, params).scalar_one()
    connection.execute(_KEEP, {"object_id": object_id, "first": first})
    _insert_outcomes(connection, Window(first, ALL_TIME.end), [object_id])


# One index probe each per object (sync_operations (object_id, finished_at)), newest first;
# of operations finishing together, the longest is the last
_LAST: Final = """
INSERT INTO analytics_sync_last (object_id, succeeded_at, failed_at, duration_seconds)
SELECT o.id,
       (SELECT MAX(s.finished_at) FROM sync_operations s
        WHERE s.object_id = o.id AND s.phase = 'Succeeded'),
       (SELECT MAX(s.finished_at) FROM sync_operations s
        WHERE s.object_id = o.id AND s.phase IN ('Failed', 'Error')),
       (SELECT s.duration_seconds FROM sync_operations s
        WHERE s.object_id = o.id AND s.phase IN ('Succeeded', 'Failed', 'Error')
          AND s.finished_at IS NOT NULL AND s.duration_seconds IS NOT NULL
        ORDER BY s.finished_at DESC, s.duration_seconds DESC LIMIT 1)
FROM objects o WHERE o.id IN :ids"""


def _last_syncs(connection: Connection, ids: Sequence[int]) -> None:
    """Recompute the last operations of the objects ``ids``."""
    insert = text(_LAST).bindparams(bindparam("ids", expanding=True))
    for chunk in _chunks(ids):
        connection.execute(delete(last_syncs).where(last_syncs.c.object_id.in_(chunk)))
        connection.execute(insert, {"ids": list(chunk)})


def _changes(connection: Connection, ids: Collection[int] | None) -> None:
    """Recompute the revision ranges of the objects ``ids`` (``None``: every object)."""
    graph = leadtime.CommitGraph.read(connection)
    if ids is None:
        connection.execute(delete(changes))
        chunked: list[Sequence[int] | None] = [None]
    else:
        chunked = list(_chunks(sorted(ids)))
    for chunk in chunked:
        if chunk is not None:
            connection.execute(delete(changes).where(changes.c.object_id.in_(chunk)))
        rows = leadtime.ranges(graph, leadtime.chain(connection, ALL_TIME.end, chunk))
        for part in _chunks(rows):
            connection.execute(changes.insert(), list(part))


def refresh(engine: Engine) -> None:
    """Recompute what the marks in ``analytics_dirty`` say is stale, and clear those marks."""
    with engine.connect() as connection:  # the usual case, after a quiet period: one look
        if connection.execute(select(dirty.c.object_id).limit(1)).first() is None:
            return
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # one refresher at a time: two would do the same work and race on the marks
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7202605)")
        marks = connection.execute(
            select(dirty.c.object_id, dirty.c.kind, dirty.c.stamp, dirty.c.since)
        ).all()
        if not marks:
            return
        stale: dict[str, set[int]] = {"outcomes": set(), "changes": set()}
        _last_syncs(connection, sorted({o for o, kind, _, _ in marks if kind == "outcomes"}))
        for object_id, kind, _, since in marks:
            if kind == "outcomes" and since > ALL_TIME.start:
                _outcomes_since(connection, int(object_id), since)
            else:
                stale.setdefault(kind, set()).add(int(object_id))
        if stale["outcomes"]:
            _outcomes(connection, sorted(stale["outcomes"] - {0}))
        if stale["changes"]:
            _changes(connection, None if 0 in stale["changes"] else stale["changes"])
        connection.execute(
            text(
                "DELETE FROM analytics_dirty "
                "WHERE object_id = :object_id AND kind = :kind AND stamp = :stamp"
            ),
            [{"object_id": o, "kind": k, "stamp": s} for o, k, s, _ in marks],
        )
