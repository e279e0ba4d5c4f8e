"""Shared output helpers of the CLI: consoles, diagnostics and exit codes."""

from __future__ import annotations

import sys
from enum import IntEnum
from typing import TYPE_CHECKING

from gitops_schema.diagnostics import Diagnostic, Report, Severity

if TYPE_CHECKING:
    from rich.console import Console

    console: Console
    error_console: Console


def __getattr__(name: str) -> Console:
    """``console`` and ``error_console``, made on first use.

    Rich takes longer to import than some commands take to run; one that prints nothing
    through a console (a render, a diff) never imports it.
    """
    if name not in ("console", "error_console"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    made: Console | None = globals().get(name)
    if made is not None:
        return made
    from rich.console import Console

    if name == "console":
        # Piped output is not cut to 80 columns: tables take the width their content needs.
        width = None if sys.stdout.isatty() else 10_000
        made = Console(highlight=False, soft_wrap=True, width=width)
    else:
        made = Console(stderr=True, highlight=False, soft_wrap=True)
    globals()[name] = made
    return made


_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


class Exit(IntEnum):
    """The exit codes every command uses."""

    OK = 0
    FINDINGS = 1
    """Diagnostics at or above the failing severity."""
    USAGE = 2
    """A usage or environment error: nothing was checked."""


def print_diagnostic(diagnostic: Diagnostic) -> None:
    """One diagnostic as ``file:line:col: severity: message [rule]``."""
    from rich.markup import escape

    style = _STYLE[diagnostic.severity]
    __getattr__("console").print(
        f"{escape(str(diagnostic.location))}: [{style}]{diagnostic.severity.value}[/]: "
        f"{escape(diagnostic.message)} [dim]\\[{diagnostic.rule}][/]"
    )


def exit_code(report: Report, fail_on: Severity = Severity.ERROR) -> Exit:
    """FINDINGS when any diagnostic is at or above ``fail_on``, else OK."""
    return Exit.FINDINGS if report.at_least(fail_on) else Exit.OK


def print_error(message: str) -> None:
    """A usage or environment error, on standard error."""
    from rich.markup import escape

    __getattr__("error_console").print(f"[bold red]error:[/] {escape(message)}")
