"""Sync statistics: count and average / min / max / p95 duration per object and status.

The raw rows give them on any database (:func:`sync_statistics`); the running rollup of
:mod:`gitops_schema.analytics.running` gives the same figures without reading every operation
of the window (:mod:`gitops_schema.analytics.windowed`).

The p95 is the continuous percentile (linear interpolation between the two nearest ranks, as
PostgreSQL's ``percentile_cont(0.95)``) of the group's known durations. It is exact when the
group has at most :data:`EXACT_LIMIT` known durations in the window, or so many that the
histogram could have carried (both from the raw rows); otherwise the two durations around the
rank are read from the duration histogram
(:mod:`gitops_schema.analytics.sketch`), each within 2% of the true one, so the p95 is within
2% of the exact percentile too (and never outside the exact min and max).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from sqlalchemy import Connection

from gitops_schema.analytics import sketch, sql
from gitops_schema.analytics.definitions import Window, rounded

PERCENTILE: Final = (19, 20)
"""p95 as a fraction, so ranks are found with integer arithmetic."""
EXACT_LIMIT: Final = 50
"""Groups with at most this many known durations in the window get the exact p95."""

GroupKey = tuple[int, str]
"""``(object_id, status)``."""


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


@dataclass(frozen=True)
class Summary:
    """What sums up a group: counts, total, min and max of its known durations."""

    operations: int
    timed: int
    total: float
    min_seconds: float | None
    max_seconds: float | None


def _ranks(n: int) -> tuple[int, int, int]:
    """The ranks around the p95 of ``n`` sorted values and the remainder (in twentieths)."""
    rank, remainder = divmod(PERCENTILE[0] * (n - 1), PERCENTILE[1])
    return rank, min(rank + 1, n - 1), remainder


def _interpolate(low: float, high: float, remainder: int) -> float:
    return low if remainder == 0 else low + (high - low) * remainder / PERCENTILE[1]


def exact_p95(values: Sequence[float]) -> float:
    """The continuous p95 of some values."""
    ordered = sorted(values)
    low, high, remainder = _ranks(len(ordered))
    return _interpolate(ordered[low], ordered[high], remainder)


def sketched_p95(sent: bytes | None, extra: Mapping[int, int], summary: Summary) -> float:
    """The p95 from a histogram, within the exact min / max.

    The histogram is ``numeric_send``'s (``None`` for none) plus counts by bucket position.
    """
    low, high, remainder = _ranks(summary.timed)
    found = sketch.ranked_in(sent, extra, summary.timed, (low, high))
    return _within(
        _interpolate(found[low], found[high], remainder), summary.min_seconds, summary.max_seconds
    )


def histogram_p95(
    sent: bytes | None,
    timed: int,
    lowest: float | None,
    highest: float | None,
    extra: Mapping[int, int] | None = None,
) -> float:
    """:func:`sketched_p95` of ``timed`` durations.

    They are a histogram as ``numeric_send`` gives it (``None`` for none) plus ``extra``
    counts by position.
    """
    # _ranks, _interpolate and _within inline: a report reads thousands of these
    low, remainder = divmod(PERCENTILE[0] * (timed - 1), PERCENTILE[1])
    high = low + 1 if low + 1 < timed else low
    at_low, at_high = sketch.top_ranked(sent, timed, low, high, extra)
    estimate = at_low + (at_high - at_low) * remainder / PERCENTILE[1] if remainder else at_low
    if lowest is not None and estimate < lowest:
        return lowest
    if highest is not None and estimate > highest:
        return highest
    return estimate


def _within(estimate: float, lowest: float | None, highest: float | None) -> float:
    if lowest is not None and estimate < lowest:
        return lowest
    if highest is not None and estimate > highest:
        return highest
    return estimate


def needs_values(timed: int) -> bool:
    """Whether a group's p95 is computed from its durations rather than the histogram."""
    return timed <= EXACT_LIMIT or timed >= sketch.LIMIT


def p95_of_values(values: Sequence[float], summary: Summary) -> float:
    """The p95 as defined above, from all the known durations of a group."""
    if needs_values(len(values)):
        return exact_p95(values)
    return sketched_p95(None, sketch.counts(values), summary)


def stat(key: GroupKey, summary: Summary, p95: float | None) -> SyncStat:
    """The statistics of a group from its summary and p95."""
    timed = summary.timed
    return SyncStat(
        object_id=key[0],
        status=key[1],
        count=summary.operations,
        avg_seconds=rounded(summary.total / timed) if timed else None,
        min_seconds=rounded(summary.min_seconds),
        max_seconds=rounded(summary.max_seconds),
        p95_seconds=rounded(p95) if timed else None,
    )


_SUMMARY: Final = f"""
SELECT s.object_id AS object_id, {sql.status("s")} AS status, COUNT(*) AS operations,
       COALESCE(SUM(s.duration_seconds), 0) AS total, COUNT(s.duration_seconds) AS timed,
       MIN(s.duration_seconds) AS min_seconds, MAX(s.duration_seconds) AS max_seconds
FROM sync_operations s
WHERE {sql.completed("s")} AND s.finished_at >= :start AND s.finished_at < :end AND {{ids}}
GROUP BY s.object_id, {sql.status("s")}"""

PHASES: Final = {"Succeeded": "s.phase = 'Succeeded'", "Failed": "s.phase IN ('Failed', 'Error')"}
"""SQL selecting the operations of each status (as the partial indexes are written)."""
_DURATIONS: Final = """
SELECT s.object_id AS object_id, s.duration_seconds AS duration
FROM sync_operations s
WHERE {phase} AND s.finished_at >= :start AND s.finished_at < :end
  AND s.duration_seconds IS NOT NULL AND {ids}"""


def summary_of(row: Any) -> Summary:
    """A :class:`Summary` from a row with its columns."""
    return Summary(
        int(row.operations),
        int(row.timed),
        float(row.total or 0),
        row.min_seconds,
        row.max_seconds,
    )


def durations(
    connection: Connection, window: Window, groups: Collection[GroupKey]
) -> dict[GroupKey, list[float]]:
    """Every known duration of some groups in the window (one query per status)."""
    found: dict[GroupKey, list[float]] = {key: [] for key in groups}
    for status, phase in PHASES.items():
        ids = {object_id for object_id, wanted in groups if wanted == status}
        if not ids:
            continue
        clause, extra = sql.scoped(
            _DURATIONS.replace("{phase}", phase),
            "s.object_id",
            ids,
            dialect=connection.dialect.name,
        )
        params = {"start": window.start, "end": window.end, **extra}
        for row in connection.execute(clause, params):
            found[(int(row.object_id), status)].append(float(row.duration))
    return found


def sync_statistics(
    connection: Connection, window: Window, ids: Collection[int] | None
) -> list[SyncStat]:
    """The statistics per object and status from the raw rows of the window."""
    clause, extra = sql.scoped(_SUMMARY, "s.object_id", ids)
    rows = connection.execute(clause, {"start": window.start, "end": window.end, **extra})
    summaries = {(int(r.object_id), str(r.status)): summary_of(r) for r in rows}
    values = durations(connection, window, [k for k, s in summaries.items() if s.timed])
    return [
        stat(key, summary, p95_of_values(values[key], summary) if summary.timed else None)
        for key, summary in summaries.items()
    ]


@dataclass(frozen=True)
class SyncDay:
    """Sync operations of one UTC day and status."""

    day: date
    status: str
    count: int
    avg_seconds: float | None
    max_seconds: float | None


_SYNC_DAYS: Final = """
SELECT {day} AS day, {status} AS status, COUNT(*) AS operations,
       SUM(s.duration_seconds) AS total, COUNT(s.duration_seconds) AS timed,
       MAX(s.duration_seconds) AS longest
FROM sync_operations s
WHERE {completed} AND s.finished_at >= :start AND s.finished_at < :end AND {ids}
GROUP BY {day}, {status}"""


def sync_days(connection: Connection, window: Window, ids: Collection[int] | None) -> list[SyncDay]:
    """Per UTC day and status: how many operations finished, average and longest duration."""
    query = _SYNC_DAYS.format(
        day=sql.utc_day(connection.dialect.name, "s.finished_at"),
        status=sql.status("s"),
        completed=sql.completed("s"),
        ids="{ids}",
    )
    clause, extra = sql.scoped(query, "s.object_id", ids)
    rows = connection.execute(clause, {"start": window.start, "end": window.end, **extra})
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
