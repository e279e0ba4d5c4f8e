"""``gitops-schema inventory``: every GitOps object found, and every diagnostic."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Annotated

import typer
from rich.table import Table

from gitops_schema.cli._output import console, exit_code, print_diagnostic
from gitops_schema.cli._params import Exclude, MaxFileSize, Revision, format_option, load_options
from gitops_schema.inventory import (
    STDIN,
    Inventory,
    inventory,
    namespace_of,
    target_namespace,
)


def _print_table(result: Inventory) -> None:
    table = Table(
        "tool", "apiVersion", "kind", "namespace", "name", "target namespace", "file:line"
    )
    for o in result.objects:
        table.add_row(
            o.tool.value,
            o.api_version,
            o.kind,
            namespace_of(o) or "",
            o.name,
            target_namespace(o) or "",
            f"{o.document.file}:{o.location.line}",
        )
    console.print(table)
    for diagnostic in result.report.sorted():
        print_diagnostic(diagnostic)
    console.print(
        f"{len(result.objects)} objects in {len(result.files)} files, "
        f"{len(result.report)} diagnostics"
    )


def _print_json(result: Inventory) -> None:
    sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")


_FORMATS: dict[str, Callable[[Inventory], None]] = {
    "table": _print_table,
    "json": _print_json,
}
"""The output formats of ``inventory``, by name (the ``-o`` choices)."""


def inventory_command(
    paths: Annotated[
        list[str], typer.Argument(help="Files and folders to read; '-' reads standard input.")
    ],
    revision: Revision = None,
    output: Annotated[str, format_option(_FORMATS, "Output format.")] = "table",
    max_file_size: MaxFileSize = "10MiB",
    exclude: Exclude = None,
) -> None:
    """List every GitOps object (tool, apiVersion, kind, namespace, name, file, line)."""
    stdin = sys.stdin.buffer.read() if STDIN in paths else None
    result = inventory(
        paths, revision=revision, options=load_options(max_file_size, exclude), stdin=stdin
    )
    _FORMATS[output](result)
    raise typer.Exit(exit_code(result.report))
