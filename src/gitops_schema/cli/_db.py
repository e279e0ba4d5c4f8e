"""The ``--db`` option of the commands over the history store, and opening it.

The store is an optional extra: its modules are imported only when such a command runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from gitops_schema.errors import UsageError

if TYPE_CHECKING:
    from sqlalchemy import Engine

Db = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL: sqlite:///PATH or postgresql://USER@HOST/DB (libpq form, "
        "?host=/socket/dir allowed). Default: $GITOPS_SCHEMA_DB, else an SQLite file in "
        "the user's data folder.",
        show_default=False,
    ),
]


def open_store(url: str | None, *, migrate: bool = True) -> Engine:
    """An engine on the store at ``url``, migrated to the newest schema unless told not to."""
    from gitops_schema.store import migrate as migrations

    engine = opened(url)
    if migrate:
        migrations.upgrade(engine)
    return engine


def opened(url: str | None, *, existing: bool = False) -> Engine:
    """An engine on the database at ``url``, once it is known to answer.

    With ``existing`` (a command that only reads), an SQLite file that is not there is
    not created: there is no history store to read.

    Raises:
        UsageError: naming the database (password hidden) and why it cannot be opened: a
            server that does not answer or refuses the login, a file that is not an SQLite
            database, a folder that cannot be created.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from gitops_schema.store import db

    if existing:
        _refuse_missing_file(db.resolve_url(url))
    try:
        engine = db.create(url)
    except OSError as error:
        reason = (
            f"{error.filename} is a file, not a folder"
            if isinstance(error, (FileExistsError, NotADirectoryError))
            else f"{error.filename}: {error.strerror}"
        )
        raise UsageError(
            f"--db {db.resolve_url(url)}: cannot create the database: {reason}"
        ) from None
    shown = make_url(db.resolve_url(url)).render_as_string(hide_password=True)
    sqlite = engine.dialect.name == "sqlite"
    try:
        # Read without a transaction: an SQLite transaction here starts as a write.
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT count(*) FROM sqlite_master" if sqlite else "SELECT 1")
            cursor.close()
        finally:
            connection.close()
    except (SQLAlchemyError, engine.dialect.loaded_dbapi.Error) as error:
        engine.dispose()
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise UsageError(f"--db {shown}: cannot open the database: {reason}") from None
    return engine


def _refuse_missing_file(url: str) -> None:
    from pathlib import Path

    from sqlalchemy.engine import make_url

    from gitops_schema.store import db

    parsed = make_url(db.sqlalchemy_url(url))
    database = parsed.database
    sqlite_file = parsed.get_backend_name() == "sqlite" and database not in (None, "", ":memory:")
    if sqlite_file and not Path(str(database)).expanduser().exists():
        raise UsageError(
            f"--db {url}: no history store here; create it with `gitops-schema db upgrade --db URL`"
        )
