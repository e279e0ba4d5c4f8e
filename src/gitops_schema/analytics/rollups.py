"""Rollups of the sync operations, maintained by the database on every ingest.

``analytics_sync_daily`` holds, per object, UTC day and status, the number of completed sync
operations, how many have a known duration, and the sum, minimum and maximum of those
durations. Triggers on ``sync_operations`` (plpgsql on PostgreSQL, SQL triggers on SQLite)
keep it exact whatever process writes: an insert is added in place; an update (the store
merges a history entry into its operation, which changes the finish and the duration) or a
delete recomputes the day it touched from the raw rows. :func:`ensure` creates the table, the
triggers and an index the reports need, and fills the table from the rows already stored, in
one transaction that blocks writers meanwhile, so nothing is counted twice or missed.

The sync statistics read whole UTC days inside their window from the rollup and only the
partial days at its two ends from the raw rows. The exact p95 needs every duration of the
window, so it is always read from the raw rows (:func:`sync_statistics_rolled`).
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from sqlalchemy import BindParameter, Connection, Engine, bindparam, inspect, text

from gitops_schema.analytics.definitions import (
    SyncStat,
    Window,
    rounded,
    sync_p95,
)
from gitops_schema.analytics.tables import ensure as ensure_tables
from gitops_schema.store.tables import UtcTime

VERSION: Final = 3
_STATUS: Final = "CASE WHEN {row}.phase = 'Succeeded' THEN 'Succeeded' ELSE 'Failed' END"
_COMPLETED: Final = (
    "{row}.phase IN ('Succeeded', 'Failed', 'Error') AND {row}.finished_at IS NOT NULL"
)

_TABLE: Final = """
CREATE TABLE analytics_sync_daily (
    object_id BIGINT NOT NULL,
    day CHAR(10) NOT NULL,
    status VARCHAR(16) NOT NULL,
    operations BIGINT NOT NULL,
    timed BIGINT NOT NULL,
    total DOUBLE PRECISION NOT NULL,
    min_seconds DOUBLE PRECISION,
    max_seconds DOUBLE PRECISION,
    PRIMARY KEY (object_id, day, status)
)"""
_DAY_INDEX: Final = (
    "CREATE INDEX IF NOT EXISTS analytics_ix_sync_daily_day ON analytics_sync_daily (day)"
)
# failure signals, health signs and recomputed days are looked up per object in time order;
# failures and successes have an index each, so the first one after a time is one probe
_OPERATIONS_INDEXES: Final = (
    "CREATE INDEX IF NOT EXISTS analytics_ix_sync_operations_object_finished "
    "ON sync_operations (object_id, finished_at)",
    "CREATE INDEX IF NOT EXISTS analytics_ix_sync_operations_failures "
    "ON sync_operations (object_id, finished_at) WHERE phase IN ('Failed', 'Error')",
    "CREATE INDEX IF NOT EXISTS analytics_ix_sync_operations_successes "
    "ON sync_operations (object_id, finished_at) WHERE phase = 'Succeeded'",
)
_STATE: Final = """
CREATE TABLE IF NOT EXISTS analytics_rollup_state (
    name VARCHAR(64) PRIMARY KEY, version INTEGER NOT NULL
)"""
_COLUMNS: Final = "object_id, day, status, operations, timed, total, min_seconds, max_seconds"


def _day(dialect: str, column: str) -> str:
    if dialect == "postgresql":
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    return f"substr({column}, 1, 10)"


def _day_range(dialect: str, row: str) -> str:
    """SQL: ``s.finished_at`` falls on the UTC day of ``row``'s finish (index-friendly)."""
    if dialect == "postgresql":
        start = f"(date_trunc('day', {row}.finished_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')"
        return f"s.finished_at >= {start} AND s.finished_at < {start} + INTERVAL '1 day'"
    day = f"substr({row}.finished_at, 1, 10)"
    return f"s.finished_at >= {day} AND s.finished_at < date({day}, '+1 day')"


def _smaller(dialect: str, a: str, b: str) -> str:
    if dialect == "postgresql":
        return f"LEAST({a}, {b})"  # LEAST and GREATEST skip nulls
    return f"CASE WHEN {a} IS NULL THEN {b} WHEN {b} IS NULL THEN {a} ELSE min({a}, {b}) END"


def _larger(dialect: str, a: str, b: str) -> str:
    if dialect == "postgresql":
        return f"GREATEST({a}, {b})"
    return f"CASE WHEN {a} IS NULL THEN {b} WHEN {b} IS NULL THEN {a} ELSE max({a}, {b}) END"


def _add(dialect: str, row: str) -> str:
    """SQL adding the completed operation ``row`` (NEW) to its day."""
    duration = f"{row}.duration_seconds"
    current = "analytics_sync_daily"
    return (
        f"INSERT INTO analytics_sync_daily ({_COLUMNS}) VALUES ({row}.object_id, "
        f"{_day(dialect, row + '.finished_at')}, {_STATUS.format(row=row)}, 1, "
        f"CASE WHEN {duration} IS NULL THEN 0 ELSE 1 END, COALESCE({duration}, 0), "
        f"{duration}, {duration}) "
        "ON CONFLICT (object_id, day, status) DO UPDATE SET "
        f"operations = {current}.operations + 1, "
        f"timed = {current}.timed + excluded.timed, total = {current}.total + excluded.total, "
        f"min_seconds = {_smaller(dialect, current + '.min_seconds', 'excluded.min_seconds')}, "
        f"max_seconds = {_larger(dialect, current + '.max_seconds', 'excluded.max_seconds')}"
    )


def _recompute(dialect: str, row: str) -> list[str]:
    """SQL recomputing the day of ``row`` (OLD or NEW) from the raw rows."""
    day, status = _day(dialect, row + ".finished_at"), _STATUS.format(row=row)
    return [
        f"DELETE FROM analytics_sync_daily WHERE object_id = {row}.object_id "
        f"AND day = {day} AND status = {status}",
        f"INSERT INTO analytics_sync_daily ({_COLUMNS}) "
        f"SELECT {row}.object_id, {day}, {status}, COUNT(*), COUNT(s.duration_seconds), "
        "COALESCE(SUM(s.duration_seconds), 0), MIN(s.duration_seconds), "
        "MAX(s.duration_seconds) FROM sync_operations s "
        f"WHERE s.object_id = {row}.object_id AND {_COMPLETED.format(row='s')} "
        f"AND {_STATUS.format(row='s')} = {status} AND {_day_range(dialect, row)} "
        "HAVING COUNT(*) > 0",
    ]


def _postgres_triggers() -> list[str]:
    new, old = _COMPLETED.format(row="NEW"), _COMPLETED.format(row="OLD")
    recompute_old = ";\n        ".join(_recompute("postgresql", "OLD"))
    recompute_new = ";\n        ".join(_recompute("postgresql", "NEW"))
    return [
        f"""
CREATE OR REPLACE FUNCTION analytics_sync_daily_apply() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF {new} THEN
            {_add("postgresql", "NEW")};
        END IF;
        RETURN NULL;
    END IF;
    IF {old} THEN
        {recompute_old};
    END IF;
    IF TG_OP = 'UPDATE' AND {new} THEN
        {recompute_new};
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql""",
        "DROP TRIGGER IF EXISTS analytics_sync_daily ON sync_operations",
        "CREATE TRIGGER analytics_sync_daily AFTER INSERT OR UPDATE OR DELETE "
        "ON sync_operations FOR EACH ROW EXECUTE FUNCTION analytics_sync_daily_apply()",
    ]


def _sqlite_triggers() -> list[str]:
    new, old = _COMPLETED.format(row="NEW"), _COMPLETED.format(row="OLD")
    return [
        f"CREATE TRIGGER IF NOT EXISTS analytics_sync_daily_{name} AFTER {event} "
        f"ON sync_operations WHEN {condition} BEGIN {'; '.join(body)}; END"
        for name, event, condition, body in (
            ("insert", "INSERT", new, [_add("sqlite", "NEW")]),
            ("update_old", "UPDATE", old, _recompute("sqlite", "OLD")),
            ("update_new", "UPDATE", new, _recompute("sqlite", "NEW")),
            ("delete", "DELETE", old, _recompute("sqlite", "OLD")),
        )
    ]


def _backfill(dialect: str) -> str:
    day, status = _day(dialect, "s.finished_at"), _STATUS.format(row="s")
    return (
        f"INSERT INTO analytics_sync_daily ({_COLUMNS}) "
        f"SELECT s.object_id, {day}, {status}, COUNT(*), COUNT(s.duration_seconds), "
        "COALESCE(SUM(s.duration_seconds), 0), MIN(s.duration_seconds), "
        f"MAX(s.duration_seconds) FROM sync_operations s WHERE {_COMPLETED.format(row='s')} "
        f"GROUP BY s.object_id, {day}, {status}"
    )


_ensured: set[str] = set()
_lock = threading.Lock()


def ensure(engine: Engine) -> None:
    """Install the rollup (table, triggers, backfill) once per database; cheap afterwards."""
    key = engine.url.render_as_string(hide_password=False)
    with _lock:
        if key in _ensured:
            return
        with engine.begin() as connection:
            install(connection)
        _ensured.add(key)


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
    if dialect == "postgresql":
        connection.exec_driver_sql("LOCK TABLE sync_operations IN SHARE ROW EXCLUSIVE MODE")
        connection.exec_driver_sql(
            "DROP TRIGGER IF EXISTS analytics_sync_rollup ON sync_operations"
        )
    else:
        for name in ("insert", "update_old", "update_new", "delete"):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS analytics_sync_rollup_{name}")
    connection.exec_driver_sql("DROP TABLE IF EXISTS analytics_sync_rollup")
    connection.exec_driver_sql("DROP TABLE IF EXISTS analytics_sync_daily")
    connection.exec_driver_sql(_TABLE)
    connection.exec_driver_sql(_DAY_INDEX)
    for index in _OPERATIONS_INDEXES:
        connection.exec_driver_sql(index)
    for statement in _postgres_triggers() if dialect == "postgresql" else _sqlite_triggers():
        connection.exec_driver_sql(statement)
    connection.exec_driver_sql(_backfill(dialect))
    connection.exec_driver_sql("DELETE FROM analytics_rollup_state WHERE name = 'sync'")
    connection.exec_driver_sql(
        f"INSERT INTO analytics_rollup_state (name, version) VALUES ('sync', {VERSION})"
    )


def installed(connection: Connection) -> bool:
    """Whether this database has the rollup (reports fall back to raw rows otherwise)."""
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


def _summary(
    window: Window, ids: Collection[int] | None
) -> tuple[str, dict[str, Any], list[BindParameter[Any]]]:
    """SQL of per-object, per-status sums over the window.

    Its rows are ``(object_id, status, operations, timed, total, min_seconds, max_seconds)``:
    whole days from the rollup, the partial days at the window's edges from the raw rows.
    """
    days = _full_days(window.start, window.end)
    edges = (
        [(window.start, window.end)]
        if days is None
        else [(window.start, days[0]), (days[1], window.end)]
    )
    status = _STATUS.format(row="s")
    only = "" if ids is None else " AND {column} IN :ids"
    parts: list[str] = []
    params: dict[str, Any] = {}
    binds: list[BindParameter[Any]] = []
    if days is not None:
        parts.append(
            "SELECT r.object_id AS object_id, r.status AS status, "
            "SUM(r.operations) AS operations, SUM(r.timed) AS timed, SUM(r.total) AS total, "
            "MIN(r.min_seconds) AS min_seconds, MAX(r.max_seconds) AS max_seconds "
            "FROM analytics_sync_daily r WHERE r.day >= :first_day AND r.day < :last_day"
            + only.format(column="r.object_id")
            + " GROUP BY r.object_id, r.status"
        )
        params.update(first_day=days[0].date().isoformat(), last_day=days[1].date().isoformat())
    for index, (low, high) in enumerate(edges):
        if low >= high:
            continue
        parts.append(
            f"SELECT s.object_id AS object_id, {status} AS status, COUNT(*) AS operations, "
            "COUNT(s.duration_seconds) AS timed, COALESCE(SUM(s.duration_seconds), 0) AS total, "
            "MIN(s.duration_seconds) AS min_seconds, MAX(s.duration_seconds) AS max_seconds "
            f"FROM sync_operations s WHERE {_COMPLETED.format(row='s')} "
            f"AND s.finished_at >= :low{index} AND s.finished_at < :high{index}"
            + only.format(column="s.object_id")
            + f" GROUP BY s.object_id, {status}"
        )
        params.update({f"low{index}": low, f"high{index}": high})
        binds += [
            bindparam(f"low{index}", type_=UtcTime()),
            bindparam(f"high{index}", type_=UtcTime()),
        ]
    if ids is not None:
        params["ids"] = sorted(ids)
        binds.append(bindparam("ids", expanding=True))
    sql = (
        "SELECT object_id, status, SUM(operations) AS operations, SUM(timed) AS timed, "
        "SUM(total) AS total, MIN(min_seconds) AS min_seconds, MAX(max_seconds) AS max_seconds "
        "FROM (" + " UNION ALL ".join(parts) + ") parts GROUP BY object_id, status "
        "HAVING SUM(operations) > 0"
    )
    return sql, params, binds


def sync_statistics_rolled(
    connection: Connection, window: Window, ids: Collection[int] | None
) -> list[SyncStat]:
    """:func:`~gitops_schema.analytics.definitions.sync_statistics`, sums from the rollup.

    The p95 comes from the raw rows.
    """
    sql, params, binds = _summary(window, ids)
    p95 = sync_p95(connection, window, ids)
    stats = []
    for row in connection.execute(text(sql).bindparams(*binds), params):
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
