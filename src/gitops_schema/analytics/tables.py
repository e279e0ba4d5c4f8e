"""The tables analytics keeps beside the store's.

What ``check`` found at each revision, and the state kept up to date for the reports
(deployment outcomes, revision ranges).

They are created on first use, outside the store's migrations, so the store's schema stays
exactly its own.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from gitops_schema.store.tables import Id, UtcTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
    }
)

compliance_runs = Table(
    "analytics_compliance_runs",
    metadata,
    Column("id", Id, primary_key=True),
    Column("repo", Text, nullable=False),
    Column("sha", String(64), nullable=False),
    Column("committed_at", UtcTime(), nullable=False),
    Column("author_name", Text),
    Column("errors", Integer, nullable=False),
    Column("warnings", Integer, nullable=False),
    UniqueConstraint("repo", "sha"),
)

compliance_findings = Table(
    "analytics_compliance_findings",
    metadata,
    Column("id", Id, primary_key=True),
    Column("run_id", Id, nullable=False),
    Column("rule", String(128), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("file", Text, nullable=False),
    Column("line", Integer, nullable=False),
    Column("message", Text, nullable=False),
)


def ensure(connection: Connection) -> None:
    """Create the analytics tables that do not exist yet."""
    metadata.create_all(connection, checkfirst=True)


incremental = MetaData(naming_convention=metadata.naming_convention)
"""What :mod:`gitops_schema.analytics.materialize` keeps up to date (made by ``rollups``)."""

dirty = Table(
    "analytics_dirty",
    incremental,
    # 0 with kind "changes": the commit graph changed, every object's ranges are stale
    Column("object_id", BigInteger, primary_key=True, autoincrement=False),
    Column("kind", String(16), primary_key=True),
    Column("stamp", BigInteger, nullable=False),
    # the earliest time of the writes marked: what happened before it is unchanged
    Column("since", UtcTime(), nullable=False),
)

deployment_outcomes = Table(
    "analytics_deployment_outcomes",
    incremental,
    Column("deployment_id", BigInteger, primary_key=True, autoincrement=False),
    Column("object_id", BigInteger, nullable=False),
    Column("failed_at", UtcTime()),
    Column("recovered_at", UtcTime()),
    Index(None, "object_id"),
)

changes = Table(
    "analytics_changes",
    incremental,
    Column("deployment_id", BigInteger, nullable=False),
    Column("object_id", BigInteger, nullable=False),
    Column("sha", String(64), nullable=False),
    Column("committed_at", UtcTime(), nullable=False),
    Column("finished_at", UtcTime(), nullable=False),
    Index(None, "finished_at"),
    Index(None, "sha", "finished_at"),
    Index(None, "object_id"),
)

last_syncs = Table(
    "analytics_sync_last",
    incremental,
    Column("object_id", BigInteger, primary_key=True, autoincrement=False),
    Column("succeeded_at", UtcTime()),
    Column("failed_at", UtcTime()),
    Column("duration_seconds", Float),
)
"""Per object: when its last Succeeded and last Failed operation finished, and the duration of
the last operation with a known one (what ``/metrics`` exports per object)."""
