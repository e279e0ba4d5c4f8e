"""Shared output helpers of the CLI: consoles, diagnostics and exit codes."""

from __future__ import annotations

import sys
from enum import IntEnum

from rich.console import Console
from rich.markup import escape

from gitops_schema.diagnostics import Diagnostic, Report, Severity

# Piped output is not cut to 80 columns: tables take the width their content needs.
console = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 10_000)
error_console = Console(stderr=True, highlight=False, soft_wrap=True)

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
    style = _STYLE[diagnostic.severity]
    console.print(
        f"{escape(str(diagnostic.location))}: [{style}]{diagnostic.severity.value}[/]: "
        f"{escape(diagnostic.message)} [dim]\\[{diagnostic.rule}][/]"
    )


def exit_code(report: Report, fail_on: Severity = Severity.ERROR) -> Exit:
    """FINDINGS when any diagnostic is at or above ``fail_on``, else OK."""
    return Exit.FINDINGS if report.at_least(fail_on) else Exit.OK


def print_error(message: str) -> None:
    """A usage or environment error, on standard error."""
    error_console.print(f"[bold red]error:[/] {escape(message)}")
