"""INTERFACE: the ``gitops-schema`` command line (Typer + Rich).

Each command parses its options, makes one library call of the same name and prints the
result; the only error handling is :func:`main` turning a ``GitOpsError`` into exit 2.
"""

from __future__ import annotations

import io
import os
import sys
from typing import Annotated

import typer

from gitops_schema import __version__
from gitops_schema.cli._crash import crash_line, write_crash_report
from gitops_schema.cli._output import Exit, print_error
from gitops_schema.cli.appset import app as appset_app
from gitops_schema.cli.check import check_command
from gitops_schema.cli.convert import app as convert_app
from gitops_schema.cli.db import app as db_app
from gitops_schema.cli.demo import demo_command
from gitops_schema.cli.diff import diff_command, envdiff_command
from gitops_schema.cli.integrations import app as integrations_app
from gitops_schema.cli.inventory import inventory_command
from gitops_schema.cli.monitoring import app as monitoring_app
from gitops_schema.cli.record import app as record_app
from gitops_schema.cli.render import render_command
from gitops_schema.cli.reports import app as reports_app
from gitops_schema.cli.rules import rules_command
from gitops_schema.cli.serve import serve_command
from gitops_schema.cli.token import app as token_app
from gitops_schema.cli.upgrade import upgrade_command
from gitops_schema.errors import GitOpsError

app = typer.Typer(
    name="gitops-schema",
    help="GitOps configuration (Argo CD, Flux, kustomize, Helm, Prometheus-operator) "
    "as typed, validated data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gitops-schema {__version__}")
        raise typer.Exit(Exit.OK)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """GitOps configuration as typed, validated data."""


app.command("inventory")(inventory_command)
app.command("check")(check_command)
app.command("rules")(rules_command)
app.add_typer(appset_app, name="appset")
app.command("render")(render_command)
app.command("diff")(diff_command)
app.command("envdiff")(envdiff_command)
app.add_typer(convert_app, name="convert")
app.add_typer(monitoring_app, name="monitoring")
app.add_typer(reports_app, name="report")
app.command("upgrade")(upgrade_command)
app.command("serve")(serve_command)
app.add_typer(db_app, name="db")
app.add_typer(token_app, name="token")
app.add_typer(integrations_app, name="integrations")
app.command("demo")(demo_command)
app.add_typer(record_app, name="record")


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
        print_error(str(error))
        raise SystemExit(Exit.USAGE) from None
    except BrokenPipeError:
        # The reader went away (| head): not a crash; nothing more can be printed there.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(Exit.FINDINGS) from None
    except Exception as error:  # the guard of last resort, by design
        print_error(crash_line(error, write_crash_report(error)))
        raise SystemExit(Exit.USAGE) from None
