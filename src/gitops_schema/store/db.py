"""Database URLs and engines: ``sqlite:///PATH`` or a libpq ``postgresql://`` URL (psycopg 3).

The URL comes from ``--db``, else ``GITOPS_SCHEMA_DB``, else an SQLite file in the user's data
folder, so the store works with no set-up.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from gitops_schema.errors import UsageError

ENV_VAR = "GITOPS_SCHEMA_DB"
# How long an SQLite writer waits for another process's write to finish.
SQLITE_BUSY_SECONDS = 30
# How long a PostgreSQL connection attempt may take (unless the URL says connect_timeout).
CONNECT_SECONDS = 10


def default_url() -> str:
    """An SQLite file in the user's data folder (the folder is created)."""
    folder = Path(platformdirs.user_data_dir("gitops-schema", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'history.db'}"


def resolve_url(url: str | None) -> str:
    """The URL to use: ``url``, else ``$GITOPS_SCHEMA_DB``, else :func:`default_url`."""
    return url or os.environ.get(ENV_VAR) or default_url()


def sqlalchemy_url(url: str) -> str:
    """``url`` with the driver SQLAlchemy needs (psycopg 3 for PostgreSQL).

    Raises:
        UsageError: a URL of another database, or one that does not parse.
    """
    postgres = re.match(r"^(postgres|postgresql)(\+psycopg)?://", url)
    if postgres:
        return "postgresql+psycopg://" + url[postgres.end() :]
    if url.startswith("sqlite:///") or url == "sqlite://":
        return url
    raise UsageError(
        f"unsupported database URL {_hide_password(url)!r}: "
        "use sqlite:///PATH or postgresql://USER@HOST/DB (libpq form, ?host=/socket/dir allowed)"
    )


def _hide_password(url: str) -> str:
    return re.sub(r"(://[^/:@]*:)[^@/]*@", r"\1***@", url)


def create(url: str | None = None, **options: Any) -> Engine:
    """An engine for ``url`` (resolved as :func:`resolve_url` does)."""
    target = sqlalchemy_url(resolve_url(url))
    try:
        parsed = make_url(target)
    except ArgumentError as error:
        raise UsageError(f"database URL does not parse: {error}") from None
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(target, **options)
    options.setdefault("pool_pre_ping", True)
    if "connect_timeout" not in parsed.query:
        # libpq waits for ever by default: a database behind a dead network would hold
        # every request instead of letting it spool.
        options.setdefault("connect_args", {"connect_timeout": CONNECT_SECONDS})
    engine = create_engine(target, **options)

    @event.listens_for(engine, "connect")
    def _utc(connection: Any, _record: Any) -> None:
        # The session's zone is the zone of the times read back: in UTC the driver gives
        # them as datetime.UTC, which the store's readers then take as they are.
        autocommit = connection.autocommit
        connection.autocommit = True
        connection.execute("SET TIME ZONE 'UTC'")
        connection.autocommit = autocommit

    return engine


def _sqlite_engine(url: str, **options: Any) -> Engine:
    database = make_url(url).database
    if database:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    # The driver's own transaction handling is switched off so that every transaction
    # starts with BEGIN IMMEDIATE: writers then queue on the busy timeout instead of
    # failing when two processes upgrade read locks at once.
    engine = create_engine(
        url,
        connect_args={"isolation_level": None, "timeout": SQLITE_BUSY_SECONDS},
        **options,
    )

    @event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # The WAL is copied into the database (and the file synced) every 10,000 pages
        # instead of 1,000: ingest commits every batch, and the copies were a third of it.
        cursor.execute("PRAGMA wal_autocheckpoint=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
