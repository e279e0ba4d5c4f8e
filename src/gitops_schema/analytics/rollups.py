"""Rollups and change marks, maintained by the database on every ingest.

On PostgreSQL, ``analytics_sync_running`` holds per object, status and UTC day the sync
figures so far (:mod:`gitops_schema.analytics.running`): the whole days of any window are the
difference of two rows per object and status, with a third for minimum and maximum
(:mod:`gitops_schema.analytics.windowed` reads them). ``analytics_sync_totals`` holds the
all-time count per object and status (what ``/metrics`` exports), on SQLite too, where sync
statistics read the raw rows. ``analytics_dirty`` names the objects whose deployment outcomes
or revision ranges changed since they were last brought up to date
(:mod:`gitops_schema.analytics.materialize`).

Triggers keep both exact whatever process writes: plpgsql on PostgreSQL, SQL triggers on
SQLite. Writes to ``sync_operations``, ``health_transitions`` and ``deployments`` mark their
object; writes to ``commits`` mark the commit graph. :func:`install` creates the tables,
triggers and indexes the reports need, and fills them from the rows already stored, in one
transaction that blocks writers meanwhile, so nothing is counted twice or missed.
"""

from __future__ import annotations

import threading
from typing import Final

from sqlalchemy import Connection, Engine, inspect

from gitops_schema.analytics import running, sql
from gitops_schema.analytics.materialize import refresh
from gitops_schema.analytics.tables import ensure as ensure_tables
from gitops_schema.analytics.tables import incremental
from gitops_schema.analytics.triggers import (
    EPOCH,
    MARKS,
    postgres_triggers,
    sqlite_triggers,
)

VERSION: Final = 11

_TOTALS: Final = """
CREATE TABLE analytics_sync_totals (
    object_id BIGINT NOT NULL,
    status VARCHAR(16) NOT NULL,
    operations BIGINT NOT NULL,
    PRIMARY KEY (object_id, status)
)"""


def indexes(dialect: str) -> list[str]:
    """The indexes the reports need.

    Failure signals, health signs and rebuilt days are looked up per object in time order;
    failures and successes have an index each, so the first one after a time is one probe.
    On PostgreSQL those two also hold the durations, which small groups' p95 read.
    """
    durations = " INCLUDE (duration_seconds)" if dialect == "postgresql" else ""
    return [
        "CREATE INDEX IF NOT EXISTS analytics_ix_sync_operations_object_finished "
        "ON sync_operations (object_id, finished_at)",
        "CREATE INDEX IF NOT EXISTS analytics_ix_sync_operations_failed "
        f"ON sync_operations (object_id, finished_at){durations} "
        "WHERE phase IN ('Failed', 'Error')",
        "CREATE INDEX IF NOT EXISTS analytics_ix_sync_operations_succeeded "
        f"ON sync_operations (object_id, finished_at){durations} WHERE phase = 'Succeeded'",
        "CREATE INDEX IF NOT EXISTS analytics_ix_health_transitions_object "
        "ON health_transitions (object_id, transitioned_at)",
    ]


_STATE: Final = """
CREATE TABLE IF NOT EXISTS analytics_rollup_state (
    name VARCHAR(64) PRIMARY KEY, version INTEGER NOT NULL
)"""


def _backfill(dialect: str) -> list[str]:
    """SQL filling what was installed from the rows already stored."""
    everything = f"SELECT id, '{{kind}}', 1, {EPOCH[dialect]} FROM objects"
    sync = (
        [running.backfill()]
        if dialect == "postgresql"
        else [
            "INSERT INTO analytics_sync_totals (object_id, status, operations) "
            f"SELECT s.object_id, {sql.status('s')}, COUNT(*) FROM sync_operations s "
            f"WHERE {sql.completed('s')} GROUP BY 1, 2"
        ]
    )
    return [
        *sync,
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
            ("analytics_running_inserted", "sync_operations"),
            ("analytics_running_updated", "sync_operations"),
            ("analytics_running_deleted", "sync_operations"),
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
            for kind in ("rollup", "daily", "totals")
            for event in ("insert", "update_old", "update_new", "delete")
        ]
        names += [
            f"analytics_mark_{table}_{event}"
            for table in (*MARKS, "commits")
            for event in ("insert", "update", "delete")
        ]
        for name in names:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    if dialect == "postgresql":  # an earlier signature stays beside the new one otherwise
        connection.exec_driver_sql(
            "DROP FUNCTION IF EXISTS analytics_running_rebuild(BIGINT[], VARCHAR[], DATE[], DATE)"
        )
    for index in ("failures", "successes"):  # named so before they held the durations
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS analytics_ix_sync_operations_{index}")
    for table in (
        "analytics_sync_rollup",
        "analytics_sync_daily",
        "analytics_sync_weekly",
        "analytics_sync_running",
        "analytics_sync_totals",
    ):
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
    connection.exec_driver_sql(_TOTALS)
    if dialect == "postgresql":
        connection.exec_driver_sql(running.TABLE)
        connection.exec_driver_sql(running.INDEX)
    incremental.create_all(connection)
    for index in indexes(dialect):
        connection.exec_driver_sql(index)
    for statement in postgres_triggers() if dialect == "postgresql" else sqlite_triggers():
        connection.exec_driver_sql(statement)
    for statement in _backfill(dialect):
        connection.exec_driver_sql(statement)
    if dialect == "postgresql":
        # a report reads every object's rows of a few days: stored by day, they are together
        connection.exec_driver_sql(
            "CLUSTER analytics_sync_running USING analytics_ix_sync_running_day"
        )
        connection.exec_driver_sql("ANALYZE analytics_sync_running")
    connection.exec_driver_sql("DELETE FROM analytics_rollup_state WHERE name = 'sync'")
    connection.exec_driver_sql(
        f"INSERT INTO analytics_rollup_state (name, version) VALUES ('sync', {VERSION})"
    )


def installed(connection: Connection) -> bool:
    """Whether this database has the rollups (reports fall back to raw rows otherwise)."""
    if connection.dialect.name == "postgresql":  # reports ask before every read: no inspection
        present = connection.exec_driver_sql("SELECT to_regclass('analytics_rollup_state')")
        if present.scalar() is None:
            return False
    elif not inspect(connection).has_table("analytics_rollup_state"):
        return False
    version = connection.exec_driver_sql(
        "SELECT version FROM analytics_rollup_state WHERE name = 'sync'"
    ).scalar()
    return version == VERSION
