"""The Typer application of the command line: the root group and its lazy commands.

Imported by :func:`gitops_schema.cli.main` when a command runs (a replayed render never
imports it, nor Typer).
"""

from __future__ import annotations

import importlib
from typing import Annotated

import typer

# Typer bundles its own Click; its group's methods are typed with that Click's classes.
from typer._click import Command as ClickCommand
from typer._click import Context as ClickContext
from typer.core import TyperCommand, TyperGroup

from gitops_schema import __version__
from gitops_schema.cli import COMMANDS


def load_command(name: str) -> TyperCommand | TyperGroup:
    """The Click command ``name`` runs, its module imported now."""
    where = COMMANDS[name]
    found = getattr(importlib.import_module(f"gitops_schema.cli.{where.module}"), where.attribute)
    if where.group:
        group = typer.main.get_group(found)
        group.name = name
        return group
    single = typer.Typer()
    single.command(name)(found)
    command = typer.main.get_command(single)
    assert isinstance(command, TyperCommand)
    return command


class _LazyCommands(TyperGroup):
    """The root group: each command is a summary for ``--help`` until it is run."""

    def list_commands(self, ctx: ClickContext) -> list[str]:
        return [*super().list_commands(ctx), *COMMANDS]

    def get_command(self, ctx: ClickContext, cmd_name: str) -> ClickCommand | None:
        known = super().get_command(ctx, cmd_name)
        if known is not None or cmd_name not in COMMANDS:
            return known
        return TyperCommand(cmd_name, help=COMMANDS[cmd_name].summary)

    def resolve_command(
        self, ctx: ClickContext, args: list[str]
    ) -> tuple[str | None, ClickCommand | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if name in COMMANDS and name not in self.commands:
            self.commands[name] = command = load_command(name)
        return name, command, rest


app = typer.Typer(
    name="gitops-schema",
    help="GitOps configuration (Argo CD, Flux, kustomize, Helm, Prometheus-operator) "
    "as typed, validated data.",
    cls=_LazyCommands,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gitops-schema {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """GitOps configuration as typed, validated data."""
