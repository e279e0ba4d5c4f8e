"""``gitops-schema report sync-stats|dora|deployments|audit|compliance``.

Reports over the recorded history, as a table, JSON, CSV or an HTML page. One command per
report of :data:`gitops_schema.analytics.catalog.REPORTS`, all with the same window and scope
options (and the report's extras).
"""

from __future__ import annotations

import inspect
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from gitops_schema.analytics.catalog import REPORTS, Extra, ReportSpec
from gitops_schema.cli._db import Db, opened
from gitops_schema.cli._output import console

app = typer.Typer(help="Reports over the recorded history.", no_args_is_help=True)


class ReportFormat(StrEnum):
    """Output formats of the reports."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    HTML = "html"


class Env(StrEnum):
    """Which objects a report covers."""

    PRODUCTION = "production"
    ALL = "all"


class ToolName(StrEnum):
    """The GitOps tools."""

    ARGOCD = "argocd"
    FLUX = "flux"


class By(StrEnum):
    """How ``dora`` groups its figures."""

    CLUSTER = "cluster"
    APPLICATION = "application"
    TEAM = "team"


From = Annotated[
    str | None,
    typer.Option(
        "--from", help="Start of the window (ISO 8601, UTC); default 30 days before --to."
    ),
]
To = Annotated[str | None, typer.Option("--to", help="End of the window, excluded (default: now).")]
EnvOption = Annotated[
    Env | None,
    typer.Option("--env", help="production or all (default: production for dora, else all)."),
]
Tool = Annotated[ToolName | None, typer.Option("--tool", help="Only this tool's objects.")]
Cluster = Annotated[str | None, typer.Option("--cluster", help="Only this cluster's objects.")]
Config = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="The .gitops-schema.yaml whose 'production' globs say what is production "
        "(default: the one found from the current folder up, else the defaults).",
    ),
]
Output = Annotated[ReportFormat, typer.Option("--output", "-o", help="Output format.")]
ByOption = Annotated[By | None, typer.Option("--by", help="Also per cluster, application or team.")]
Repo = Annotated[
    Path | None,
    typer.Option(
        "--repo",
        help="First check (and record) the revisions of this git repository that changed a "
        "definition in the window and were not checked yet.",
    ),
]

_COMMON: tuple[tuple[str, Any, Any], ...] = (
    ("db", Db, None),
    ("start", From, None),
    ("end", To, None),
    ("env", EnvOption, None),
    ("tool", Tool, None),
    ("cluster", Cluster, None),
    ("config", Config, None),
    ("output", Output, ReportFormat.TABLE),
)
_EXTRAS: dict[Extra, tuple[str, Any, Any]] = {
    "by": ("by", ByOption, None),
    "repo": ("repo", Repo, None),
}


def _signature(spec: ReportSpec) -> inspect.Signature:
    """The command's parameters: the common options, then the report's extras."""
    return inspect.Signature(
        [
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, annotation=kind, default=default
            )
            for name, kind, default in (*_COMMON, *(_EXTRAS[extra] for extra in spec.extras))
        ]
    )


def _run(spec: ReportSpec, options: dict[str, Any]) -> None:
    """Parse the options, read the report from the store and print it."""
    from gitops_schema.analytics import query

    request = query.ReportRequest.parse(
        spec.name,
        start=options["start"],
        end=options["end"],
        env=_value(options["env"]),
        tool=_value(options["tool"]),
        cluster=options["cluster"],
        by=_value(options.get("by")),
        production=query.production_globs(options["config"], Path.cwd()),
    )
    engine = opened(options["db"], existing=True)
    try:
        query.check_store(engine)
        if options.get("repo") is not None:
            from gitops_schema.analytics.compliance import record_compliance

            record_compliance(engine, options["repo"], request.window)
        with engine.connect() as connection:
            report = query.run(connection, request)
    finally:
        engine.dispose()
    _print(spec.name, report, options["output"], request)


def _value(option: StrEnum | None) -> str | None:
    return option.value if option is not None else None


def _print(name: str, report: dict[str, Any], output: ReportFormat, request: Any) -> None:
    from gitops_schema.analytics import formats
    from gitops_schema.analytics.reports import iso

    if output is ReportFormat.JSON:
        typer.echo(json.dumps(report, indent=2))
        return
    if output is ReportFormat.CSV:
        typer.echo(formats.to_csv(name, report), nl=False)
        return
    caption = f"{name} from {iso(request.window.start)} to {iso(request.window.end)}"
    if output is ReportFormat.HTML:
        typer.echo(formats.to_html(name, report, caption), nl=False)
        return
    columns, rows = formats.table(name, report)
    if not rows:
        # a table with no column is drawn as an empty line
        console.print(f"{escape(caption)}: nothing recorded in this window and scope")
        return
    table = Table(*(_heading(column) for column in columns), title=escape(caption))
    for row in rows:
        table.add_row(*(escape(cell) for cell in row))
    console.print(table)


def _heading(column: str) -> str:
    """A column's name as a terminal table heads it: its group above its field, in words.

    ``deployment_frequency.median_days_per_week`` is two short lines, not one line that
    makes a grouped dora report wider than any terminal (CSV and HTML keep the names).
    """
    return escape(column.replace(".", "\n").replace("_", " "))


def _register(spec: ReportSpec) -> None:
    def command(**options: Any) -> None:
        _run(spec, options)

    command.__signature__ = _signature(spec)  # type: ignore[attr-defined]
    command.__doc__ = spec.summary
    app.command(spec.name, help=spec.summary)(command)


for _spec in REPORTS:
    _register(_spec)
