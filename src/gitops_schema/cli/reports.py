"""``gitops-schema report sync-stats|dora|deployments|audit|compliance``.

Reports over the recorded history, as a table, JSON, CSV or an HTML page.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from gitops_schema.cli._db import Db
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


def _report(
    name: str,
    *,
    db: str | None,
    start: str | None,
    end: str | None,
    env: Env | None,
    tool: ToolName | None,
    cluster: str | None,
    config: Path | None,
    output: ReportFormat,
    by: By | None = None,
) -> None:
    from gitops_schema.analytics import query
    from gitops_schema.store import db as store_db

    request = query.ReportRequest.parse(
        name,
        start=start,
        end=end,
        env=env.value if env else None,
        tool=tool.value if tool else None,
        cluster=cluster,
        by=by.value if by else None,
        production=query.production_globs(config, Path.cwd()),
    )
    engine = store_db.create(db)
    try:
        query.check_store(engine)
        with engine.connect() as connection:
            report = query.run(connection, request)
    finally:
        engine.dispose()
    _print(name, report, output, request)


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
    table = Table(*columns, title=escape(caption))
    for row in rows:
        table.add_row(*(escape(cell) for cell in row))
    console.print(table)


@app.command("sync-stats")
def sync_stats_command(
    db: Db = None,
    start: From = None,
    end: To = None,
    env: EnvOption = None,
    tool: Tool = None,
    cluster: Cluster = None,
    config: Config = None,
    output: Output = ReportFormat.TABLE,
) -> None:
    """Sync operations per object and status: count and average/min/max/p95 duration."""
    _report(
        "sync-stats",
        db=db,
        start=start,
        end=end,
        env=env,
        tool=tool,
        cluster=cluster,
        config=config,
        output=output,
    )


@app.command("dora")
def dora_command(
    db: Db = None,
    start: From = None,
    end: To = None,
    env: EnvOption = None,
    tool: Tool = None,
    cluster: Cluster = None,
    config: Config = None,
    output: Output = ReportFormat.TABLE,
    by: Annotated[
        By | None, typer.Option("--by", help="Also per cluster, application or team.")
    ] = None,
) -> None:
    """The four DORA keys with their levels (DevLake's 2023 thresholds)."""
    _report(
        "dora",
        db=db,
        start=start,
        end=end,
        env=env,
        tool=tool,
        cluster=cluster,
        config=config,
        output=output,
        by=by,
    )


@app.command("deployments")
def deployments_command(
    db: Db = None,
    start: From = None,
    end: To = None,
    env: EnvOption = None,
    tool: Tool = None,
    cluster: Cluster = None,
    config: Config = None,
    output: Output = ReportFormat.TABLE,
) -> None:
    """What was deployed in the window, and whether a failure followed."""
    _report(
        "deployments",
        db=db,
        start=start,
        end=end,
        env=env,
        tool=tool,
        cluster=cluster,
        config=config,
        output=output,
    )


@app.command("audit")
def audit_command(
    db: Db = None,
    start: From = None,
    end: To = None,
    env: EnvOption = None,
    tool: Tool = None,
    cluster: Cluster = None,
    config: Config = None,
    output: Output = ReportFormat.TABLE,
) -> None:
    """Who changed which GitOps definition when (config revisions recorded from git)."""
    _report(
        "audit",
        db=db,
        start=start,
        end=end,
        env=env,
        tool=tool,
        cluster=cluster,
        config=config,
        output=output,
    )


@app.command("compliance")
def compliance_command(
    db: Db = None,
    start: From = None,
    end: To = None,
    env: EnvOption = None,
    tool: Tool = None,
    cluster: Cluster = None,
    config: Config = None,
    output: Output = ReportFormat.TABLE,
    repo: Annotated[
        Path | None,
        typer.Option(
            "--repo",
            help="First check (and record) the revisions of this git repository that "
            "changed a definition in the window and were not checked yet.",
        ),
    ] = None,
) -> None:
    """The check findings of each recorded revision that changed a GitOps definition."""
    if repo is not None:
        from gitops_schema.analytics.compliance import record_compliance
        from gitops_schema.analytics.query import make_window
        from gitops_schema.store import db as store_db

        engine = store_db.create(db)
        try:
            record_compliance(engine, repo, make_window(start, end))
        finally:
            engine.dispose()
    _report(
        "compliance",
        db=db,
        start=start,
        end=end,
        env=env,
        tool=tool,
        cluster=cluster,
        config=config,
        output=output,
    )
