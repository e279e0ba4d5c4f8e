"""INTERFACE: the ``gitops-schema`` command line (Typer + Rich).

Each command parses its options, makes one library call of the same name and prints the
result; the only error handling is :func:`main` turning a ``GitOpsError`` into exit 2.

A command's module is imported only when that command runs: ``render`` never pays for the
schemas of ``check``, nor for the database of ``serve``. ``--help`` lists every command
from :data:`COMMANDS` without importing any of them, and Typer itself
(:mod:`._app`) is imported only to run a command: a ``render`` replayed from its record
(:mod:`._replay`) needs none of it.
"""

from __future__ import annotations

import io
import os
import sys
from typing import TYPE_CHECKING, NamedTuple, NoReturn

# Nothing here imports dataclasses, pathlib or the library (nor does cli._replay): a
# replayed render is over in the time they would take to import.

if TYPE_CHECKING:
    from typer.core import TyperCommand, TyperGroup


class Command(NamedTuple):
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
    from gitops_schema.cli._app import load_command as load

    return load(name)


def main() -> None:
    """Run the CLI; library errors and crashes become one line and exit code 2."""
    # In standalone mode Typer turns usage errors into exit 2 itself; ours are the rest.
    for stream in (sys.stdout, sys.stderr):
        # A name that is not UTF-8 (a file's, a revision's) is escaped, not a crash.
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    try:
        _run(sys.argv[1:])
    except BrokenPipeError:
        from gitops_schema.cli._output import Exit

        # The reader went away (| head): not a crash; nothing more can be printed there.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(Exit.FINDINGS) from None
    except Exception as error:  # library errors, and the guard of last resort, by design
        from gitops_schema.errors import GitOpsError

        if isinstance(error, GitOpsError):
            _fail(str(error))
        from gitops_schema.cli._crash import crash_line, write_crash_report

        _fail(crash_line(error, write_crash_report(error)))


def _run(args: list[str]) -> None:
    """Run the command line ``args``; a ``render`` whose record holds is replayed."""
    if args[:1] != ["render"]:
        from gitops_schema.cli._app import app

        app()
        return
    # Before Typer is imported: a replayed render needs none of it (see cli._replay).
    from gitops_schema.cli import _replay

    replayed = _replay.begin(args)
    if replayed is not None:
        raise SystemExit(replayed)
    from gitops_schema.cli._app import app

    try:
        app()
    finally:
        _replay.end()


def _fail(message: str) -> NoReturn:
    # Imported here: the consoles load Rich, which a command that prints nothing never needs.
    from gitops_schema.cli._output import Exit, print_error

    print_error(message)
    raise SystemExit(Exit.USAGE) from None
