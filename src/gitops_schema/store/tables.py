"""The tables of the history store (SQLAlchemy Core), one schema for SQLite and PostgreSQL.

This module describes the head of the migrations in ``store/migrations``; a test checks that
migrating an empty database gives exactly these tables. Times are timezone-aware UTC.

On PostgreSQL the event tables ``sync_operations`` and ``health_transitions`` are partitioned
by month of their event time (migration 0002, :mod:`.partitions`): their primary keys and
unique constraints there also hold the partition key, and ``deployments.sync_operation_id``
has no foreign key.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcTime(TypeDecorator[datetime]):
    """A UTC instant, read back as an aware UTC datetime so both engines give equal rows.

    It is a timestamptz on PostgreSQL and naive UTC text on SQLite (which sorts as time does).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """UTC for PostgreSQL, naive UTC for SQLite; naive input is refused."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the store keeps UTC instants only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """An aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]


# SQLite only makes INTEGER PRIMARY KEY an alias of the rowid (auto-increment).
Id = BigInteger().with_variant(Integer(), "sqlite")
Time = UtcTime()

objects = Table(
    "objects",
    metadata,
    Column("id", Id, primary_key=True),
    Column("tool", String(16), nullable=False),
    Column("cluster", String(253), nullable=False),
    Column("namespace", String(253), nullable=False),
    Column("name", String(253), nullable=False),
    Column("kind", String(63), nullable=False),
    Column("api_version", String(253), nullable=False),
    Column("uid", String(64)),
    Column("project", String(253)),
    Column("source_url", Text),
    Column("source_path", Text),
    Column("target_revision", Text),
    Column("dest_server", Text),
    Column("dest_namespace", String(253)),
    Column("definition", JSON, nullable=False),
    Column("sync_status", String(32)),
    Column("health_status", String(32)),
    Column("revision", Text),
    Column("message", Text),
    Column("observed_at", Time),
    Column("created_at", Time),
    Column("updated_at", Time, nullable=False),
    UniqueConstraint("tool", "cluster", "kind", "namespace", "name"),
)

sync_operations = Table(
    "sync_operations",
    metadata,
    Column("id", Id, primary_key=True),
    Column("object_id", ForeignKey("objects.id"), nullable=False),
    # Argo CD: "" (the key is app + startedAt), "history" for a history entry without
    # deployStartedAt (started_at is its deployedAt); Flux: sha256 of the event's content.
    Column("digest", String(64), nullable=False),
    Column("revision", Text),
    Column("phase", String(32), nullable=False),
    Column("reason", String(128)),
    Column("message", Text),
    Column("started_at", Time, nullable=False),
    # False for an Argo CD history entry without deployStartedAt (started_at is deployedAt).
    Column("started_at_exact", Boolean, nullable=False),
    Column("finished_at", Time),
    Column("duration_seconds", Float),
    # Argo CD history entry merged into this operation (app + deployedAt is its key).
    Column("deployed_at", Time),
    Column("initiated_by", String(253)),
    Column("origin", String(16), nullable=False),
    Column("resources", JSON(none_as_null=True)),
    Column("received_at", Time, nullable=False),
    UniqueConstraint("object_id", "started_at", "digest"),
    # On PostgreSQL (partitioned by started_at): unique (object_id, deployed_at, started_at).
    UniqueConstraint("object_id", "deployed_at"),
    Index(None, "started_at", postgresql_using="brin"),
    Index(None, "finished_at", postgresql_using="brin"),
    # The newest success of an object, its neighbours in the chain of deployments.
    Index(None, "object_id", "finished_at"),
)

deployments = Table(
    "deployments",
    metadata,
    Column("id", Id, primary_key=True),
    Column("object_id", ForeignKey("objects.id"), nullable=False),
    Column("sync_operation_id", ForeignKey("sync_operations.id"), nullable=False, unique=True),
    Column("revision", Text, nullable=False),
    Column("previous_revision", Text),
    Column("started_at", Time, nullable=False),
    Column("finished_at", Time, nullable=False),
    Index(None, "object_id", "finished_at"),
    Index(None, "finished_at"),
)

health_transitions = Table(
    "health_transitions",
    metadata,
    Column("id", Id, primary_key=True),
    Column("object_id", ForeignKey("objects.id"), nullable=False),
    Column("status", String(32), nullable=False),
    Column("message", Text),
    Column("transitioned_at", Time, nullable=False),
    # False when the time is when the status was seen (reconciledAt), not when it changed.
    Column("exact", Boolean, nullable=False),
    Column("origin", String(16), nullable=False),
    UniqueConstraint("object_id", "transitioned_at"),
    Index(None, "transitioned_at", postgresql_using="brin"),
)

commits = Table(
    "commits",
    metadata,
    Column("id", Id, primary_key=True),
    Column("repo", Text, nullable=False),
    Column("sha", String(64), nullable=False),
    Column("parents", JSON, nullable=False),
    Column("author_name", Text),
    Column("author_email", Text),
    Column("authored_at", Time, nullable=False),
    Column("committer_name", Text),
    Column("committer_email", Text),
    Column("committed_at", Time, nullable=False),
    Column("message", Text, nullable=False),
    Column("files", JSON, nullable=False),
    UniqueConstraint("repo", "sha"),
    Index(None, "committed_at"),
)

config_revisions = Table(
    "config_revisions",
    metadata,
    Column("id", Id, primary_key=True),
    Column("repo", Text, nullable=False),
    Column("sha", String(64), nullable=False),
    Column("path", Text, nullable=False),
    Column("tool", String(16), nullable=False),
    Column("kind", String(63), nullable=False),
    Column("namespace", String(253), nullable=False),
    Column("name", String(253), nullable=False),
    # added, modified or deleted, relative to the commit's first parent
    Column("change", String(16), nullable=False),
    Column("digest", String(64)),
    Column("definition", JSON(none_as_null=True)),
    Column("author_name", Text),
    Column("author_email", Text),
    Column("committed_at", Time, nullable=False),
    UniqueConstraint("repo", "sha", "path", "kind", "namespace", "name"),
    Index(None, "committed_at"),
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", Id, primary_key=True),
    Column("name", String(253), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    # sha256 of the token: tokens are 256 random bits, so a fast hash is enough.
    Column("hash", String(64), nullable=False, unique=True),
    Column("created_at", Time, nullable=False),
)
