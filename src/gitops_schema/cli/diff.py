"""``gitops-schema diff`` and ``envdiff``: what a change does, and how environments differ."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from gitops_schema.cli._output import error_console
from gitops_schema.cli._params import Exclude
from gitops_schema.cli.render import (
    AllowNetwork,
    ChartCache,
    Clusters,
    Entries,
    NoCache,
    Repos,
    ScmData,
    render_at,
    render_options,
    repository_folder,
)
from gitops_schema.compare import (
    diff_sets,
    envdiff_many,
    render_envdiff_json,
    render_envdiff_markdown,
    render_envdiff_text,
    render_json,
    render_markdown,
    render_text,
)
from gitops_schema.desired import (
    RenderedRepository,
    application_environments,
)


class DiffFormat(StrEnum):
    """Output formats of ``diff`` and ``envdiff``."""

    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"


def _report(rendered: RenderedRepository, label: str) -> None:
    for diagnostic in rendered.report.sorted():
        error_console.print(f"[{label}] {diagnostic}", markup=False, highlight=False)


def _write(
    output: DiffFormat,
    *,
    text: Callable[[], str],
    markdown: Callable[[], str],
    json: Callable[[], str],
) -> None:
    """Print the report in the asked format (only that one is rendered)."""
    chosen = {DiffFormat.TEXT: text, DiffFormat.MARKDOWN: markdown, DiffFormat.JSON: json}
    sys.stdout.write(chosen[output]())


def diff_command(
    path: Annotated[Path, typer.Argument(help="The repository folder.")],
    from_revision: Annotated[
        str, typer.Option("--from", help="The revision before the change.")
    ] = "HEAD",
    to_revision: Annotated[
        str | None,
        typer.Option("--to", help="The revision after the change (default: the work tree)."),
    ] = None,
    cluster: Annotated[
        str | None, typer.Option("--cluster", help="Compare this cluster only.")
    ] = None,
    output: Annotated[
        DiffFormat, typer.Option("--output", "-o", help="Report format.")
    ] = DiffFormat.TEXT,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when something changed, as git diff does.")
    ] = False,
    clusters: Clusters = None,
    repo: Repos = None,
    chart_cache: ChartCache = None,
    allow_network: AllowNetwork = False,
    entry: Entries = None,
    no_cache: NoCache = False,
    scm_data: ScmData = None,
    exclude: Exclude = None,
) -> None:
    """Render two revisions and show, per cluster and application, what changes."""
    folder = repository_folder(path)
    options = render_options(
        clusters, repo, chart_cache, entry, no_cache, scm_data, exclude, allow_network, folder
    )
    before = render_at(folder, from_revision, options, cluster=cluster)
    after = render_at(folder, to_revision, options, cluster=cluster)
    _report(before, from_revision)
    _report(after, to_revision or "work tree")
    diff = diff_sets(before.by_cluster(), after.by_cluster())
    _write(
        output,
        text=lambda: render_text(diff, color=sys.stdout.isatty()),
        markdown=lambda: render_markdown(diff),
        json=lambda: render_json(diff),
    )
    raise typer.Exit(1 if exit_code and diff.changed else 0)


def envdiff_command(
    path: Annotated[Path, typer.Argument(help="The repository folder.")],
    app: Annotated[str | None, typer.Option("--app", help="Compare this application only.")] = None,
    envs: Annotated[
        str | None,
        typer.Option("--envs", help="Environments to compare, in order (e.g. dev,staging,prod)."),
    ] = None,
    expected: Annotated[
        list[str] | None,
        typer.Option("--expected", help="Field glob whose differences are expected (repeatable)."),
    ] = None,
    output: Annotated[
        DiffFormat, typer.Option("--output", "-o", help="Report format.")
    ] = DiffFormat.TEXT,
    revision: Annotated[
        str | None, typer.Option("--revision", "-r", help="Compare at this git revision.")
    ] = None,
    clusters: Clusters = None,
    repo: Repos = None,
    chart_cache: ChartCache = None,
    allow_network: AllowNetwork = False,
    entry: Entries = None,
    no_cache: NoCache = False,
    scm_data: ScmData = None,
    exclude: Exclude = None,
) -> None:
    """Compare the rendered output of each application across its environments."""
    folder = repository_folder(path)
    options = render_options(
        clusters, repo, chart_cache, entry, no_cache, scm_data, exclude, allow_network, folder
    )
    wanted = [e.strip() for e in envs.split(",") if e.strip()] if envs else None
    rendered = render_at(folder, revision, options)
    _report(rendered, revision or "work tree")
    apps = application_environments(rendered, environments=wanted)
    if app is not None:
        apps = {name: envs_ for name, envs_ in apps.items() if name == app}
    result = envdiff_many(apps, expected=tuple(expected or ()))
    _write(
        output,
        text=lambda: render_envdiff_text(result),
        markdown=lambda: render_envdiff_markdown(result),
        json=lambda: render_envdiff_json(result),
    )
    raise typer.Exit(0)
