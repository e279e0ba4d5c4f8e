"""What is counted: the definitions, once, in SQL over the store's tables.

Results are identical on SQLite and PostgreSQL; every report, the dashboard and ``/metrics``
read their figures from here.

- **Sync operation**: an Argo CD operation whose phase is ``Succeeded``, ``Failed`` or
  ``Error`` (``Failed`` and ``Error`` both count as status ``Failed``), or a Flux reconcile
  outcome (``ReconciliationSucceeded`` is ``Succeeded``; an event of severity ``error`` is
  ``Failed``). Its duration is ``finishedAt - startedAt``; for Flux the "finished in" figure of
  the message; otherwise unknown (``null``, never zero). Statistics over durations use the
  operations whose duration is known; ``p95`` is the continuous percentile (PostgreSQL's
  ``percentile_cont(0.95)``: linear interpolation between the two nearest ranks).
- **Deployment**: a successful sync or reconcile whose revision differs from the object's
  previous successful one, in finish order (the store's ``deployments``; an Argo CD history
  entry and the operationState of the same sync are one deployment).
- **Production**: an object whose cluster, namespace or name has a word (split at ``-``,
  ``_``, ``.``, ``/``, ``:``) matching one of the ``production`` globs of
  ``.gitops-schema.yaml`` (default ``prod``, ``prod[0-9]*``, ``production*``, ``prd``): the
  classifier ``check`` uses.
- **Failure signal** of an object: a ``Failed`` sync operation (at its finish; a Flux event of
  severity ``error`` is one, at its timestamp), or an Argo CD health transition to
  ``Degraded`` (at ``status.health.lastTransitionTime``, else ``status.reconciledAt``).
- **Failed deployment**: a deployment followed by a failure signal of the same object after it
  finished and before the object's next deployment finished.
- **Recovery** of a failed deployment: from its first failure signal to the first later sign
  of health of the object: an Argo CD sync that ``Succeeded`` with health ``Healthy`` (the
  health the object had at the sync's finish, or the health it reached next, before any other
  sync operation finished), at the sync's ``finishedAt``; or a Flux ``ReconciliationSucceeded``.
- **Lead time for changes**: for each commit of the recorded git history, from its committer
  time to the finish of the first production deployment whose revision range contains it (the
  commits reachable from the deployed revision and not from the object's previous deployed
  revision; every reachable commit for an object's first deployment); the median over the
  commits whose first production deployment finished in the window.
- **Deployment frequency**: deployments and deployment days (UTC dates) in the window; the
  median number of deployment days per ISO week over the ISO weeks the window touches (and per
  calendar month over the months it touches, for the ``medium`` level).
- **Change failure rate**: failed deployments / deployments. **Failed deployment recovery
  time**: the median recovery over the failed deployments that recovered.
- **In the window** ``[from, to)``: an operation or a deployment by its finish time (a Flux
  outcome by its event timestamp). Times always come from the payloads, never from the time
  the store received them.

Medians are the middle value, or the mean of the two middle values. Levels follow DevLake's
2023 rules (:mod:`gitops_schema.analytics.levels`).
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final, Literal

from sqlalchemy import Connection, TextClause, bindparam, text
from sqlalchemy.sql.selectable import TextualSelect
from sqlalchemy.types import Integer, String

from gitops_schema.check.config import DEFAULT_PRODUCTION, CheckConfig
from gitops_schema.check.environment import words
from gitops_schema.store.tables import UtcTime

Environment = Literal["production", "all"]
COMPLETED_PHASES: Final = ("Succeeded", "Failed", "Error")
PERCENTILE: Final = (19, 20)
"""p95 as a fraction, so ranks are found with integer arithmetic on both engines."""
ROUNDING: Final = 9
"""Decimals kept in durations: sums of floats differ in their last bits across engines."""


@dataclass(frozen=True)
class Window:
    """The half-open time window ``[start, end)`` of a report (aware UTC datetimes)."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("a window's times must be timezone-aware")
        if self.end <= self.start:
            raise ValueError("a window must end after it starts")


@dataclass(frozen=True)
class Scope:
    """Which objects a report covers."""

    env: Environment = "all"
    tool: str | None = None
    cluster: str | None = None
    production: tuple[str, ...] = DEFAULT_PRODUCTION
    """The production globs (``production`` of ``.gitops-schema.yaml``)."""


@dataclass(frozen=True)
class ObjectRow:
    """One object of the store, as reports name it."""

    id: int
    tool: str
    cluster: str
    namespace: str
    name: str
    kind: str
    project: str | None
    labels: Mapping[str, str]

    @property
    def key(self) -> tuple[str, str, str, str]:
        """``(tool, cluster, namespace, name)``."""
        return (self.tool, self.cluster, self.namespace, self.name)


def is_production(row: ObjectRow, globs: tuple[str, ...]) -> bool:
    """Whether a word of the object's cluster, namespace or name matches a production glob."""
    config = CheckConfig(production=globs)
    return any(config.is_production(word) for word in words({row.cluster, row.namespace, row.name}))


def _typed(sql: str, **columns: Any) -> TextualSelect:
    return text(sql).columns(**columns)


_OBJECTS: Final = _typed(
    "SELECT id, tool, cluster, namespace, name, kind, project FROM objects",
    id=Integer,
    tool=String,
    cluster=String,
    namespace=String,
    name=String,
    kind=String,
    project=String,
)


def read_objects(connection: Connection, *, labels: bool = False) -> list[ObjectRow]:
    """Every object of the store (with its ``metadata.labels`` when ``labels``)."""
    found: dict[int, dict[str, str]] = {}
    if labels:
        for row in connection.execute(text("SELECT id, definition FROM objects")):
            definition = row.definition
            if isinstance(definition, str):
                definition = json.loads(definition)
            metadata = definition.get("metadata") if isinstance(definition, dict) else None
            raw = metadata.get("labels") if isinstance(metadata, dict) else None
            if isinstance(raw, dict):
                found[row.id] = {str(k): str(v) for k, v in raw.items()}
    return [
        ObjectRow(
            r.id, r.tool, r.cluster, r.namespace, r.name, r.kind, r.project, found.get(r.id, {})
        )
        for r in connection.execute(_OBJECTS)
    ]


def scoped_objects(objects: Iterable[ObjectRow], scope: Scope) -> list[ObjectRow]:
    """The objects a scope covers."""
    return [
        row
        for row in objects
        if (scope.tool is None or row.tool == scope.tool)
        and (scope.cluster is None or row.cluster == scope.cluster)
        and (scope.env == "all" or is_production(row, scope.production))
    ]


def _ids(sql: str, ids: Collection[int] | None) -> tuple[str, dict[str, Any]]:
    """``sql`` with ``{ids}`` replaced by an ``IN`` filter on the scoped objects (or nothing)."""
    if ids is None:
        return sql.replace("{ids}", "1 = 1"), {}
    return sql.replace("{ids}", "{column} IN :ids"), {"ids": sorted(ids)}


def _bind(clause: TextClause, ids: Collection[int] | None) -> TextClause:
    clause = clause.bindparams(
        bindparam("start", type_=UtcTime()), bindparam("end", type_=UtcTime())
    )
    if ids is not None:
        clause = clause.bindparams(bindparam("ids", expanding=True))
    return clause


# --- sync operations -----------------------------------------------------------------------

_STATUS: Final = "CASE WHEN s.phase = 'Succeeded' THEN 'Succeeded' ELSE 'Failed' END"
_OPERATIONS_IN_WINDOW: Final = """
    s.phase IN ('Succeeded', 'Failed', 'Error')
    AND s.finished_at >= :start AND s.finished_at < :end AND {ids}"""

_SYNC_STATS: Final = f"""
SELECT s.object_id AS object_id, {_STATUS} AS status, COUNT(*) AS operations,
       SUM(s.duration_seconds) AS total, COUNT(s.duration_seconds) AS timed,
       MIN(s.duration_seconds) AS min_seconds, MAX(s.duration_seconds) AS max_seconds
FROM sync_operations s
WHERE {_OPERATIONS_IN_WINDOW}
GROUP BY s.object_id, {_STATUS}"""

# The two durations around the p95 rank of each group: ranks k and k + 1 (0-based) with
# k = floor(19 (n - 1) / 20), i.e. 20 (k - 1) <= 19 (n - 1) < 20 (k + 1) for both of them.
_SYNC_P95: Final = f"""
SELECT object_id, status, rank, n, duration FROM (
    SELECT s.object_id AS object_id, {_STATUS} AS status, s.duration_seconds AS duration,
           ROW_NUMBER() OVER (PARTITION BY s.object_id, {_STATUS}
                              ORDER BY s.duration_seconds) - 1 AS rank,
           COUNT(*) OVER (PARTITION BY s.object_id, {_STATUS}) AS n
    FROM sync_operations s
    WHERE {_OPERATIONS_IN_WINDOW} AND s.duration_seconds IS NOT NULL
) ranked
WHERE {PERCENTILE[1]} * (rank - 1) <= {PERCENTILE[0]} * (n - 1)
  AND {PERCENTILE[0]} * (n - 1) < {PERCENTILE[1]} * (rank + 1)"""


@dataclass(frozen=True)
class SyncStat:
    """Sync statistics of one object and status in a window."""

    object_id: int
    status: str
    count: int
    avg_seconds: float | None
    min_seconds: float | None
    max_seconds: float | None
    p95_seconds: float | None


def rounded(value: float | None) -> float | None:
    """``value`` rounded to :data:`ROUNDING` decimals (``None`` stays ``None``)."""
    return None if value is None else round(float(value), ROUNDING)


def percentile_95(n: int, around: Mapping[int, float]) -> float:
    """The continuous p95 of ``n`` sorted values, given the values at the ranks around it."""
    numerator, denominator = PERCENTILE
    position = numerator * (n - 1)
    rank, remainder = divmod(position, denominator)
    low = around[rank]
    if remainder == 0:
        return low
    return low + (around[rank + 1] - low) * remainder / denominator


def sync_p95(
    connection: Connection, window: Window, ids: Collection[int] | None
) -> dict[tuple[int, str], float]:
    """The p95 duration per ``(object_id, status)`` with a known duration in the window."""
    sql, extra = _ids(_SYNC_P95, ids)
    around: dict[tuple[int, str], dict[int, float]] = {}
    sizes: dict[tuple[int, str], int] = {}
    for row in connection.execute(
        _bind(text(sql.replace("{column}", "s.object_id")), ids),
        {"start": window.start, "end": window.end, **extra},
    ):
        key = (int(row.object_id), str(row.status))
        around.setdefault(key, {})[int(row.rank)] = float(row.duration)
        sizes[key] = int(row.n)
    return {key: percentile_95(sizes[key], around[key]) for key in sizes}


def sync_statistics(
    connection: Connection, window: Window, ids: Collection[int] | None
) -> list[SyncStat]:
    """Count and average / min / max / p95 duration per object and status in the window."""
    sql, extra = _ids(_SYNC_STATS, ids)
    rows = connection.execute(
        _bind(text(sql.replace("{column}", "s.object_id")), ids),
        {"start": window.start, "end": window.end, **extra},
    ).all()
    p95 = sync_p95(connection, window, ids)
    stats = []
    for row in rows:
        key = (int(row.object_id), str(row.status))
        timed = int(row.timed)
        stats.append(
            SyncStat(
                object_id=key[0],
                status=key[1],
                count=int(row.operations),
                avg_seconds=rounded(float(row.total) / timed) if timed else None,
                min_seconds=rounded(row.min_seconds),
                max_seconds=rounded(row.max_seconds),
                p95_seconds=rounded(p95[key]) if timed else None,
            )
        )
    return stats


# --- deployments, failures, recoveries -----------------------------------------------------

_FAILURE_SIGNALS: Final = """
failure_signals AS (
    SELECT s.object_id AS object_id, s.finished_at AS at
    FROM sync_operations s
    WHERE s.phase IN ('Failed', 'Error') AND s.finished_at IS NOT NULL
    UNION ALL
    SELECT h.object_id, h.transitioned_at
    FROM health_transitions h JOIN objects o ON o.id = h.object_id
    WHERE o.tool = 'argocd' AND h.status = 'Degraded'
      AND COALESCE((SELECT p.status FROM health_transitions p
                    WHERE p.object_id = h.object_id AND p.transitioned_at < h.transitioned_at
                    ORDER BY p.transitioned_at DESC LIMIT 1), '') <> 'Degraded'
)"""

# An Argo CD sync that Succeeded "with health Healthy": the object was Healthy at its finish,
# or the next health it reached was Healthy and no other operation finished before that.
# Signals and signs are taken with ORDER BY ... LIMIT 1, so the (object_id, finished_at)
# index is walked in time order and stops at the first one.
_HEALTH_SIGNS: Final = """
health_signs AS (
    SELECT s.object_id AS object_id, s.finished_at AS at
    FROM sync_operations s JOIN objects o ON o.id = s.object_id
    WHERE s.phase = 'Succeeded' AND s.finished_at IS NOT NULL AND (
        o.tool = 'flux'
        OR COALESCE((SELECT h.status FROM health_transitions h
                     WHERE h.object_id = s.object_id AND h.transitioned_at <= s.finished_at
                     ORDER BY h.transitioned_at DESC LIMIT 1), '') = 'Healthy'
        OR COALESCE((SELECT h.status FROM health_transitions h
                     WHERE h.object_id = s.object_id AND h.transitioned_at > s.finished_at
                       AND NOT EXISTS (
                           SELECT 1 FROM sync_operations n
                           WHERE n.object_id = s.object_id
                             AND n.phase IN ('Succeeded', 'Failed', 'Error')
                             AND n.finished_at > s.finished_at
                             AND n.finished_at <= h.transitioned_at)
                     ORDER BY h.transitioned_at LIMIT 1), '') = 'Healthy'
    )
)"""

_DEPLOYMENT_OUTCOMES: Final = f"""
WITH {_FAILURE_SIGNALS.strip()},
{_HEALTH_SIGNS.strip()},
windowed AS (
    SELECT d.id AS id, d.object_id AS object_id, d.revision AS revision,
           d.previous_revision AS previous_revision, d.started_at AS started_at,
           d.finished_at AS finished_at,
           (SELECT MIN(n.finished_at) FROM deployments n
            WHERE n.object_id = d.object_id AND n.finished_at > d.finished_at) AS next_at
    FROM deployments d
    WHERE d.finished_at >= :start AND d.finished_at < :end AND {{ids}}
),
failed AS MATERIALIZED (
    SELECT w.id, w.object_id, w.revision, w.previous_revision, w.started_at, w.finished_at,
           (SELECT f.at FROM failure_signals f
            WHERE f.object_id = w.object_id AND f.at > w.finished_at
              AND (w.next_at IS NULL OR f.at < w.next_at)
            ORDER BY f.at LIMIT 1) AS failed_at
    FROM windowed w
)
SELECT failed.id, failed.object_id, failed.revision, failed.previous_revision,
       failed.started_at, failed.finished_at, failed.failed_at,
       (SELECT h.at FROM health_signs h
        WHERE failed.failed_at IS NOT NULL AND h.object_id = failed.object_id
          AND h.at > failed.failed_at
        ORDER BY h.at LIMIT 1) AS recovered_at
FROM failed
ORDER BY failed.finished_at, failed.id"""


@dataclass(frozen=True)
class Deployment:
    """A deployment in the window and what followed it."""

    id: int
    object_id: int
    revision: str
    previous_revision: str | None
    started_at: datetime
    finished_at: datetime
    failed_at: datetime | None
    """The first failure signal before the object's next deployment (``None``: not failed)."""
    recovered_at: datetime | None
    """The first sign of health after ``failed_at``."""

    @property
    def failed(self) -> bool:
        """Whether a failure signal followed the deployment."""
        return self.failed_at is not None

    @property
    def recovery_minutes(self) -> float | None:
        """Minutes from the first failure signal to recovery, if it recovered."""
        if self.failed_at is None or self.recovered_at is None:
            return None
        return (self.recovered_at - self.failed_at).total_seconds() / 60


def deployments(
    connection: Connection, window: Window, ids: Collection[int] | None
) -> list[Deployment]:
    """The deployments of the objects ``ids`` (``None``: all) that finished in the window.

    In finish order, each with its failure and recovery.
    """
    sql, extra = _ids(_DEPLOYMENT_OUTCOMES, ids)
    clause = _bind(text(sql.replace("{column}", "d.object_id")), ids).columns(
        id=Integer,
        object_id=Integer,
        revision=String,
        previous_revision=String,
        started_at=UtcTime(),
        finished_at=UtcTime(),
        failed_at=UtcTime(),
        recovered_at=UtcTime(),
    )
    rows = connection.execute(clause, {"start": window.start, "end": window.end, **extra})
    return [
        Deployment(
            r.id,
            r.object_id,
            r.revision,
            r.previous_revision,
            r.started_at,
            r.finished_at,
            r.failed_at,
            r.recovered_at,
        )
        for r in rows
    ]


_PRODUCTION_CHAIN: Final = """
SELECT d.id AS id, d.object_id AS object_id, d.revision AS revision,
       d.finished_at AS finished_at
FROM deployments d
WHERE d.finished_at < :end AND {ids}
ORDER BY d.finished_at, d.id"""

_COMMITS: Final = "SELECT sha, parents, committed_at FROM commits WHERE committed_at < :before"


@dataclass(frozen=True)
class Change:
    """A commit and the first production deployment that shipped it."""

    sha: str
    committed_at: datetime
    deployment_id: int
    object_id: int
    deployed_at: datetime

    @property
    def lead_minutes(self) -> float:
        """Minutes from the commit to its first production deployment's finish."""
        return (self.deployed_at - self.committed_at).total_seconds() / 60


class CommitGraph:
    """The recorded commits: parents and committer times."""

    def __init__(self, parents: Mapping[str, Sequence[str]], times: Mapping[str, datetime]):
        self.parents = parents
        self.times = times

    @classmethod
    def read(cls, connection: Connection, before: datetime) -> CommitGraph:
        """The commits of the store (of every recorded repository) committed before a time."""
        parents: dict[str, list[str]] = {}
        times: dict[str, datetime] = {}
        clause = (
            text(_COMMITS)
            .bindparams(bindparam("before", type_=UtcTime()))
            .columns(sha=String, committed_at=UtcTime())
        )
        for row in connection.execute(clause, {"before": before}):
            value = row.parents
            if isinstance(value, str):
                value = json.loads(value)
            parents[row.sha] = [str(p) for p in value or []]
            times[row.sha] = row.committed_at
        return cls(parents, times)


def changes(connection: Connection, window: Window, ids: Collection[int] | None) -> list[Change]:
    """The commits whose first deployment finished in the window, with that deployment.

    Only deployments of the objects ``ids`` count (``None``: all; meant to be the production
    ones).
    """
    sql, extra = _ids(_PRODUCTION_CHAIN, ids)
    clause = text(sql.replace("{column}", "d.object_id")).bindparams(
        bindparam("end", type_=UtcTime())
    )
    if ids is not None:
        clause = clause.bindparams(bindparam("ids", expanding=True))
    typed = clause.columns(
        id=Integer,
        object_id=Integer,
        revision=String,
        finished_at=UtcTime(),
    )
    chain = connection.execute(typed, {"end": window.end, **extra}).all()
    if not chain:
        return []
    graph = CommitGraph.read(connection, window.end)
    # In finish order, every commit reachable from a deployed revision is shipped by then;
    # those reachable from the object's previous revision were shipped by an earlier
    # deployment. So the commits a deployment ships first are exactly those reachable from
    # its revision through commits not shipped yet: one walk over each commit, in all.
    first: dict[str, Change] = {}
    for row in chain:
        stack = [row.revision]
        while stack:
            sha = stack.pop()
            if sha in first or sha not in graph.parents:
                continue
            first[sha] = Change(sha, graph.times[sha], row.id, row.object_id, row.finished_at)
            stack.extend(graph.parents[sha])
    return sorted(
        (c for c in first.values() if window.start <= c.deployed_at < window.end),
        key=lambda c: (c.deployed_at, c.sha),
    )


# --- calendars and medians -----------------------------------------------------------------


def median(values: Sequence[float]) -> float | None:
    """The median (mean of the two middle values for an even count); ``None`` when empty."""
    return float(statistics.median(values)) if values else None


def iso_weeks(window: Window) -> list[tuple[int, int]]:
    """The ISO weeks ``(year, week)`` the window touches, in order."""
    first = window.start.astimezone(UTC).date()
    last = (window.end - timedelta(microseconds=1)).astimezone(UTC).date()
    monday = first - timedelta(days=first.weekday())
    weeks = []
    while monday <= last:
        year, week, _ = monday.isocalendar()
        weeks.append((year, week))
        monday += timedelta(days=7)
    return weeks


def months(window: Window) -> list[tuple[int, int]]:
    """The calendar months ``(year, month)`` (UTC) the window touches, in order."""
    first = window.start.astimezone(UTC).date()
    last = (window.end - timedelta(microseconds=1)).astimezone(UTC).date()
    found = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        found.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def deployment_days(finished: Iterable[datetime]) -> set[date]:
    """The UTC dates on which deployments finished."""
    return {moment.astimezone(UTC).date() for moment in finished}


def median_days_per_week(days: set[date], window: Window) -> float:
    """Median deployment days per ISO week over the weeks the window touches."""
    per_week = dict.fromkeys(iso_weeks(window), 0)
    for day in days:
        year, week, _ = day.isocalendar()
        per_week[(year, week)] = per_week.get((year, week), 0) + 1
    return median(list(per_week.values())) or 0.0


def median_days_per_month(days: set[date], window: Window) -> float:
    """Median deployment days per calendar month over the months the window touches."""
    per_month = dict.fromkeys(months(window), 0)
    for day in days:
        per_month[(day.year, day.month)] = per_month.get((day.year, day.month), 0) + 1
    return median(list(per_month.values())) or 0.0


# --- per-day series (for charts) -----------------------------------------------------------


def utc_day(connection: Connection, column: str) -> str:
    """SQL for the UTC date (``YYYY-MM-DD``) of a time column on this connection's engine."""
    if connection.dialect.name == "postgresql":
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    # SQLite holds UTC times as text, date first
    return f"substr({column}, 1, 10)"


_SYNC_DAYS: Final = """
SELECT {day} AS day, {status} AS status, COUNT(*) AS operations,
       SUM(s.duration_seconds) AS total, COUNT(s.duration_seconds) AS timed,
       MAX(s.duration_seconds) AS longest
FROM sync_operations s
WHERE {where}
GROUP BY {day}, {status}"""


@dataclass(frozen=True)
class SyncDay:
    """Sync operations of one UTC day and status."""

    day: date
    status: str
    count: int
    avg_seconds: float | None
    max_seconds: float | None


def sync_days(connection: Connection, window: Window, ids: Collection[int] | None) -> list[SyncDay]:
    """Per UTC day and status: how many operations finished, average and longest duration."""
    sql, extra = _ids(
        _SYNC_DAYS.format(
            day=utc_day(connection, "s.finished_at"),
            status=_STATUS,
            where=_OPERATIONS_IN_WINDOW,
        ),
        ids,
    )
    rows = connection.execute(
        _bind(text(sql.replace("{column}", "s.object_id")), ids),
        {"start": window.start, "end": window.end, **extra},
    )
    return [
        SyncDay(
            date.fromisoformat(str(row.day)),
            str(row.status),
            int(row.operations),
            rounded(float(row.total) / int(row.timed)) if row.timed else None,
            rounded(row.longest),
        )
        for row in rows
    ]
