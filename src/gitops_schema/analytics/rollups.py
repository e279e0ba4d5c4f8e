"""Rollups and change marks, maintained by the database on every ingest.

``analytics_sync_daily`` holds, per object, UTC day and status, the number of completed sync
operations, how many have a known duration, their sum, minimum and maximum, and (PostgreSQL)
their duration histogram (:mod:`gitops_schema.analytics.sketch`); ``analytics_sync_weekly``
the same per ISO week (UTC, keyed by its Monday), so a long window reads a row a week rather
than seven; ``analytics_sync_totals``
the all-time count per object and status (what ``/metrics`` exports). ``analytics_dirty`` names the
objects whose deployment outcomes or revision ranges changed since they were last brought up to
date (:mod:`gitops_schema.analytics.materialize`).

Triggers keep both exact whatever process writes: plpgsql on PostgreSQL, SQL triggers on
SQLite. On ``sync_operations`` an insert is added to its day and week in place; an update (the
store merges a history entry into its operation, which moves its finish and duration) or a
delete recomputes the day and week it touched from the raw rows. Writes to ``sync_operations``,
``health_transitions`` and ``deployments`` mark their object; writes to ``commits`` mark the
commit graph. :func:`install` creates the tables, triggers and indexes the reports need, and
fills them from the rows already stored, in one transaction that blocks writers meanwhile, so
nothing is counted twice or missed.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from sqlalchemy import Connection, Engine, inspect

from gitops_schema.analytics import sketch, sql
from gitops_schema.analytics.definitions import Window
from gitops_schema.analytics.materialize import refresh
from gitops_schema.analytics.syncstats import (
    EXACT_LIMIT,
    GroupKey,
    Summary,
    SyncStat,
    finish,
    summary_of,
)
from gitops_schema.analytics.tables import ensure as ensure_tables
from gitops_schema.analytics.tables import incremental
from gitops_schema.analytics.triggers import (
    EPOCH,
    MARKS,
    PERIODS,
    TOP,
    columns,
    period_key,
    postgres_triggers,
    sqlite_triggers,
    sums,
)

VERSION: Final = 7

_HISTOGRAM_COLUMN: Final = (
    ",\n    histogram NUMERIC NOT NULL DEFAULT 0,\n    top DOUBLE PRECISION[] NOT NULL DEFAULT '{}'"
)
_TABLE: Final = """
CREATE TABLE {table} (
    object_id BIGINT NOT NULL,
    {key} CHAR(10) NOT NULL,
    status VARCHAR(16) NOT NULL,
    operations BIGINT NOT NULL,
    timed BIGINT NOT NULL,
    total DOUBLE PRECISION NOT NULL,
    min_seconds DOUBLE PRECISION,
    max_seconds DOUBLE PRECISION{histogram},
    PRIMARY KEY (object_id, {key}, status)
)"""
_TOTALS: Final = """
CREATE TABLE analytics_sync_totals (
    object_id BIGINT NOT NULL,
    status VARCHAR(16) NOT NULL,
    operations BIGINT NOT NULL,
    PRIMARY KEY (object_id, status)
)"""
_PERIOD_INDEX: Final = "CREATE INDEX IF NOT EXISTS analytics_ix_{table} ON {table} ({key})"
# failure signals, health signs and recomputed days are looked up per object in time order;
# failures and successes have an index each, so the first one after a time is one probe
INDEXES: Final = (
    "CREATE INDEX IF NOT EXISTS analytics_ix_sync_operations_object_finished "
    "ON sync_operations (object_id, finished_at)",
    "CREATE INDEX IF NOT EXISTS analytics_ix_sync_operations_failures "
    "ON sync_operations (object_id, finished_at) WHERE phase IN ('Failed', 'Error')",
    "CREATE INDEX IF NOT EXISTS analytics_ix_sync_operations_successes "
    "ON sync_operations (object_id, finished_at) WHERE phase = 'Succeeded'",
    "CREATE INDEX IF NOT EXISTS analytics_ix_health_transitions_object "
    "ON health_transitions (object_id, transitioned_at)",
)
_STATE: Final = """
CREATE TABLE IF NOT EXISTS analytics_rollup_state (
    name VARCHAR(64) PRIMARY KEY, version INTEGER NOT NULL
)"""


# what each table's writes make stale (analytics_dirty kinds)
def _backfill(dialect: str) -> list[str]:
    status = sql.status("s")
    everything = f"SELECT id, '{{kind}}', 1, {EPOCH[dialect]} FROM objects"
    return [
        *(
            f"INSERT INTO {table} ({columns(dialect, table)}) "
            f"SELECT s.object_id, {key}, {status}, {sums(dialect)} FROM sync_operations s "
            f"WHERE {sql.completed('s')} GROUP BY s.object_id, {key}, {status}"
            for table in PERIODS
            for key in [period_key(dialect, table, "s.finished_at")]
        ),
        "INSERT INTO analytics_sync_totals (object_id, status, operations) "
        "SELECT object_id, status, SUM(operations) FROM analytics_sync_daily "
        "GROUP BY object_id, status",
        *(
            "INSERT INTO analytics_dirty (object_id, kind, stamp, since) "
            + everything.format(kind=kind)
            for kind in ("outcomes", "changes")
        ),
    ]


_ensured: set[str] = set()
_lock = threading.Lock()


def ensure(engine: Engine) -> None:
    """Install the rollups once per database, then bring the kept state up to date."""
    key = engine.url.render_as_string(hide_password=False)
    with _lock:
        if key not in _ensured:
            with engine.begin() as connection:
                install(connection)
            _ensured.add(key)
    refresh(engine)


def _drop(connection: Connection, dialect: str) -> None:
    """Drop what an earlier version installed (triggers by every name it used)."""
    if dialect == "postgresql":
        connection.exec_driver_sql("LOCK TABLE sync_operations IN SHARE ROW EXCLUSIVE MODE")
        for trigger, table in (
            ("analytics_sync_rollup", "sync_operations"),
            ("analytics_sync_daily", "sync_operations"),
            ("analytics_sync_inserted", "sync_operations"),
            ("analytics_sync_changed", "sync_operations"),
            ("analytics_mark_commits", "commits"),
            *(
                (name, table)
                for table in MARKS
                for name in ("analytics_mark", "analytics_mark_inserted")
            ),
        ):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
    else:
        names = [
            f"analytics_sync_{kind}_{event}"
            for kind in ("rollup", "daily")
            for event in ("insert", "update_old", "update_new", "delete")
        ]
        names += [
            f"analytics_mark_{table}_{event}"
            for table in (*MARKS, "commits")
            for event in ("insert", "update", "delete")
        ]
        for name in names:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    for table in ("analytics_sync_rollup", *PERIODS, "analytics_sync_totals"):
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
    incremental.drop_all(connection, checkfirst=True)


def install(connection: Connection) -> None:
    """Create what is missing, inside the caller's transaction."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        # one installer at a time, and no writer between the triggers and the backfill
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7202604)")
    connection.exec_driver_sql(_STATE)
    done = connection.exec_driver_sql(
        "SELECT version FROM analytics_rollup_state WHERE name = 'sync'"
    ).scalar()
    ensure_tables(connection)
    if done == VERSION:
        return
    _drop(connection, dialect)
    histogram = _HISTOGRAM_COLUMN if dialect == "postgresql" else ""
    for table, (key, _) in PERIODS.items():
        connection.exec_driver_sql(_TABLE.format(table=table, key=key, histogram=histogram))
        connection.exec_driver_sql(_PERIOD_INDEX.format(table=table, key=key))
    connection.exec_driver_sql(_TOTALS)
    incremental.create_all(connection)
    for index in INDEXES:
        connection.exec_driver_sql(index)
    for statement in postgres_triggers() if dialect == "postgresql" else sqlite_triggers():
        connection.exec_driver_sql(statement)
    for statement in _backfill(dialect):
        connection.exec_driver_sql(statement)
    connection.exec_driver_sql("DELETE FROM analytics_rollup_state WHERE name = 'sync'")
    connection.exec_driver_sql(
        f"INSERT INTO analytics_rollup_state (name, version) VALUES ('sync', {VERSION})"
    )


def installed(connection: Connection) -> bool:
    """Whether this database has the rollups (reports fall back to raw rows otherwise)."""
    if not inspect(connection).has_table("analytics_rollup_state"):
        return False
    version = connection.exec_driver_sql(
        "SELECT version FROM analytics_rollup_state WHERE name = 'sync'"
    ).scalar()
    return version == VERSION


def _full_days(start: datetime, end: datetime) -> tuple[datetime, datetime] | None:
    """The whole UTC days inside ``[start, end)``, as ``[first, last)`` midnights."""
    first = start.astimezone(UTC)
    midnight = first.replace(hour=0, minute=0, second=0, microsecond=0)
    if midnight < first:
        midnight += timedelta(days=1)
    last = end.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight, last) if midnight < last else None


def _edges(window: Window) -> list[tuple[datetime, datetime]]:
    """The partial days at the window's ends (the whole window when it holds no whole day)."""
    days = _full_days(window.start, window.end)
    if days is None:
        return [(window.start, window.end)]
    return [
        (low, high) for low, high in ((window.start, days[0]), (days[1], window.end)) if low < high
    ]


def _rolled(window: Window) -> list[tuple[str, str, str]]:
    """The rollup rows that cover the window's whole days, as ``(table, first, last)`` keys.

    The whole ISO weeks come from the weekly rollup, the days around them from the daily one.
    """
    days = _full_days(window.start, window.end)
    if days is None:
        return []
    first, last = days[0].date(), days[1].date()
    monday = first + timedelta(days=-first.weekday() % 7)
    last_monday = last - timedelta(days=last.weekday())
    if monday >= last_monday:
        return [("analytics_sync_daily", first.isoformat(), last.isoformat())]
    ranges = (
        ("analytics_sync_daily", first, monday),
        ("analytics_sync_weekly", monday, last_monday),
        ("analytics_sync_daily", last_monday, last),
    )
    return [(table, low.isoformat(), high.isoformat()) for table, low, high in ranges if low < high]


_SUMMED: Final = (
    "SUM(operations) AS operations, SUM(timed) AS timed, SUM(total) AS total, "
    "MIN(min_seconds) AS min_seconds, MAX(max_seconds) AS max_seconds"
)


def _summary(dialect: str, window: Window) -> tuple[str, dict[str, Any]]:
    """SQL of per-object, per-status sums (and histograms) over the window.

    Whole weeks and days come from the rollups (:func:`_rolled`), the partial days at the
    window's edges from the raw rows (``{r_ids}`` and ``{ids}`` stand for the filters on their
    objects).
    """
    edges = _edges(window)
    summed_histogram = ", SUM(histogram) AS histogram" if dialect == "postgresql" else ""
    parts: list[str] = []
    params: dict[str, Any] = {}
    for index, (table, first, last) in enumerate(_rolled(window)):
        key = PERIODS[table][0]
        parts.append(
            f"SELECT r.object_id AS object_id, r.status AS status, {_SUMMED}{summed_histogram} "
            f"FROM {table} r WHERE r.{key} >= :first{index} AND r.{key} < :last{index} "
            "AND {r_ids} GROUP BY r.object_id, r.status"
        )
        params.update({f"first{index}": first, f"last{index}": last})
    # the edges' histograms are counted per bucket (_edge_buckets): cheaper than NUMERIC sums
    no_histogram = ", CAST(NULL AS NUMERIC) AS histogram" if dialect == "postgresql" else ""
    for index, (low, high) in enumerate(edges):
        parts.append(
            f"SELECT s.object_id AS object_id, {sql.status('s')} AS status, "
            "COUNT(*) AS operations, COUNT(s.duration_seconds) AS timed, "
            "COALESCE(SUM(s.duration_seconds), 0) AS total, "
            "MIN(s.duration_seconds) AS min_seconds, MAX(s.duration_seconds) AS max_seconds"
            f"{no_histogram} FROM sync_operations s WHERE {sql.completed('s')} "
            f"AND s.finished_at >= :low{index} AND s.finished_at < :high{index} AND {{ids}} "
            f"GROUP BY s.object_id, {sql.status('s')}"
        )
        params.update({f"low{index}": low, f"high{index}": high})
    summed = ", SUM(histogram)::text AS histogram" if dialect == "postgresql" else ""
    query = (
        f"SELECT object_id, status, {_SUMMED}{summed} FROM ("
        + " UNION ALL ".join(parts)
        + ") parts GROUP BY object_id, status HAVING SUM(operations) > 0"
    )
    return query, params


def sync_statistics_rolled(
    connection: Connection, window: Window, ids: Collection[int] | None
) -> list[SyncStat]:
    """:func:`~gitops_schema.analytics.syncstats.sync_statistics`, from the rollup.

    On PostgreSQL the p95 of a large group comes from the summed histograms; otherwise from
    the group's durations.
    """
    dialect = connection.dialect.name
    query, params = _summary(dialect, window)
    edges = [name for name in params if name.startswith(("low", "high"))]
    clause, extra = sql.scoped(
        query.replace("{r_ids}", "1 = 1" if ids is None else "r.object_id IN :ids"),
        "s.object_id",
        ids,
        times=edges,
    )
    summaries: dict[GroupKey, Summary] = {}
    histograms: dict[GroupKey, tuple[str, dict[int, int]]] = {}
    if dialect == "postgresql":
        # summing thousands of histograms in one hash table: 4 MB would spill it to disk
        connection.exec_driver_sql("SET LOCAL work_mem = '64MB'")
        # the report's queries read a few thousand rows each: starting parallel workers
        # costs more than it saves
        connection.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
    for row in connection.execute(clause, {**params, **extra}):
        key = (int(row.object_id), str(row.status))
        summaries[key] = summary_of(row)
        if dialect == "postgresql" and summaries[key].timed:
            histograms[key] = (row.histogram or "", {})
    if dialect != "postgresql":
        return finish(connection, window, summaries, None, {})
    edge_tops = _edge_buckets(connection, window, ids, histograms)
    small = [key for key, summary in summaries.items() if 0 < summary.timed <= EXACT_LIMIT]
    tops = _tops(connection, window, small, edge_tops)
    return finish(connection, window, summaries, histograms, tops)


_TOPS: Final = f"""
SELECT r.object_id AS object_id, (array_agg(x ORDER BY x DESC))[1:{TOP}] AS top
FROM ({{parts}}) r CROSS JOIN LATERAL unnest(r.top) x
GROUP BY r.object_id"""
_TOPS_PART: Final = """
SELECT object_id, top FROM {table}
WHERE {key} >= :first{index} AND {key} < :last{index} AND status = :status AND {{ids}}"""


def _tops(
    connection: Connection,
    window: Window,
    groups: Sequence[GroupKey],
    edge_tops: Mapping[GroupKey, Sequence[float]],
) -> dict[GroupKey, list[float]]:
    """The largest durations of small groups: whole days' from the rollups, plus the edges'."""
    found: dict[GroupKey, list[float]] = {key: [] for key in groups}
    rolled = _rolled(window)
    query = _TOPS.replace(
        "{parts}",
        " UNION ALL ".join(
            _TOPS_PART.format(table=table, key=PERIODS[table][0], index=index)
            for index, (table, _, _) in enumerate(rolled)
        ),
    )
    params: dict[str, Any] = {}
    for index, (_, first, last) in enumerate(rolled):
        params.update({f"first{index}": first, f"last{index}": last})
    for status in ("Succeeded", "Failed"):
        ids = {object_id for object_id, wanted in groups if wanted == status}
        if not rolled or not ids:
            continue
        clause, extra = sql.scoped(query, "object_id", ids, times=())
        for row in connection.execute(clause, {**params, "status": status, **extra}):
            found[(int(row.object_id), status)] += [float(value) for value in row.top]
    for key, values in found.items():
        values += edge_tops.get(key, ())
    return {key: sorted(values, reverse=True)[:TOP] for key, values in found.items()}


# one row per group (a row per bucket costs more to fetch than the buckets to count)
_EDGE_BUCKETS: Final = f"""
SELECT s.object_id AS object_id, {sql.status("s")} AS status,
       array_agg({sketch.position_sql("s.duration_seconds")}) AS buckets,
       (array_agg(s.duration_seconds ORDER BY s.duration_seconds DESC))[1:{TOP}] AS top
FROM sync_operations s
WHERE {sql.completed("s")} AND s.duration_seconds IS NOT NULL
  AND s.finished_at >= :start AND s.finished_at < :end AND {{ids}}
GROUP BY 1, 2"""


def _edge_buckets(
    connection: Connection,
    window: Window,
    ids: Collection[int] | None,
    histograms: dict[GroupKey, tuple[str, dict[int, int]]],
) -> dict[GroupKey, list[float]]:
    """Add the bucket counts of the window's partial days to the groups' histograms.

    Returns the largest durations of each group there (one read of the edges for both).
    """
    clause, extra = sql.scoped(_EDGE_BUCKETS, "s.object_id", ids)
    tops: dict[GroupKey, list[float]] = {}
    for low, high in _edges(window):
        for row in connection.execute(clause, {"start": low, "end": high, **extra}):
            key = (int(row.object_id), str(row.status))
            if key in histograms:
                counts = histograms[key][1]
                for bucket in row.buckets:
                    counts[bucket] = counts.get(bucket, 0) + 1
            tops.setdefault(key, []).extend(float(value) for value in row.top)
    return tops
