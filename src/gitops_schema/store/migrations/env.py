"""Alembic environment: runs the migrations on the connection :mod:`..migrate` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

from gitops_schema.store.tables import metadata

# An arbitrary constant: the advisory lock that makes concurrent upgrades take turns.
_UPGRADE_LOCK = 0x6174697073


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _UPGRADE_LOCK})
        context.run_migrations()


_run(context.config.attributes["connection"])
