"""``gitops-schema token create``: an API token for the service (shown once)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from gitops_schema.cli._db import Db, open_store
from gitops_schema.errors import UsageError

app = typer.Typer(help="API tokens of the service.", no_args_is_help=True)
# The length of the tokens.name column.
NAME_LIMIT = 253


class RoleChoice(StrEnum):
    """The roles a token can have."""

    INGEST = "ingest"
    READ = "read"
    ADMIN = "admin"


@app.command("create")
def create_command(
    role: Annotated[
        RoleChoice,
        typer.Option("--role", help="ingest: send events; read: read reports; admin: both."),
    ],
    name: Annotated[str, typer.Option("--name", help="A unique name for the token.")],
    db: Db = None,
) -> None:
    """Create a token; it is printed on the last line, only its hash is stored."""
    from gitops_schema.store.tokens import Role, create_token

    if not name.strip():
        raise UsageError("--name: give the token a unique name, not an empty one")
    if len(name) > NAME_LIMIT or not name.isprintable():
        raise UsageError(
            f"--name: at most {NAME_LIMIT} printable characters (no control characters)"
        )
    engine = open_store(db)
    token = create_token(engine, name=name, role=Role(role.value))
    engine.dispose()
    typer.echo(f"token {name!r} with role {role.value} created; it is shown only once:", err=True)
    typer.echo(token)
