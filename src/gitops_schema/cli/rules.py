"""``gitops-schema rules [RULE]``: what each rule checks, with a bad and a good example."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.syntax import Syntax
from rich.table import Table

from gitops_schema.check.rules import RULES
from gitops_schema.cli._output import console
from gitops_schema.errors import UsageError


def rules_command(
    rule: Annotated[str | None, typer.Argument(help="A rule id to explain.")] = None,
) -> None:
    """List the rules, or explain one."""
    if rule is None:
        table = Table("rule", "severity", "summary")
        for item in RULES.values():
            table.add_row(item.id, item.severity.value, item.summary)
        console.print(table)
        return
    found = RULES.get(rule)
    if found is None:
        raise UsageError(f"unknown rule {rule!r}; `gitops-schema rules` lists them")
    console.print(f"[bold]{found.id}[/] ({found.severity.value})")
    console.print(escape(found.summary))
    if found.explanation:
        console.print(escape(found.explanation))
    console.print("\n[red]bad:[/]")
    console.print(Syntax(found.bad, "yaml", theme="ansi_dark", background_color="default"))
    console.print("[green]good:[/]")
    console.print(Syntax(found.good, "yaml", theme="ansi_dark", background_color="default"))
