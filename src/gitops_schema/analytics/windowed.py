"""Sync statistics of a window from the running rollup of PostgreSQL.

The whole UTC days ``[first, end)`` of the window come from
:mod:`gitops_schema.analytics.running`: per object and status, the row of ``end - 1`` minus
the row of ``first - 1`` gives the counts, the sum of durations and their histogram; with
``2^k <= end - first < 2^(k+1)``, the spans of ``2^k`` days ending at ``first - 1 + 2^k`` and at
``end - 1`` give minimum and maximum: every object's rows at three days, read by day. A
partial day at an edge of the window is read from its raw rows, or, when the part of that day
outside the window is smaller, the whole day is read from the rollup and that part's raw rows
taken away (its counts, sum and histogram subtract; a minimum or maximum equal to that part's
is read again from the raw rows). Groups of at most
:data:`~gitops_schema.analytics.syncstats.EXACT_LIMIT` known durations get their exact p95 from
their largest durations (:func:`~gitops_schema.analytics.syncstats.finish`).

Elsewhere (SQLite) the raw rows give the same figures.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from sqlalchemy import Connection, bindparam, text

from gitops_schema.analytics import sketch, sql
from gitops_schema.analytics.definitions import Window
from gitops_schema.analytics.running import LEVELS
from gitops_schema.analytics.syncstats import (
    EXACT_LIMIT,
    PHASES,
    GroupKey,
    Summary,
    SyncStat,
    finish,
    sync_statistics,
)
from gitops_schema.store.tables import UtcTime


@dataclass(slots=True)
class _Group:
    """What the parts of a window add up to for one object and status."""

    operations: int = 0
    timed: int = 0
    total: float = 0.0
    lowest: float | None = None
    highest: float | None = None
    sent: bytes | None = None
    """The whole days' histogram as ``numeric_send`` gives it."""
    rolled_timed: int = 0
    extra: dict[int, int] = field(default_factory=dict)
    """Bucket counts of the partial days."""

    def take(self, row: Any) -> None:
        """Take away the figures of raw rows the rollup's days counted.

        Minimum and maximum stay: the caller checks them.
        """
        self.operations -= int(row.operations)
        self.timed -= int(row.timed)
        self.total -= float(row.total or 0)

    def add(self, row: Any) -> None:
        self.operations += int(row.operations)
        self.timed += int(row.timed)
        self.total += float(row.total or 0)
        if row.min_seconds is not None:
            low = float(row.min_seconds)
            self.lowest = low if self.lowest is None else min(self.lowest, low)
        if row.max_seconds is not None:
            high = float(row.max_seconds)
            self.highest = high if self.highest is None else max(self.highest, high)


def full_days(window: Window) -> tuple[date, date] | None:
    """The whole UTC days inside the window, as ``[first, end)`` dates."""
    start = window.start.astimezone(UTC)
    first = start.date() + timedelta(days=0 if start.time() == datetime.min.time() else 1)
    end = window.end.astimezone(UTC).date()
    return (first, end) if first < end else None


Span = tuple[datetime, datetime]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC)


@dataclass(frozen=True)
class Parts:
    """How a window is read: whole days from the rollup, plus and minus raw rows."""

    days: tuple[date, date] | None
    added: list[Span]
    """Partial days inside the window."""
    removed: list[Span]
    """Parts of the rollup's days outside the window (read when smaller than the rest)."""


def parts(window: Window) -> Parts:
    """The whole days, the partial days to add and the parts of days to take away.

    A partial day at an end of the window is read from its raw rows, or, when the part of
    that day outside the window is the smaller one, the whole day is read from the rollup
    and that part taken away.
    """
    days = full_days(window)
    if days is None:
        return Parts(None, [(window.start, window.end)], [])
    first, end = days
    added: list[Span] = []
    removed: list[Span] = []
    inside, outside = (
        (window.start, _midnight(first)),
        (_midnight(first - timedelta(days=1)), window.start),
    )
    if inside[0] < inside[1]:
        if outside[1] - outside[0] < inside[1] - inside[0]:
            first -= timedelta(days=1)
            removed.append(outside)
        else:
            added.append(inside)
    inside, outside = (_midnight(end), window.end), (window.end, _midnight(end + timedelta(days=1)))
    if inside[0] < inside[1]:
        if outside[1] - outside[0] < inside[1] - inside[0]:
            end += timedelta(days=1)
            removed.append(outside)
        else:
            added.append(inside)
    return Parts((first, end), added, removed)


def cover(first: date, end: date) -> tuple[int, date, date, date] | None:
    """The span level and the rows' days for the whole days ``[first, end)``.

    ``(level, before, middle, last)``: ``before`` ends the days before, ``last`` the window's;
    the spans of ``2^level`` days ending at ``middle`` and ``last`` cover the window. ``None``
    when the window is longer than the spans can cover.
    """
    level = ((end - first).days).bit_length() - 1
    if level >= LEVELS:
        return None
    before = first - timedelta(days=1)
    return level, before, before + timedelta(days=2**level), end - timedelta(days=1)


_FIGURES: Final = """
e.operations - COALESCE(s.operations, 0) AS operations,
e.timed - COALESCE(s.timed, 0) AS timed,
CAST(e.total - COALESCE(s.total, 0) AS DOUBLE PRECISION) AS total,
LEAST(e.lows[{level}], m.lows[{level}]) AS min_seconds,
GREATEST(e.highs[{level}], m.highs[{level}]) AS max_seconds,
CASE WHEN e.timed - COALESCE(s.timed, 0) > {exact}
     THEN numeric_send(e.histogram - COALESCE(s.histogram, 0)) END AS histogram"""
_SAME: Final = "{a}.object_id = {b}.object_id AND {a}.status = {b}.status"
# every row of a few days, read by day
_ENDING: Final = f"""
SELECT e.object_id AS object_id, e.status AS status,
{_FIGURES.format(level=":level", exact=EXACT_LIMIT)}
FROM analytics_sync_running e
LEFT JOIN analytics_sync_running s ON {_SAME.format(a="s", b="e")} AND s.day = :before
LEFT JOIN analytics_sync_running m ON {_SAME.format(a="m", b="e")} AND m.day = :middle
WHERE e.day = :last AND e.operations > COALESCE(s.operations, 0) AND {{ids}}"""
_EDGE: Final = f"""
SELECT s.object_id AS object_id, {sql.status("s")} AS status, COUNT(*) AS operations,
       COUNT(s.duration_seconds) AS timed, COALESCE(SUM(s.duration_seconds), 0) AS total,
       MIN(s.duration_seconds) AS min_seconds, MAX(s.duration_seconds) AS max_seconds,
       array_agg({sketch.position_sql("s.duration_seconds")})
           FILTER (WHERE s.duration_seconds IS NOT NULL) AS buckets
FROM sync_operations s
WHERE {sql.completed("s")} AND s.finished_at >= :low AND s.finished_at < :high AND {{ids}}
GROUP BY 1, 2"""


def _scoped(query: str, column: str, ids: Collection[int] | None) -> tuple[str, dict[str, Any]]:
    if ids is None:
        return query.replace("{ids}", "TRUE"), {}
    return query.replace("{ids}", f"{column} = ANY(:ids)"), {"ids": sorted(ids)}


def _whole_days(
    connection: Connection,
    groups: dict[GroupKey, _Group],
    days: tuple[date, date],
    ids: Collection[int] | None,
) -> bool:
    """Add the whole days' figures; ``False`` when the window is too long for the spans.

    The days are first narrowed to those the rollup has (it has no operation outside).
    """
    stored = connection.exec_driver_sql(
        "SELECT MIN(day), MAX(day) FROM analytics_sync_running"
    ).one()
    if stored[0] is None:
        return True
    first, end = max(days[0], stored[0]), min(days[1], stored[1] + timedelta(days=1))
    if first >= end:
        return True
    found = cover(first, end)
    if found is None:
        return False
    level, before, middle, last = found
    params = {"level": level + 1, "before": before, "middle": middle, "last": last}
    clause, extra = _scoped(_ENDING, "e.object_id", ids)
    # one row per group, before any other part: taken as it is (thousands of them)
    for object_id, status, operations, timed, total, low, high, sent in connection.execute(
        text(clause), {**params, **extra}
    ):
        groups[(object_id, status)] = _Group(operations, timed, total, low, high, sent, timed, {})
    return True


def _edges(
    connection: Connection,
    groups: dict[GroupKey, _Group],
    found: Parts,
    ids: Collection[int] | None,
) -> set[GroupKey]:
    """Add the partial days' figures and take away the parts outside, from the raw rows.

    Returns the groups whose minimum or maximum may lie in a part taken away (equal to it):
    those are read again from the raw rows.
    """
    query, extra = _scoped(_EDGE, "s.object_id", ids)
    clause = text(query).bindparams(*(bindparam(name, type_=UtcTime()) for name in ("low", "high")))
    unsure: set[GroupKey] = set()
    for sign, spans in ((1, found.added), (-1, found.removed)):
        for low, high in spans:
            for row in connection.execute(clause, {"low": low, "high": high, **extra}):
                key = (int(row.object_id), str(row.status))
                group = groups.setdefault(key, _Group())
                if sign > 0:
                    group.add(row)
                else:
                    group.take(row)
                    # the window's extreme may be this part's only: read it again
                    if (row.min_seconds is not None and row.min_seconds == group.lowest) or (
                        row.max_seconds is not None and row.max_seconds == group.highest
                    ):
                        unsure.add(key)
                for bucket in row.buckets or ():
                    group.extra[bucket] = group.extra.get(bucket, 0) + sign
    return unsure


# per status, so that each reads its partial index (which holds the durations)
_EXTREMES: Final = """
SELECT s.object_id AS object_id, MIN(s.duration_seconds) AS min_seconds,
       MAX(s.duration_seconds) AS max_seconds
FROM sync_operations s
WHERE {phase} AND s.finished_at >= :start AND s.finished_at < :end
  AND s.object_id = ANY(:ids)
GROUP BY 1"""


def _extremes(
    connection: Connection,
    groups: dict[GroupKey, _Group],
    window: Window,
    unsure: set[GroupKey],
) -> None:
    """Read again from the raw rows the minimum and maximum of some groups."""
    for status, phase in PHASES.items():
        ids = sorted({object_id for object_id, wanted in unsure if wanted == status})
        if not ids:
            continue
        clause = text(_EXTREMES.replace("{phase}", phase)).bindparams(
            *(bindparam(name, type_=UtcTime()) for name in ("start", "end"))
        )
        params = {"start": window.start, "end": window.end, "ids": ids}
        for row in connection.execute(clause, params):
            group = groups[(int(row.object_id), status)]
            group.lowest, group.highest = row.min_seconds, row.max_seconds


def sync_statistics_rolled(
    connection: Connection, window: Window, ids: Collection[int] | None
) -> list[SyncStat]:
    """:func:`~gitops_schema.analytics.syncstats.sync_statistics`, from the running rollup."""
    if connection.dialect.name != "postgresql":
        return sync_statistics(connection, window, ids)
    # a few thousand rows per query: compiling or parallel workers cost more than they save
    connection.exec_driver_sql("SET LOCAL jit = off")
    connection.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
    groups: dict[GroupKey, _Group] = {}
    found = parts(window)
    if found.days is not None and not _whole_days(connection, groups, found.days, ids):
        return sync_statistics(connection, window, ids)
    _extremes(connection, groups, window, _edges(connection, groups, found, ids))
    summaries: dict[GroupKey, Summary] = {}
    histograms: dict[GroupKey, tuple[bytes | None, dict[int, int]]] = {}
    for key, group in groups.items():
        if not group.operations:
            continue
        summaries[key] = Summary(
            group.operations, group.timed, group.total, group.lowest, group.highest
        )
        # the whole days' histogram is read only for groups large there
        if group.sent is not None or not group.rolled_timed:
            histograms[key] = (group.sent, group.extra)
    return finish(connection, window, summaries, histograms)
