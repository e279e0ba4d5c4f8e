"""INTERFACE: the ``gitops-schema`` command line (Typer + Rich).

Each command parses its options, makes one library call of the same name and prints the
result; the only error handling is :func:`main` turning a ``GitOpsError`` into exit 2.

A command's module is imported only when that command runs: ``render`` never pays for the
schemas of ``check``, nor for the database of ``serve``. ``--help`` lists every command
from :data:`COMMANDS` without importing any of them.
"""

from __future__ import annotations

import importlib
import io
import os
import sys
from dataclasses import dataclass
from typing import Annotated, NoReturn

import typer

# Typer bundles its own Click; its group's methods are typed with that Click's classes.
from typer._click import Command as ClickCommand
from typer._click import Context as ClickContext
from typer.core import TyperCommand, TyperGroup

from gitops_schema import __version__
from gitops_schema.errors import GitOpsError


@dataclass(frozen=True)
class Command:
    """Where a command lives, and the line ``--help`` shows for it."""

    module: str
    attribute: str
    summary: str
    group: bool = False
    """A Typer application of subcommands (``appset generate``), not one command."""


COMMANDS = {
    "inventory": Command(
        "inventory",
        "inventory_command",
        "List every GitOps object (tool, apiVersion, kind, namespace, name, file, line).",
    ),
    "check": Command(
        "check", "check_command", "Validate every object against its schema and run the lint rules."
    ),
    "rules": Command(
        "rules", "rules_command", "List every rule (every finding code), or explain one."
    ),
    "render": Command(
        "render", "render_command", "Render the desired state of every cluster and application."
    ),
    "diff": Command(
        "diff",
        "diff_command",
        "Render two revisions and show, per cluster and application, what changes.",
    ),
    "envdiff": Command(
        "diff",
        "envdiff_command",
        "Compare the rendered output of each application across its environments.",
    ),
    "upgrade": Command(
        "upgrade",
        "upgrade_command",
        "Upgrade deprecated and removed apiVersions and kustomization fields.",
    ),
    "serve": Command(
        "serve",
        "serve_command",
        "Receive Argo CD and Flux webhooks into the history store and serve its API.",
    ),
    "demo": Command(
        "demo",
        "demo_command",
        "Record six weeks of simulated Argo CD and Flux deliveries, print the DORA summary.",
    ),
    "appset": Command("appset", "app", "Expand Argo CD ApplicationSets offline.", group=True),
    "convert": Command(
        "convert",
        "app",
        "Convert Argo CD to Flux and back; every object gets a fidelity report.",
        group=True,
    ),
    "monitoring": Command(
        "monitoring",
        "app",
        "Prometheus alert rules and a Grafana dashboard for the history service.",
        group=True,
    ),
    "report": Command("reports", "app", "Reports over the recorded history.", group=True),
    "db": Command("db", "app", "Manage the history store's database.", group=True),
    "token": Command("token", "app", "API tokens of the service.", group=True),
    "integrations": Command(
        "integrations", "app", "Configuration for the tools that send events.", group=True
    ),
    "record": Command("record", "app", "Record history into the store.", group=True),
}
"""Every command, in the order ``--help`` lists them (``tests/cli`` checks each summary
against the command's own help)."""


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


def main() -> None:
    """Run the CLI; library errors and crashes become one line and exit code 2."""
    # In standalone mode Typer turns usage errors into exit 2 itself; ours are the rest.
    for stream in (sys.stdout, sys.stderr):
        # A name that is not UTF-8 (a file's, a revision's) is escaped, not a crash.
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    try:
        app()
    except GitOpsError as error:
        _fail(str(error))
    except BrokenPipeError:
        from gitops_schema.cli._output import Exit

        # The reader went away (| head): not a crash; nothing more can be printed there.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(Exit.FINDINGS) from None
    except Exception as error:  # the guard of last resort, by design
        from gitops_schema.cli._crash import crash_line, write_crash_report

        _fail(crash_line(error, write_crash_report(error)))


def _fail(message: str) -> NoReturn:
    # Imported here: the consoles load Rich, which a command that prints nothing never needs.
    from gitops_schema.cli._output import Exit, print_error

    print_error(message)
    raise SystemExit(Exit.USAGE) from None
