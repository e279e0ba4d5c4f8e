"""Monthly partitions of the event tables on PostgreSQL; an index for the chain of successes.

On PostgreSQL, ``sync_operations`` becomes ``PARTITION BY RANGE (started_at)`` and
``health_transitions`` ``PARTITION BY RANGE (transitioned_at)``: a partition per UTC month
(for the months of the stored rows and the months ahead, see :mod:`...partitions`) and a
``DEFAULT`` one, the rows copied over. A partitioned table's unique constraints must contain
its partition key, so on PostgreSQL:

- the primary keys are (id, event time);
- app + deployedAt (unique (object_id, deployed_at) on SQLite) becomes unique
  (object_id, deployed_at, started_at); the writers of an object's operations hold its row's
  lock and look an entry up by deployedAt before writing, so it stays one row per entry;
- ``deployments.sync_operation_id`` cannot reference ``sync_operations.id`` alone any more:
  the foreign key is dropped (the store deletes a deployment with its operation).

The BRIN indexes on the event times are created on the partitioned tables (each partition
gets its own). SQLite is left unpartitioned. An analytics rollup installed on the old table
is marked stale so that it is installed again on the new one.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from gitops_schema.store.partitions import create_month, month_of, months_ahead, window

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

# Table -> (partition key, constraints of the partitioned form, of the plain form (0001)).
_TABLES = {
    "sync_operations": (
        "started_at",
        (
            "pk_sync_operations PRIMARY KEY (id, started_at)",
            "uq_sync_operations_object_id_deployed_at_started_at "
            "UNIQUE (object_id, deployed_at, started_at)",
        ),
        (
            "pk_sync_operations PRIMARY KEY (id)",
            "uq_sync_operations_object_id_deployed_at UNIQUE (object_id, deployed_at)",
        ),
    ),
    "health_transitions": (
        "transitioned_at",
        ("pk_health_transitions PRIMARY KEY (id, transitioned_at)",),
        ("pk_health_transitions PRIMARY KEY (id)",),
    ),
}
# Constraints and indexes of both forms.
_COMMON = {
    "sync_operations": (
        "CONSTRAINT fk_sync_operations_object_id_objects "
        "FOREIGN KEY (object_id) REFERENCES objects (id)",
        "CONSTRAINT uq_sync_operations_object_id_started_at_digest "
        "UNIQUE (object_id, started_at, digest)",
        "INDEX ix_sync_operations_started_at USING brin (started_at)",
        "INDEX ix_sync_operations_finished_at USING brin (finished_at)",
        "INDEX ix_sync_operations_object_id_finished_at (object_id, finished_at)",
    ),
    "health_transitions": (
        "CONSTRAINT fk_health_transitions_object_id_objects "
        "FOREIGN KEY (object_id) REFERENCES objects (id)",
        "CONSTRAINT uq_health_transitions_object_id_transitioned_at "
        "UNIQUE (object_id, transitioned_at)",
        "INDEX ix_health_transitions_transitioned_at USING brin (transitioned_at)",
    ),
}
_DEPLOYMENTS_FK = (
    "ALTER TABLE deployments ADD CONSTRAINT fk_deployments_sync_operation_id_sync_operations "
    "FOREIGN KEY (sync_operation_id) REFERENCES sync_operations (id)"
)
# The views over sync_operations (revision 0001 made them).
_VIEWS = ("argocd_sync_history", "flux_sync_history")


def upgrade() -> None:
    """Partition the event tables (PostgreSQL); index successes by object and finish."""
    if op.get_bind().dialect.name != "postgresql":
        op.create_index(
            "ix_sync_operations_object_id_finished_at",
            "sync_operations",
            ["object_id", "finished_at"],
        )
        return
    _rebuild_all(partitioned=True)


def downgrade() -> None:
    """Back to the plain tables of revision 0001 (the rows are kept)."""
    if op.get_bind().dialect.name != "postgresql":
        op.drop_index("ix_sync_operations_object_id_finished_at", "sync_operations")
        return
    _rebuild_all(partitioned=False)
    op.execute(_DEPLOYMENTS_FK)
    op.execute("DROP INDEX ix_sync_operations_object_id_finished_at")


def _rebuild_all(*, partitioned: bool) -> None:
    _mark_rollup_stale()
    for view in _VIEWS:
        op.execute(f"DROP VIEW {view}")
    for table, (key, partition_form, plain_form) in _TABLES.items():
        _rebuild(table, key if partitioned else None)
        for constraint in partition_form if partitioned else plain_form:
            op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {constraint}")
        for item in _COMMON[table]:
            kind, name, definition = item.split(" ", 2)
            if kind == "CONSTRAINT":
                op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
            else:
                op.execute(f"CREATE INDEX {name} ON {table} {definition}")
    first = importlib.import_module("gitops_schema.store.migrations.versions.0001_history_store")
    for view in _VIEWS:
        op.execute(f"CREATE VIEW {view} AS {first._VIEWS[view]}")


def _rebuild(table: str, key: str | None) -> None:
    """Replace ``table`` by a copy (partitioned by ``key`` unless None) holding its rows.

    The copy has the columns and defaults; constraints and indexes are added after.
    """
    bind = op.get_bind()
    old = f"{table}_previous"
    op.execute(f"ALTER TABLE {table} RENAME TO {old}")
    layout = f" PARTITION BY RANGE ({key})" if key else ""
    op.execute(f"CREATE TABLE {table} (LIKE {old} INCLUDING DEFAULTS){layout}")
    op.execute(f"ALTER SEQUENCE {table}_id_seq OWNED BY {table}.id")
    if key:
        now = datetime.now(UTC)
        first, last = window(now)
        stored = bind.execute(
            sa.text(f"SELECT DISTINCT date_trunc('month', {key} AT TIME ZONE 'UTC') FROM {old}")
        ).scalars()
        months = {month_of(moment.replace(tzinfo=UTC)) for moment in stored}
        for month in sorted(m for m in months | set(months_ahead(now)) if first <= m <= last):
            create_month(bind, table, month)
        op.execute(f"CREATE TABLE {table}_default PARTITION OF {table} DEFAULT")
    op.execute(f"INSERT INTO {table} SELECT * FROM {old}")
    # CASCADE: the deployments' foreign key and an analytics trigger on the old table.
    op.execute(f"DROP TABLE {old} CASCADE")


def _mark_rollup_stale() -> None:
    """Make the analytics rollup (if installed) install itself again on the new tables."""
    if sa.inspect(op.get_bind()).has_table("analytics_rollup_state"):
        op.execute("DELETE FROM analytics_rollup_state WHERE name = 'sync'")
