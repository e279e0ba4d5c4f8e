"""Keeping the deployment outcomes and revision ranges up to date, object by object.

The database marks an object in ``analytics_dirty`` whenever a write may change what followed
its deployments (``outcomes``: sync operations, health, deployments) or what they shipped
(``changes``: deployments; the commit graph marks object 0, meaning all). :func:`refresh`
recomputes what is marked from the raw rows, with the definitions' own queries
(:func:`gitops_schema.analytics.outcomes.derive`, :func:`gitops_schema.analytics.leadtime.ranges`),
and clears the marks it handled: a mark set again meanwhile (its stamp moved) stays for the
next refresh. Reports call it first, so they read state as fresh as the raw rows, at the cost
of the objects written since the last report.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import UTC, datetime
from typing import Final, TypeVar

from sqlalchemy import Connection, Engine, delete, select, text

from gitops_schema.analytics import leadtime, outcomes
from gitops_schema.analytics.definitions import Window
from gitops_schema.analytics.tables import changes, deployment_outcomes, dirty

ALL_TIME: Final = Window(datetime(1970, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC))
_CHUNK: Final = 500
"""Objects recomputed per statement (SQLite's bound parameters are limited)."""
_T = TypeVar("_T")


def _chunks(items: Sequence[_T]) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _outcomes(connection: Connection, ids: Sequence[int]) -> None:
    for chunk in _chunks(ids):
        connection.execute(
            delete(deployment_outcomes).where(deployment_outcomes.c.object_id.in_(chunk))
        )
        rows = [
            {
                "deployment_id": item.id,
                "object_id": item.object_id,
                "failed_at": item.failed_at,
                "recovered_at": item.recovered_at,
            }
            for item in outcomes.derive(connection, ALL_TIME, chunk)
        ]
        if rows:
            connection.execute(deployment_outcomes.insert(), rows)


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
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # one refresher at a time: two would do the same work and race on the marks
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7202605)")
        marks = connection.execute(select(dirty.c.object_id, dirty.c.kind, dirty.c.stamp)).all()
        if not marks:
            return
        stale: dict[str, set[int]] = {"outcomes": set(), "changes": set()}
        for object_id, kind, _ in marks:
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
            [{"object_id": o, "kind": k, "stamp": s} for o, k, s in marks],
        )
