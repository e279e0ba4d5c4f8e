"""``gitops-schema convert``: Argo CD <-> Flux, with a fidelity report for every object."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

from gitops_schema.cli._output import Exit, error_console
from gitops_schema.cli._params import Exclude, parse_repos
from gitops_schema.cli._render_options import (
    AllowNetwork,
    ChartCache,
    Clusters,
    NoCache,
    Repos,
    ScmData,
)
from gitops_schema.convert import (
    Conversion,
    ConvertOptions,
    argocd_to_flux,
    render_json,
    render_markdown,
    render_text,
)
from gitops_schema.convert.flux_to_argocd import flux_to_argocd
from gitops_schema.convert.verify import (
    Verification,
    VerifyOptions,
    verify_argocd_to_flux,
    verify_flux_to_argocd,
)
from gitops_schema.errors import UsageError
from gitops_schema.render import RenderCache

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
Verify = Annotated[
    bool,
    typer.Option(
        "--verify", help="Render the source and the output and compare them per application."
    ),
]
Format = Annotated[
    ReportFormat, typer.Option("--format", "-f", help="Format of the fidelity report.")
]


def repo_folders(values: list[str] | None) -> dict[str, Path]:
    """``--repo URL=DIR`` values as URL -> folder."""
    no = "convert reads other repositories from folders: give URL=DIR"
    return dict(parse_repos(values, default=no, revisions=no).folders)


def existing(paths: list[Path]) -> None:
    """Refuse (exit 2) a path that does not exist."""
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")


def verify_options(
    chart_cache: Path | None,
    allow_network: bool,
    no_cache: bool,
    clusters: list[Path] | None,
    repos: Mapping[str, Path],
) -> VerifyOptions:
    """How ``--verify`` renders both sides, from the render options given."""
    return VerifyOptions(
        chart_cache=chart_cache,
        allow_network=allow_network,
        cache=None if no_cache else RenderCache.default(),
        clusters=tuple(clusters or ()),
        repos=repos,
    )


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


def finish(
    conversion: Conversion,
    fmt: ReportFormat,
    verify: Callable[[Conversion], Verification] | None,
    nothing: str,
) -> None:
    """Write the output tree, verify it when asked, print the report and exit.

    Raises:
        UsageError: a file of the tree that cannot be written (a read-only folder, a
            file where a folder belongs), naming it.
    """
    try:
        count = conversion.tree.write()
    except OSError as error:
        raise UsageError(
            f"-o {conversion.tree.root}: cannot write {error.filename}: {error.strerror}"
        ) from None
    verification = verify(conversion) if verify is not None else None
    render = {
        ReportFormat.TEXT: render_text,
        ReportFormat.JSON: render_json,
        ReportFormat.MARKDOWN: render_markdown,
    }[fmt]
    sys.stdout.write(render(conversion.fidelity))
    error_console.print(f"{count} files written under {conversion.tree.root}")
    if not conversion.fidelity.items:
        error_console.print(f"nothing to convert: {nothing}", markup=False, highlight=False)
    if verification is not None:
        error_console.print(verification.summary(), markup=False, highlight=False)
    for diagnostic in dict.fromkeys(conversion.report.sorted()):
        error_console.print(str(diagnostic), markup=False, highlight=False)
    unread = {d.location.file for d in conversion.unread}
    if unread:
        error_console.print(
            f"{len(unread)} file{'' if len(unread) == 1 else 's'} could not be read (above): "
            "what they hold is not converted",
            markup=False,
            highlight=False,
        )
    exact = conversion.fidelity.exact and not unread
    raise typer.Exit(Exit.OK if exact else Exit.FINDINGS)


def convert(
    paths: list[Path],
    fmt: ReportFormat,
    options: ConvertOptions,
    run: Callable[[ConvertOptions], Conversion],
    verify: Callable[[Conversion, VerifyOptions], Verification] | None,
    checked: VerifyOptions,
    nothing: str,
) -> None:
    """Convert with a progress bar, verify with another when asked, then :func:`finish`."""
    existing(paths)
    if options.output.exists() and not options.output.is_dir():
        raise UsageError(f"-o {options.output}: a file, not a folder to write under")
    with progress_bar(None, "converting") as advance:
        conversion = run(replace(options, progress=advance))

    def verified(
        done: Conversion, check: Callable[[Conversion, VerifyOptions], Verification]
    ) -> Verification:
        with progress_bar(len(done.links), "verifying") as advance:
            return check(done, replace(checked, progress=advance))

    check = None if verify is None else lambda done: verified(done, verify)
    finish(conversion, fmt, check, f"{nothing} in {', '.join(map(str, paths))}")


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
    allow_network: AllowNetwork = False,
    no_cache: NoCache = False,
    verify: Verify = False,
) -> None:
    """Argo CD Applications, ApplicationSets and AppProjects -> Flux objects."""
    options = ConvertOptions(
        output=output,
        clusters=tuple(clusters or ()),
        repos=repo_folders(repo),
        scm_data=tuple(scm_data or ()),
        exclude=tuple(exclude or ()),
    )
    checked = verify_options(chart_cache, allow_network, no_cache, clusters, options.repos)
    convert(
        paths,
        fmt,
        options,
        lambda given: argocd_to_flux(paths, given),
        (lambda done, how: verify_argocd_to_flux(done, how, done.report)) if verify else None,
        checked,
        "no Argo CD Application, ApplicationSet or AppProject",
    )


@app.command("flux-to-argocd")
def flux_to_argocd_command(
    paths: Paths,
    output: Output,
    fmt: Format = ReportFormat.TEXT,
    repo: Repos = None,
    exclude: Exclude = None,
    chart_cache: ChartCache = None,
    allow_network: AllowNetwork = False,
    no_cache: NoCache = False,
    verify: Verify = False,
) -> None:
    """Flux Kustomizations and HelmReleases of every cluster -> Argo CD Applications."""
    checked = verify_options(chart_cache, allow_network, no_cache, None, repo_folders(repo))
    options = ConvertOptions(output=output, repos=checked.repos, exclude=tuple(exclude or ()))
    convert(
        paths,
        fmt,
        options,
        lambda given: flux_to_argocd(paths, given, chart_cache=chart_cache, cache=checked.cache),
        (
            (lambda done, how: verify_flux_to_argocd(done, how, done.report, done.root))
            if verify
            else None
        ),
        checked,
        "no Flux Kustomization or HelmRelease that reaches a cluster",
    )
