"""``gitops-schema rules [RULE]``: every finding code, or one explained with examples."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer
from rich.markup import escape
from rich.syntax import Syntax
from rich.table import Table

from gitops_schema.check.rules import RULES
from gitops_schema.cli._output import console
from gitops_schema.cli._params import format_option
from gitops_schema.codes import Code
from gitops_schema.errors import UsageError


def _print_table() -> None:
    table = Table("rule", "severity", "summary")
    for code in (rule.code for rule in RULES.values()):
        table.add_row(code.id, code.severity.value, escape(code.summary))
    console.print(table)


def markdown_table() -> str:
    """Every registered code as a Markdown table: rule, default severity, what it finds."""
    rows = ["| rule | severity | what |", "|---|---|---|"]
    for code in (rule.code for rule in RULES.values()):
        summary = code.summary.replace("|", r"\|")
        rows.append(f"| `{code.id}` | {code.severity.value} | {summary} |")
    return "\n".join(rows) + "\n"


_FORMATS: dict[str, Callable[[], None]] = {
    "table": _print_table,
    "markdown": lambda: typer.echo(markdown_table(), nl=False),
}
"""How the list of rules is printed, by name (the ``-o`` choices)."""


def rules_command(
    rule: Annotated[str | None, typer.Argument(help="A rule id to explain.")] = None,
    output: Annotated[
        str, format_option(_FORMATS, "Output format (markdown: the README's rule table).")
    ] = "table",
) -> None:
    """List every rule (every finding code), or explain one."""
    if rule is None:
        _FORMATS[output]()
        return
    found = RULES.get(rule)
    if found is None:
        raise UsageError(f"unknown rule {rule!r}; `gitops-schema rules` lists them")
    _explain(found.code)


def _explain(code: Code) -> None:
    console.print(f"[bold]{code.id}[/] ({code.severity.value})")
    console.print(escape(code.summary))
    if code.explanation:
        console.print(escape(code.explanation))
    console.print("\n[red]bad:[/]")
    console.print(Syntax(code.bad, "yaml", theme="ansi_dark", background_color="default"))
    console.print("[green]good:[/]")
    console.print(Syntax(code.good, "yaml", theme="ansi_dark", background_color="default"))
