"""Rollups of the sync operations, maintained by the database on every ingest.

``analytics_sync_rollup`` counts completed sync operations per object, status, UTC day and
duration (a histogram: count, sum, min, max and the exact p95 all follow from it). Triggers on
``sync_operations`` (plpgsql on PostgreSQL, SQL triggers on SQLite) keep it exact under
inserts, the store's merges (a history entry completing an operation changes its finish and
duration) and deletes, whatever process writes. :func:`ensure` creates the table, the
triggers and an index the reports need, and fills the table from the rows already stored,
in one transaction that blocks writers meanwhile, so nothing is counted twice or missed.

Reports read whole UTC days inside their window from the rollup and only the partial days at
its two ends from the raw rows (:func:`sync_histogram`).
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from sqlalchemy import BindParameter, Connection, Engine, bindparam, inspect, text

from gitops_schema.analytics.definitions import (
    PERCENTILE,
    SyncStat,
    Window,
    percentile_95,
    rounded,
)
from gitops_schema.analytics.tables import ensure as ensure_tables
from gitops_schema.store.tables import UtcTime

VERSION: Final = 1
_STATUS: Final = "CASE WHEN {row}.phase = 'Succeeded' THEN 'Succeeded' ELSE 'Failed' END"
_COMPLETED: Final = (
    "{row}.phase IN ('Succeeded', 'Failed', 'Error') AND {row}.finished_at IS NOT NULL"
)

_TABLE: Final = """
CREATE TABLE IF NOT EXISTS analytics_sync_rollup (
    object_id BIGINT NOT NULL,
    status VARCHAR(16) NOT NULL,
    day CHAR(10) NOT NULL,
    timed SMALLINT NOT NULL,
    duration DOUBLE PRECISION NOT NULL,
    operations BIGINT NOT NULL,
    PRIMARY KEY (object_id, day, status, timed, duration)
)"""
_DAY_INDEX: Final = (
    "CREATE INDEX IF NOT EXISTS analytics_ix_sync_rollup_day ON analytics_sync_rollup (day)"
)
# failure signals and health signs are looked up per object in time order
_OPERATIONS_INDEX: Final = (
    "CREATE INDEX IF NOT EXISTS analytics_ix_sync_operations_object_finished "
    "ON sync_operations (object_id, finished_at)"
)
_STATE: Final = """
CREATE TABLE IF NOT EXISTS analytics_rollup_state (
    name VARCHAR(64) PRIMARY KEY, version INTEGER NOT NULL
)"""


def _day(dialect: str, column: str) -> str:
    if dialect == "postgresql":
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    return f"substr({column}, 1, 10)"


def _values(dialect: str, row: str) -> str:
    return (
        f"{row}.object_id, {_STATUS.format(row=row)}, {_day(dialect, row + '.finished_at')}, "
        f"CASE WHEN {row}.duration_seconds IS NULL THEN 0 ELSE 1 END, "
        f"COALESCE({row}.duration_seconds, 0)"
    )


_KEY: Final = "object_id, day, status, timed, duration"


def _upsert(dialect: str, row: str, delta: str) -> str:
    return (
        f"INSERT INTO analytics_sync_rollup (object_id, status, day, timed, duration, operations) "
        f"VALUES ({_values(dialect, row)}, {delta}) ON CONFLICT ({_KEY}) DO UPDATE SET "
        f"operations = analytics_sync_rollup.operations + {delta}"
    )


def _postgres_triggers() -> list[str]:
    new, old = _COMPLETED.format(row="NEW"), _COMPLETED.format(row="OLD")
    return [
        f"""
CREATE OR REPLACE FUNCTION analytics_sync_rollup_apply() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND {old} THEN
        {_upsert("postgresql", "OLD", "-1")};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND {new} THEN
        {_upsert("postgresql", "NEW", "1")};
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql""",
        "DROP TRIGGER IF EXISTS analytics_sync_rollup ON sync_operations",
        "CREATE TRIGGER analytics_sync_rollup AFTER INSERT OR UPDATE OR DELETE "
        "ON sync_operations FOR EACH ROW EXECUTE FUNCTION analytics_sync_rollup_apply()",
    ]


def _sqlite_triggers() -> list[str]:
    new, old = _COMPLETED.format(row="NEW"), _COMPLETED.format(row="OLD")
    return [
        f"CREATE TRIGGER IF NOT EXISTS analytics_sync_rollup_{name} AFTER {event} "
        f"ON sync_operations WHEN {condition} BEGIN {_upsert('sqlite', row, delta)}; END"
        for name, event, condition, row, delta in (
            ("insert", "INSERT", new, "NEW", "1"),
            ("update_old", "UPDATE", old, "OLD", "-1"),
            ("update_new", "UPDATE", new, "NEW", "1"),
            ("delete", "DELETE", old, "OLD", "-1"),
        )
    ]


def _backfill(dialect: str) -> str:
    values = _values(dialect, "s")
    return (
        f"INSERT INTO analytics_sync_rollup (object_id, status, day, timed, duration, operations) "
        f"SELECT {values}, COUNT(*) FROM sync_operations s WHERE {_COMPLETED.format(row='s')} "
        f"GROUP BY {values}"
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
    connection.exec_driver_sql("DROP TABLE IF EXISTS analytics_sync_rollup")
    connection.exec_driver_sql(_TABLE)
    connection.exec_driver_sql(_DAY_INDEX)
    connection.exec_driver_sql(_OPERATIONS_INDEX)
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


def _histogram(
    window: Window, ids: Collection[int] | None
) -> tuple[str, dict[str, Any], list[BindParameter[Any]]]:
    """SQL of the duration histogram of the operations finished in the window.

    Its rows are ``(object_id, status, timed, duration, operations)``: whole days from the
    rollup, the partial days at the window's edges from the raw rows.
    """
    days = _full_days(window.start, window.end)
    edges = (
        [(window.start, window.end)]
        if days is None
        else [(window.start, days[0]), (days[1], window.end)]
    )
    status = _STATUS.format(row="s")
    timed = "CASE WHEN s.duration_seconds IS NULL THEN 0 ELSE 1 END"
    only = "" if ids is None else " AND {column} IN :ids"
    parts: list[str] = []
    params: dict[str, Any] = {}
    binds: list[BindParameter[Any]] = []
    if days is not None:
        parts.append(
            "SELECT r.object_id AS object_id, r.status AS status, r.timed AS timed, "
            "r.duration AS duration, r.operations AS operations FROM analytics_sync_rollup r "
            "WHERE r.day >= :first_day AND r.day < :last_day" + only.format(column="r.object_id")
        )
        params.update(first_day=days[0].date().isoformat(), last_day=days[1].date().isoformat())
    for index, (low, high) in enumerate(edges):
        if low >= high:
            continue
        parts.append(
            f"SELECT s.object_id AS object_id, {status} AS status, {timed} AS timed, "
            "COALESCE(s.duration_seconds, 0) AS duration, COUNT(*) AS operations "
            f"FROM sync_operations s WHERE {_COMPLETED.format(row='s')} "
            f"AND s.finished_at >= :low{index} AND s.finished_at < :high{index}"
            + only.format(column="s.object_id")
            + f" GROUP BY s.object_id, {status}, {timed}, COALESCE(s.duration_seconds, 0)"
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
        "SELECT object_id, status, timed, duration, SUM(operations) AS operations FROM ("
        + " UNION ALL ".join(parts)
        + ") parts GROUP BY object_id, status, timed, duration HAVING SUM(operations) > 0"
    )
    return sql, params, binds


_ROLLED_STATS: Final = """
WITH h AS ({histogram})
SELECT object_id, status, SUM(operations) AS operations,
       SUM(CASE WHEN timed = 1 THEN duration * operations END) AS total,
       SUM(CASE WHEN timed = 1 THEN operations ELSE 0 END) AS timed,
       MIN(CASE WHEN timed = 1 THEN duration END) AS min_seconds,
       MAX(CASE WHEN timed = 1 THEN duration END) AS max_seconds
FROM h GROUP BY object_id, status"""

# The bars around the p95 rank r0 = floor(19 (n - 1) / 20) (0-based) and r0 + 1: a bar covers
# the ranks [cum - operations, cum).
_ROLLED_P95: Final = f"""
WITH h AS ({{histogram}}),
c AS (
    SELECT object_id, status, duration, operations,
           SUM(operations) OVER (PARTITION BY object_id, status ORDER BY duration
                                 ROWS UNBOUNDED PRECEDING) AS cum,
           SUM(operations) OVER (PARTITION BY object_id, status) AS n
    FROM h WHERE timed = 1
)
SELECT object_id, status, duration, operations, cum, n FROM c
WHERE {PERCENTILE[1]} * (cum - operations - 1) <= {PERCENTILE[0]} * (n - 1)
  AND {PERCENTILE[0]} * (n - 1) < {PERCENTILE[1]} * cum"""


def sync_statistics_rolled(
    connection: Connection, window: Window, ids: Collection[int] | None
) -> list[SyncStat]:
    """:func:`~gitops_schema.analytics.definitions.sync_statistics`, read from the rollup."""
    histogram, params, binds = _histogram(window, ids)
    around: dict[tuple[int, str], dict[int, float]] = {}
    sizes: dict[tuple[int, str], int] = {}
    p95 = text(_ROLLED_P95.format(histogram=histogram)).bindparams(*binds)
    for row in connection.execute(p95, params):
        key = (int(row.object_id), str(row.status))
        n, cum, count = int(row.n), int(row.cum), int(row.operations)
        sizes[key] = n
        first = PERCENTILE[0] * (n - 1) // PERCENTILE[1]
        for rank in (first, first + 1):
            if cum - count <= rank < cum:
                around.setdefault(key, {})[rank] = float(row.duration)
    stats = []
    for row in connection.execute(
        text(_ROLLED_STATS.format(histogram=histogram)).bindparams(*binds), params
    ):
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
                p95_seconds=rounded(percentile_95(sizes[key], around[key])) if timed else None,
            )
        )
    return stats
