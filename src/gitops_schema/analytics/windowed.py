"""Sync statistics of a window from the running rollup of PostgreSQL, in one statement.

The whole UTC days ``[first, end)`` of the window come from
:mod:`gitops_schema.analytics.running`: per object and status, the row of ``end - 1`` minus
the row of ``first - 1`` gives the counts, the sum of durations and their histogram; with
``2^k <= end - first < 2^(k+1)``, the spans of ``2^k`` days ending at ``first - 1 + 2^k`` and at
``end - 1`` give minimum and maximum: every object's rows at three days, read by day. A
partial day at an edge of the window is read from its raw rows, or, when the part of that day
outside the window is smaller, the whole day is read from the rollup and that part's raw rows
taken away (its counts, sum and histogram subtract; a minimum or maximum equal to that part's
is read again from the raw rows of the window).

One statement adds these parts up per group, in the database, and sends back a narrow row
per group: the figures and the group's histogram as ``numeric_send`` gives it (the partial
days' buckets beside it), from which the p95 is read here
(:mod:`gitops_schema.analytics.sketch`); the objects' names come with it. A group of at
most :data:`~gitops_schema.analytics.syncstats.EXACT_LIMIT` known durations gets its exact
p95 from its durations, read by a second statement while the rows are made.

Elsewhere (SQLite) the raw rows give the same figures.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter
from typing import Any, Final

from sqlalchemy import Connection

from gitops_schema.analytics import sketch, sql
from gitops_schema.analytics.bulk import collections_paused
from gitops_schema.analytics.definitions import Window, rounded
from gitops_schema.analytics.running import LEVELS
from gitops_schema.analytics.syncstats import (
    EXACT_LIMIT,
    PHASES,
    GroupKey,
    Summary,
    exact_p95,
    histogram_p95,
    p95_of_values,
)

FIELDS: Final = (
    "tool",
    "cluster",
    "namespace",
    "name",
    "status",
    "count",
    "avg_seconds",
    "min_seconds",
    "max_seconds",
    "p95_seconds",
)
"""The fields of a ``sync-stats`` row, in order."""


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


# Every group's rows of three days, read by day: the last day's running figures less the
# day's before the window, and the minimum and maximum of the two spans.
_ROLLED: Final = """
    SELECT e.object_id AS o, e.status AS s,
           e.operations - COALESCE(b.operations, 0) AS operations,
           e.timed - COALESCE(b.timed, 0) AS timed, e.total - COALESCE(b.total, 0) AS total,
           COALESCE(e.histogram - b.histogram, e.histogram) AS histogram,
           CAST(NULL AS INTEGER[]) AS buckets,
           LEAST(e.lows[%(level)s], m.lows[%(level)s]) AS lo,
           GREATEST(e.highs[%(level)s], m.highs[%(level)s]) AS hi,
           CAST(NULL AS DOUBLE PRECISION) AS lo_out, CAST(NULL AS DOUBLE PRECISION) AS hi_out
    FROM analytics_sync_running e
    LEFT JOIN analytics_sync_running b
      ON b.object_id = e.object_id AND b.status = e.status AND b.day = %(before)s
    LEFT JOIN analytics_sync_running m
      ON m.object_id = e.object_id AND m.status = e.status AND m.day = %(middle)s
    WHERE e.day = %(last)s AND {ids}"""
_NOTHING: Final = """
    SELECT CAST(NULL AS BIGINT) AS o, CAST(NULL AS VARCHAR) AS s,
           CAST(NULL AS BIGINT) AS operations, CAST(NULL AS BIGINT) AS timed,
           CAST(NULL AS NUMERIC) AS total, CAST(NULL AS NUMERIC) AS histogram,
           CAST(NULL AS INTEGER[]) AS buckets, CAST(NULL AS DOUBLE PRECISION) AS lo,
           CAST(NULL AS DOUBLE PRECISION) AS hi, CAST(NULL AS DOUBLE PRECISION) AS lo_out,
           CAST(NULL AS DOUBLE PRECISION) AS hi_out
    WHERE FALSE"""
_PART: Final = f"""
    SELECT s.object_id AS o, {sql.status("s")} AS s, {{sign}} AS sign, s.duration_seconds AS d
    FROM sync_operations s
    WHERE {sql.completed("s")} AND s.finished_at >= %(low{{n}})s
      AND s.finished_at < %(high{{n}})s AND {{ids}}"""
# the raw rows of the partial days, signed: +1 in the window, -1 outside it; their durations'
# buckets as signed positions + 1 (summing them into a histogram here costs more than adding
# their few counts where the histogram is read)
_EDGES: Final = f"""
    SELECT p.o, p.s, SUM(p.sign) AS operations,
           COALESCE(SUM(p.sign) FILTER (WHERE p.d IS NOT NULL), 0) AS timed,
           COALESCE(SUM(p.sign * CAST(p.d AS NUMERIC)), 0) AS total,
           CAST(NULL AS NUMERIC) AS histogram,
           array_agg(p.sign * ({sketch.position_sql("p.d")} + 1))
               FILTER (WHERE p.d IS NOT NULL) AS buckets,
           MIN(p.d) FILTER (WHERE p.sign > 0) AS lo, MAX(p.d) FILTER (WHERE p.sign > 0) AS hi,
           MIN(p.d) FILTER (WHERE p.sign < 0) AS lo_out,
           MAX(p.d) FILTER (WHERE p.sign < 0) AS hi_out
    FROM ({{parts}}) p GROUP BY 1, 2"""
# both: the partial days' figures added to the whole days', and the extremes that may have
# been only in a part taken away (equal to that part's)
_BOTH: Final = """
    SELECT COALESCE(r.o, e.o) AS o, COALESCE(r.s, e.s) AS s,
           COALESCE(r.operations, 0) + COALESCE(e.operations, 0) AS operations,
           COALESCE(r.timed, 0) + COALESCE(e.timed, 0) AS timed,
           COALESCE(r.total, 0) + COALESCE(e.total, 0) AS total,
           r.histogram, e.buckets,
           LEAST(r.lo, e.lo) AS lo, GREATEST(r.hi, e.hi) AS hi,
           CASE WHEN e.lo_out = r.lo THEN e.lo_out END AS lo_out,
           CASE WHEN e.hi_out = r.hi THEN e.hi_out END AS hi_out
    FROM ({rolled}) r FULL JOIN ({edges}) e ON e.o = r.o AND e.s = r.s"""
# what is sent back costs more than what is computed: a narrow row per group, with its
# object's names
_REPORT: Final = f"""
SELECT g.o, o.tool, o.cluster, o.namespace, o.name, g.s,
       CAST(g.operations AS BIGINT), CAST(g.timed AS BIGINT),
       CAST(g.total AS DOUBLE PRECISION), g.lo, g.hi,
       CASE WHEN g.lo_out IS NOT NULL OR g.hi_out IS NOT NULL THEN TRUE END,
       CASE WHEN g.timed > {EXACT_LIMIT} AND g.timed < {sketch.LIMIT}
            THEN numeric_send(g.histogram) END,
       g.buckets
FROM ({{groups}}) g JOIN objects o ON o.id = g.o
WHERE g.operations > 0"""
_ORDER: Final = itemgetter(1, 2, 3, 4, 0, 5)
"""The report's order of the statement's rows: by names, then object, then status."""


def _stored_days(connection: Connection) -> tuple[date, date] | None:
    """The first and last day the rollup has (it has no operation outside)."""
    first, last = connection.exec_driver_sql(
        "SELECT MIN(day), MAX(day) FROM analytics_sync_running"
    ).one()
    return None if first is None else (first, last)


def _statement(
    connection: Connection, window: Window, ids: Collection[int] | None
) -> tuple[str, dict[str, Any]] | None:
    """The report's statement and parameters; ``None`` when the spans cannot cover it."""
    found = parts(window)
    params: dict[str, Any] = {"start": window.start, "end": window.end}
    where = "TRUE"
    if ids is not None:
        where = "{column} = ANY(%(ids)s)"
        params["ids"] = sorted(ids)
    rolled = None
    stored = _stored_days(connection) if found.days is not None else None
    if found.days is not None and stored is not None:
        first = max(found.days[0], stored[0])
        end = min(found.days[1], stored[1] + timedelta(days=1))
        if first < end:
            covered = cover(first, end)
            if covered is None:
                return None
            level, before, middle, last = covered
            params.update(level=level + 1, before=before, middle=middle, last=last)
            rolled = _ROLLED.replace("{ids}", where.format(column="e.object_id"))
    spans = [(1, span) for span in found.added] + [(-1, span) for span in found.removed]
    edges = None
    if spans:
        selects = []
        for index, (sign, (low, high)) in enumerate(spans):
            params[f"low{index}"], params[f"high{index}"] = low, high
            part = _PART.replace("{ids}", where.format(column="s.object_id"))
            selects.append(part.replace("{sign}", str(sign)).replace("{n}", str(index)))
        edges = _EDGES.replace("{parts}", "\n    UNION ALL".join(selects))
    if rolled is not None and edges is not None:
        groups = _BOTH.format(rolled=rolled, edges=edges)
    else:
        # with no whole day stored in the window, the rollup is read for none
        groups = edges or rolled or _NOTHING
    return _REPORT.replace("{groups}", groups), params


def _rounded(value: float | None) -> float | None:
    # most durations are whole seconds: rounding them changes nothing
    if value is None or value.is_integer():
        return value
    return round(value, 9)


def report_rows(
    connection: Connection, window: Window, ids: Collection[int] | None
) -> list[dict[str, Any]] | None:
    """The ``sync-stats`` rows of the objects ``ids`` (``None``: all), in report order.

    ``None`` when the window is longer than the rollup's spans cover (the caller reads the
    raw rows).
    """
    statement = _statement(connection, window, ids)
    if statement is None:
        return None
    # a statement over a few thousand rows: compiling or parallel workers cost more; its
    # joins hold every group's histograms in memory
    connection.exec_driver_sql(
        "SELECT set_config('jit', 'off', true), "
        "set_config('max_parallel_workers_per_gather', '0', true), "
        "set_config('work_mem', '64MB', true)"
    )
    with collections_paused():
        return _report_rows(connection, window, statement)


def _report_rows(
    connection: Connection, window: Window, statement: tuple[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    rows = _fetched(connection, *statement)
    unsure = [(row[0], row[5]) for row in rows if row[11]]
    if unsure:
        rows = _exact_extremes(connection, window, rows, unsure)
    # the groups whose p95 is read from their durations: few durations, or too many for a
    # histogram; the database reads them while the other rows are made here
    exact = [(row[0], row[5]) for row in rows if row[7] and row[12] is None]
    driver = connection.connection.driver_connection
    assert driver is not None  # an open connection
    with driver.pipeline(), driver.cursor(binary=True) as cursor:
        if exact:
            cursor.execute(*_per_status(_DURATIONS, window, exact), prepare=True)
        found, pending = _rows(rows)
        known = cursor.fetchall() if exact else []
    for o, status, values in known:
        row, summary = pending[(o, status)]
        if len(values) <= EXACT_LIMIT:  # the usual case: no summary needed
            row["p95_seconds"] = _rounded(exact_p95(values))
        else:
            row["p95_seconds"] = _rounded(p95_of_values(values, Summary(*summary)))
    return found


Pending = dict[GroupKey, tuple[dict[str, Any], tuple[int, int, float, float | None, float | None]]]
"""Rows whose p95 is read from their durations, with what sums them up (a :class:`Summary`)."""


def _rows(rows: list[tuple[Any, ...]]) -> tuple[list[dict[str, Any]], Pending]:
    """The report's rows in order, and those whose p95 is read from their durations."""
    rows.sort(key=_ORDER)
    found: list[dict[str, Any]] = []
    pending: Pending = {}
    for fetched in rows:
        o, tool, cluster, namespace, name, status = fetched[:6]
        count, timed, total, low, high, _, sent, buckets = fetched[6:]
        row = {
            "tool": tool,
            "cluster": cluster,
            "namespace": namespace,
            "name": name,
            "status": status,
            "count": count,
            "avg_seconds": rounded(total / timed) if timed else None,
            "min_seconds": _rounded(low),
            "max_seconds": _rounded(high),
            "p95_seconds": None,
        }
        if timed:
            if sent is None:
                pending[(o, status)] = (row, (count, timed, total, low, high))
            elif buckets is None:
                row["p95_seconds"] = _rounded(histogram_p95(sent, timed, low, high))
            else:
                extra: dict[int, int] = {}
                for signed in buckets:  # the partial days' buckets, added or taken away
                    bucket = abs(signed) - 1
                    extra[bucket] = extra.get(bucket, 0) + (1 if signed > 0 else -1)
                row["p95_seconds"] = _rounded(histogram_p95(sent, timed, low, high, extra))
        found.append(row)
    return found, pending


# per status, so that each reads its partial index (which holds the durations)
_EXTREMES: Final = """
    SELECT s.object_id, CAST('{status}' AS VARCHAR), MIN(s.duration_seconds),
           MAX(s.duration_seconds)
    FROM sync_operations s
    WHERE {phase} AND s.finished_at >= %(start)s AND s.finished_at < %(end)s
      AND s.object_id = ANY(%({status})s)
    GROUP BY 1"""
_DURATIONS: Final = """
    SELECT s.object_id, CAST('{status}' AS VARCHAR), array_agg(s.duration_seconds)
    FROM sync_operations s
    WHERE {phase} AND s.finished_at >= %(start)s AND s.finished_at < %(end)s
      AND s.duration_seconds IS NOT NULL AND s.object_id = ANY(%({status})s)
    GROUP BY 1"""


def _per_status(
    query: str, window: Window, groups: Collection[GroupKey]
) -> tuple[str, dict[str, Any]]:
    """``query`` (per status) over the raw rows of some groups in the window."""
    params: dict[str, Any] = {"start": window.start, "end": window.end}
    selects = []
    for status, phase in PHASES.items():
        wanted = sorted(object_id for object_id, of in groups if of == status)
        if wanted:
            params[status] = wanted
            selects.append(query.format(status=status, phase=phase))
    return "\nUNION ALL".join(selects), params


def _exact_extremes(
    connection: Connection,
    window: Window,
    rows: list[tuple[Any, ...]],
    unsure: Collection[GroupKey],
) -> list[tuple[Any, ...]]:
    """The rows with the minimum and maximum of some groups read again from the raw rows."""
    found = _fetched(connection, *_per_status(_EXTREMES, window, unsure))
    extremes = {(o, status): (low, high) for o, status, low, high in found}
    return [(*row[:9], *extremes[(row[0], row[5])], *row[11:]) if row[11] else row for row in rows]


def _fetched(connection: Connection, query: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of a statement, in PostgreSQL's binary form.

    Thousands of histograms and floats are several times cheaper to take in than their text;
    the statement is prepared (its plan kept by the connection for the next report: planning
    it reads every partition's indexes).
    """
    driver = connection.connection.driver_connection
    assert driver is not None  # an open connection
    with driver.cursor(binary=True) as cursor:
        cursor.execute(query, params)
        return list(cursor.fetchall())
