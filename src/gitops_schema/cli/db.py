"""``gitops-schema db upgrade``: migrate the history store to the newest schema."""

from __future__ import annotations

import typer

from gitops_schema.cli._db import Db, open_store

app = typer.Typer(help="Manage the history store's database.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command(db: Db = None) -> None:
    """Create or migrate the database to the newest schema (safe to run again)."""
    from gitops_schema.store import migrate

    engine = open_store(db, migrate=False)
    before = migrate.current(engine)
    migrate.upgrade(engine)
    after = migrate.current(engine)
    engine.dispose()
    if before == after:
        typer.echo(f"database already at revision {after}")
    else:
        typer.echo(f"database migrated from revision {before or '(empty)'} to {after}")
