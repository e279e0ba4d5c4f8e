"""The ``--db`` option of the commands over the history store, and opening it.

The store is an optional extra: its modules are imported only when such a command runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

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
    from gitops_schema.store import db
    from gitops_schema.store import migrate as migrations

    engine = db.create(url)
    if migrate:
        migrations.upgrade(engine)
    return engine
