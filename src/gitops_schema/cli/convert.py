"""``gitops-schema convert``: Argo CD <-> Flux, with a fidelity report for every object."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

from gitops_schema.cli._output import Exit, error_console
from gitops_schema.cli._params import Exclude
from gitops_schema.cli.render import ChartCache, Clusters, Repos, ScmData
from gitops_schema.convert import (
    Conversion,
    ConvertOptions,
    argocd_to_flux,
    render_json,
    render_markdown,
    render_text,
)
from gitops_schema.errors import UsageError

app = typer.Typer(
    help="Convert Argo CD to Flux and back; every object gets a fidelity report.",
    no_args_is_help=True,
)


class ReportFormat(StrEnum):
    """Formats of the fidelity report."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


Paths = Annotated[list[Path], typer.Argument(help="Files and folders to convert.")]
Output = Annotated[
    Path, typer.Option("--output", "-o", help="Folder to write the converted objects under.")
]
Format = Annotated[
    ReportFormat, typer.Option("--format", "-f", help="Format of the fidelity report.")
]


def repo_folders(values: list[str] | None) -> dict[str, Path]:
    """``--repo URL=DIR`` values as URL -> folder."""
    folders: dict[str, Path] = {}
    for value in values or []:
        url, sep, path = value.rpartition("=")
        if not sep or not url:
            raise UsageError(f"--repo {value!r}: give URL=DIR")
        if not Path(path).is_dir():
            raise UsageError(f"--repo {value!r}: {path} is not a folder")
        folders[url] = Path(path)
    return folders


@contextmanager
def progress_bar(total: int | None, what: str) -> Iterator[Callable[[str], None]]:
    """A callback advancing a progress bar on standard error (when it is a terminal)."""
    if not error_console.is_terminal:
        yield lambda name: None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn())
    with Progress(*columns, console=error_console, transient=True) as display:
        task = display.add_task(what, total=total)

        def advance(name: str) -> None:
            display.update(task, advance=1, description=f"{what}: {name}")

        yield advance


def finish(conversion: Conversion, fmt: ReportFormat) -> None:
    """Write the output tree, print the report and exit with its status."""
    count = conversion.tree.write()
    render = {
        ReportFormat.TEXT: render_text,
        ReportFormat.JSON: render_json,
        ReportFormat.MARKDOWN: render_markdown,
    }[fmt]
    sys.stdout.write(render(conversion.fidelity))
    error_console.print(f"{count} files written under {conversion.tree.root}")
    for diagnostic in conversion.report.sorted():
        error_console.print(str(diagnostic), markup=False, highlight=False)
    raise typer.Exit(Exit.OK if conversion.fidelity.exact else Exit.FINDINGS)


@app.command("argocd-to-flux")
def argocd_to_flux_command(
    paths: Paths,
    output: Output,
    fmt: Format = ReportFormat.TEXT,
    clusters: Clusters = None,
    repo: Repos = None,
    scm_data: ScmData = None,
    exclude: Exclude = None,
    chart_cache: ChartCache = None,
    verify: Annotated[
        bool,
        typer.Option("--verify", help="Render both sides and compare the desired objects."),
    ] = False,
) -> None:
    """Argo CD Applications, ApplicationSets and AppProjects -> Flux objects."""
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
    with progress_bar(None, "converting") as advance:
        options = ConvertOptions(
            output=output,
            clusters=tuple(clusters or ()),
            repos=repo_folders(repo),
            scm_data=tuple(scm_data or ()),
            exclude=tuple(exclude or ()),
            progress=advance,
        )
        conversion = argocd_to_flux(paths, options)
    del verify, chart_cache
    finish(conversion, fmt)
