"""The options of the commands that render, and their conversion to RenderOptions.

Shared by ``render``, ``diff``, ``envdiff`` and ``check --render``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from gitops_schema.cli import _output
from gitops_schema.cli._params import parse_repos, parse_size
from gitops_schema.desired import RenderedApp, RenderedRepository, RenderOptions, render_repository
from gitops_schema.errors import UsageError
from gitops_schema.render import DEFAULT_TIMEOUT, Bounds, RenderCache

Clusters = Annotated[
    list[Path] | None,
    typer.Option(
        "--clusters", help="Cluster inventory (cluster Secrets, clusters list, kubeconfig)."
    ),
]
Repos = Annotated[
    list[str] | None,
    typer.Option(
        "--repo",
        help="URL=PATH or Flux Kind/namespace/name=PATH: read that source from a local folder; "
        "=@REV for the rendered repository at a git revision, e.g. another branch (repeatable).",
    ),
]
ChartCache = Annotated[
    Path | None,
    typer.Option(
        "--chart-cache", help="Folder of Helm charts: <chart>-<version>.tgz or <chart>/<version>/."
    ),
]
AllowNetwork = Annotated[
    bool,
    typer.Option(
        "--allow-network",
        help="Download Helm and OCI repository charts the chart cache lacks, and keep them "
        "there (without --chart-cache: .gitops-schema-cache/charts in the user's cache folder).",
    ),
]
Entries = Annotated[
    list[Path] | None,
    typer.Option(
        "--entry", help="Flux entry file (default: the Kustomizations under clusters/<name>/)."
    ),
]
AllowOutside = Annotated[
    list[Path] | None,
    typer.Option(
        "--allow-outside",
        help="A trusted folder outside the repository that its paths may name (charts shared "
        "across repositories; repeatable). Nothing else outside the repository is read.",
    ),
]
NoCache = Annotated[
    bool, typer.Option("--no-cache", help="Do not reuse or store renders in the content cache.")
]
ScmData = Annotated[
    list[Path] | None, typer.Option("--scm-data", help="Recorded SCM listings for ApplicationSets.")
]

Timeout = Annotated[
    float,
    typer.Option(
        "--timeout",
        help="Seconds one engine call (a kustomize build, a chart, a Jsonnet file) may run; "
        "past it the application is a finding and the rest renders.",
    ),
]
MemoryLimit = Annotated[
    str,
    typer.Option(
        "--memory-limit",
        help="Memory one engine call may use (e.g. 1GiB, 512MiB); past it the application "
        "is a finding and the rest renders.",
    ),
]

KustomizeBuildOptions = Annotated[
    str | None,
    typer.Option(
        "--kustomize-build-options",
        help="Argo CD's kustomize.buildOptions (e.g. '--load-restrictor LoadRestrictionsNone "
        "--enable-helm'); default: the repository's argocd-cm.",
    ),
]


def render_options(
    clusters: list[Path] | None,
    repos: list[str] | None,
    chart_cache: Path | None,
    entries: list[Path] | None,
    no_cache: bool,
    scm_data: list[Path] | None,
    exclude: list[str] | None = None,
    allow_network: bool = False,
    folder: Path | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    memory_limit: str = "1GiB",
    allow_outside: list[Path] | None = None,
    kustomize_build_options: str | None = None,
    max_applications: int = 10_000,
) -> RenderOptions:
    """Rendering options from the command line; ``folder`` is the repository given.

    Raises:
        UsageError: a ``--repo`` value that is not of the grammar, or a bare ``--repo
            PATH`` (a render reads every repository not mapped from the folder it renders);
            a bound that is not a positive time or size; an ``--allow-outside`` that is
            not a folder.
    """
    mapped = parse_repos(
        repos,
        default="a render reads every repository not mapped from the folder it renders; "
        "map one with URL=PATH",
    )
    try:
        bounds = Bounds(timeout=timeout, memory=parse_size(memory_limit))
    except ValueError as error:
        raise UsageError(f"--timeout and --memory-limit: {error}") from None
    return RenderOptions(
        bounds=bounds,
        max_applications=max_applications,
        clusters=tuple(clusters or ()),
        repos=dict(mapped.folders),
        revisions=dict(mapped.revisions),
        git_folder=folder,
        chart_cache=chart_cache,
        allow_network=allow_network,
        allow_outside=tuple(_trusted(path) for path in allow_outside or ()),
        cache=None if no_cache else RenderCache.default(),
        entries=tuple(entries or ()),
        scm_data=tuple(scm_data or ()),
        exclude=tuple(exclude or ()),
        kustomize_build_options=kustomize_build_options,
    )


def _trusted(path: Path) -> Path:
    if not path.is_dir():
        raise UsageError(f"--allow-outside {path}: not a folder")
    return path.absolute()


@contextmanager
def with_progress(options: RenderOptions) -> Iterator[RenderOptions]:
    """``options`` showing, on a terminal, a progress line while rendering."""
    # Checked before the console is made: Rich is imported only for a terminal.
    if not sys.stderr.isatty() or not _output.error_console.is_terminal:
        yield options
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn  # only on a terminal

    columns = (SpinnerColumn(), TextColumn("{task.description}"))
    with Progress(*columns, console=_output.error_console, transient=True) as display:
        task = display.add_task("rendering", total=None)
        done = 0

        def advance(app: RenderedApp) -> None:
            nonlocal done
            done += 1
            display.update(
                task, description=f"{done} rendered; last: {app.cluster} {app.kind}/{app.name}"
            )

        yield replace(options, progress=advance)


def render_at(
    folder: Path, revision: str | None, options: RenderOptions, *, cluster: str | None = None
) -> RenderedRepository:
    """The repository ``folder`` rendered, at ``revision`` when given, showing progress."""
    with with_progress(options) as shown:
        return render_repository(folder, shown, cluster=cluster, revision=revision)


def repository_folder(path: Path) -> Path:
    """``path``, when it is a folder: the render commands take a whole repository."""
    if not path.exists():
        raise UsageError(f"{path}: no such folder")
    if not path.is_dir():
        raise UsageError(f"{path} is a file: give the repository folder that holds it")
    return path
