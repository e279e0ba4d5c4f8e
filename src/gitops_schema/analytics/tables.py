"""The tables analytics keeps beside the store's: what ``check`` found at each revision.

They are created on first use, outside the store's migrations, so the store's schema stays
exactly its own.
"""

from __future__ import annotations

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, Text, UniqueConstraint

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
