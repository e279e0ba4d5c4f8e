"""Lead time for changes: each commit and the first deployment whose revision range holds it.

A deployment's revision range is the commits reachable from its revision and not from the
object's previous deployed revision (every reachable commit for an object's first deployment).
In finish order, the commits a deployment ships first are those reachable from its revision
through commits not shipped yet.

:func:`derive` walks the commit graph from the raw rows; :func:`changes` reads the ranges that
:mod:`gitops_schema.analytics.materialize` keeps per deployment (``analytics_changes``: what
each object's deployments shipped first for that object), where the first deployment within
a scope is the earliest of its objects'.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Connection, text
from sqlalchemy.types import Integer, String

from gitops_schema.analytics import sql
from gitops_schema.analytics.definitions import Window
from gitops_schema.store.tables import UtcTime


@dataclass(frozen=True)
class Change:
    """A commit and the first deployment (of a scope) that shipped it."""

    sha: str
    committed_at: datetime
    deployment_id: int
    object_id: int
    deployed_at: datetime

    @property
    def lead_minutes(self) -> float:
        """Minutes from the commit to its first deployment's finish."""
        return (self.deployed_at - self.committed_at).total_seconds() / 60


@dataclass(frozen=True)
class Deployed:
    """A deployed revision, in the order deployments finished."""

    id: int
    object_id: int
    revision: str
    finished_at: datetime


class CommitGraph:
    """The recorded commits: parents and committer times."""

    def __init__(self, parents: Mapping[str, Sequence[str]], times: Mapping[str, datetime]):
        self.parents = parents
        self.times = times

    @classmethod
    def read(cls, connection: Connection) -> CommitGraph:
        """The commits of the store (of every recorded repository)."""
        parents: dict[str, list[str]] = {}
        times: dict[str, datetime] = {}
        typed = text("SELECT sha, parents, committed_at FROM commits").columns(
            sha=String, committed_at=UtcTime()
        )
        for row in connection.execute(typed):
            value = row.parents
            if isinstance(value, str):
                value = json.loads(value)
            parents[row.sha] = [str(p) for p in value or []]
            times[row.sha] = row.committed_at
        return cls(parents, times)

    def ship(self, chain: Iterable[Deployed]) -> dict[str, Change]:
        """Each commit reachable from the chain's revisions, with the first that reaches it.

        ``chain`` is in finish order: one walk over each commit in all. A multi-source Argo
        CD application deploys one revision per source (the store joins them with commas):
        the commits reachable from any of them.
        """
        first: dict[str, Change] = {}
        for deployed in chain:
            stack = deployed.revision.split(",")
            while stack:
                sha = stack.pop()
                if sha in first or sha not in self.parents:
                    continue
                first[sha] = Change(
                    sha, self.times[sha], deployed.id, deployed.object_id, deployed.finished_at
                )
                stack.extend(self.parents[sha])
        return first


_CHAIN: Final = """
SELECT d.id AS id, d.object_id AS object_id, d.revision AS revision,
       d.finished_at AS finished_at
FROM deployments d
WHERE d.finished_at < :end AND {ids}
ORDER BY d.finished_at, d.id"""


def chain(connection: Connection, end: datetime, ids: Collection[int] | None) -> list[Deployed]:
    """The deployments of the objects ``ids`` (``None``: all) finished before ``end``."""
    clause, extra = sql.scoped(_CHAIN, "d.object_id", ids, times=("end",))
    typed = clause.columns(id=Integer, object_id=Integer, revision=String, finished_at=UtcTime())
    return [Deployed(*row) for row in connection.execute(typed, {"end": end, **extra})]


def _in_window(found: Iterable[Change], window: Window) -> list[Change]:
    return sorted(
        (c for c in found if window.start <= c.deployed_at < window.end),
        key=lambda c: (c.deployed_at, c.sha),
    )


def derive(connection: Connection, window: Window, ids: Collection[int] | None) -> list[Change]:
    """The commits whose first deployment (of the objects ``ids``) finished in the window."""
    deployed = chain(connection, window.end, ids)
    if not deployed:
        return []
    return _in_window(CommitGraph.read(connection).ship(deployed).values(), window)


# A change counts for a scope at its earliest shipping by one of the scope's objects: a row in
# the window with no earlier row of the same commit (ties go to the lower deployment id).
_FIRST_IN_WINDOW: Final = """
SELECT c.sha AS sha, c.committed_at AS committed_at, c.deployment_id AS deployment_id,
       c.object_id AS object_id, c.finished_at AS finished_at
FROM analytics_changes c
WHERE c.finished_at >= :start AND c.finished_at < :end AND {ids}
  AND NOT EXISTS (
      SELECT 1 FROM analytics_changes e
      WHERE e.sha = c.sha AND {earlier_ids}
        AND (e.finished_at < c.finished_at
             OR (e.finished_at = c.finished_at AND e.deployment_id < c.deployment_id)))
ORDER BY c.finished_at, c.sha"""


def changes(connection: Connection, window: Window, ids: Collection[int] | None) -> list[Change]:
    """:func:`derive`, from the ranges kept per deployment (up to date)."""
    query = _FIRST_IN_WINDOW.replace(
        "{earlier_ids}", "1 = 1" if ids is None else "e.object_id IN :ids"
    )
    clause, extra = sql.scoped(query, "c.object_id", ids)
    typed = clause.columns(
        sha=String, committed_at=UtcTime(), deployment_id=Integer, object_id=Integer,
        finished_at=UtcTime(),
    )  # fmt: skip
    rows = connection.execute(typed, {"start": window.start, "end": window.end, **extra})
    return [Change(*row) for row in rows]


# PostgreSQL: the lead times alone, as whole microseconds (divided as timedelta does)
_FIRST_IN_WINDOW_LEADS: Final = """
SELECT array_agg(CAST(EXTRACT(EPOCH FROM c.finished_at - c.committed_at) * 1000000 AS BIGINT))
FROM analytics_changes c
WHERE c.finished_at >= %(start)s AND c.finished_at < %(end)s AND {ids}
  AND NOT EXISTS (
      SELECT 1 FROM analytics_changes e
      WHERE e.sha = c.sha AND e.finished_at <= c.finished_at AND {earlier_ids}
        AND (e.finished_at < c.finished_at
             OR (e.finished_at = c.finished_at AND e.deployment_id < c.deployment_id)))"""


def kept_leads(connection: Connection, window: Window, ids: Collection[int] | None) -> list[float]:
    """PostgreSQL: the lead times (minutes) of :func:`changes`, without their rows."""
    params: dict[str, Any] = {"start": window.start, "end": window.end}
    query = _FIRST_IN_WINDOW_LEADS.replace("{ids}", "TRUE").replace("{earlier_ids}", "TRUE")
    if ids is not None:
        params["ids"] = sorted(ids)
        query = _FIRST_IN_WINDOW_LEADS.replace("{ids}", "c.object_id = ANY(%(ids)s)").replace(
            "{earlier_ids}", "e.object_id = ANY(%(ids)s)"
        )
    found = connection.exec_driver_sql(query, params).scalar()
    return [microseconds / 10**6 / 60 for microseconds in found or ()]


def ranges(graph: CommitGraph, deployed: Sequence[Deployed]) -> list[dict[str, Any]]:
    """Rows of ``analytics_changes``: per object, the commits each deployment shipped first.

    ``deployed`` holds whole chains of objects, in finish order.
    """
    by_object: dict[int, list[Deployed]] = {}
    for item in deployed:
        by_object.setdefault(item.object_id, []).append(item)
    return [
        {
            "deployment_id": change.deployment_id,
            "object_id": change.object_id,
            "sha": change.sha,
            "committed_at": change.committed_at,
            "finished_at": change.deployed_at,
        }
        for items in by_object.values()
        for change in graph.ship(items).values()
    ]
