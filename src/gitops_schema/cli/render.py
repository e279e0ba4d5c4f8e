"""``gitops-schema render``: the desired state of every cluster, as files or one stream."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.progress import Progress, SpinnerColumn, TextColumn

from gitops_schema.cli._output import error_console, exit_code
from gitops_schema.cli._params import Exclude, parse_size
from gitops_schema.compare import identities
from gitops_schema.desired import (
    RenderedApp,
    RenderedRepository,
    RenderOptions,
    render_repository,
)
from gitops_schema.errors import UsageError
from gitops_schema.render import DEFAULT_TIMEOUT, Bounds, RenderCache
from gitops_schema.render.revision import materialized


class RenderFormat(StrEnum):
    """Output formats of ``render``."""

    YAML = "yaml"
    JSON = "json"


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
) -> RenderOptions:
    """Rendering options from the command line; ``folder`` is the repository given.

    Raises:
        UsageError: a bound that is not a positive time or size.
    """
    mapped, revisions = _sources(repos or [])
    try:
        bounds = Bounds(timeout=timeout, memory=parse_size(memory_limit))
    except ValueError as error:
        raise UsageError(f"--timeout and --memory-limit: {error}") from None
    return RenderOptions(
        bounds=bounds,
        clusters=tuple(clusters or ()),
        repos=mapped,
        revisions=revisions,
        git_folder=folder,
        chart_cache=chart_cache,
        allow_network=allow_network,
        cache=None if no_cache else RenderCache.default(),
        entries=tuple(entries or ()),
        scm_data=tuple(scm_data or ()),
        exclude=tuple(exclude or ()),
    )


@contextmanager
def with_progress(options: RenderOptions) -> Iterator[RenderOptions]:
    """``options`` showing, on a terminal, a progress line while rendering."""
    if not error_console.is_terminal:
        yield options
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"))
    with Progress(*columns, console=error_console, transient=True) as display:
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
    with materialized(folder, revision) as root, with_progress(options) as shown:
        return render_repository(root, shown, cluster=cluster)


def repository_folder(path: Path) -> Path:
    """``path``, when it is a folder: the render commands take a whole repository."""
    if not path.exists():
        raise UsageError(f"{path}: no such folder")
    if not path.is_dir():
        raise UsageError(f"{path} is a file: give the repository folder that holds it")
    return path


def _sources(values: list[str]) -> tuple[dict[str, Path], dict[str, str]]:
    """``--repo`` values: sources read from folders, and sources read at git revisions."""
    mapped: dict[str, Path] = {}
    revisions: dict[str, str] = {}
    for value in values:
        key, sep, path = value.rpartition("=")
        if not sep or not key:
            raise UsageError(
                f"--repo {value!r}: give URL=PATH or a Flux source as Kind/namespace/name=PATH"
            )
        if path.startswith("@") and len(path) > 1:
            revisions[key] = path[1:]
            continue
        if not Path(path).is_dir():
            raise UsageError(f"--repo {value!r}: {path} is not a folder")
        mapped[key] = Path(path)
    return mapped, revisions


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _part(text: str) -> str:
    return _UNSAFE.sub("_", text) or "_"


def write_tree(rendered: RenderedRepository, output: Path, fmt: RenderFormat) -> int:
    """Write ``DIR/<cluster>/<namespace>/<kind>-<name>.<ext>``; the number of files."""
    count = 0
    suffix = "json" if fmt is RenderFormat.JSON else "yaml"
    for app in rendered.apps:
        for key, manifest in zip(identities(app.manifests), app.manifests, strict=True):
            folder = output / _part(app.cluster) / _part(key.namespace or "_cluster")
            folder.mkdir(parents=True, exist_ok=True)
            name = f"{_part(key.kind or 'Object')}-{_part(key.name)}"
            path = folder / f"{name}.{suffix}"
            path.write_text(_dump([manifest], fmt))
            count += 1
    return count


def _dump(manifests: list[dict[str, Any]], fmt: RenderFormat) -> str:
    plain = json.loads(json.dumps(manifests, default=str))
    if fmt is RenderFormat.JSON:
        return json.dumps(plain if len(plain) != 1 else plain[0], indent=2) + "\n"
    return yaml.safe_dump_all(plain, sort_keys=False)


def render_command(
    path: Annotated[Path, typer.Argument(help="The repository folder to render.")],
    cluster: Annotated[
        str | None, typer.Option("--cluster", help="Render this cluster only.")
    ] = None,
    revision: Annotated[
        str | None, typer.Option("--revision", "-r", help="Render the folder at this git revision.")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write one file per object under this folder."),
    ] = None,
    fmt: Annotated[RenderFormat, typer.Option("--format", help="File format.")] = RenderFormat.YAML,
    clusters: Clusters = None,
    repo: Repos = None,
    chart_cache: ChartCache = None,
    allow_network: AllowNetwork = False,
    entry: Entries = None,
    no_cache: NoCache = False,
    scm_data: ScmData = None,
    exclude: Exclude = None,
    timeout: Timeout = DEFAULT_TIMEOUT,
    memory_limit: MemoryLimit = "1GiB",
) -> None:
    """Render the desired state of every cluster and application."""
    folder = repository_folder(path)
    options = render_options(
        clusters,
        repo,
        chart_cache,
        entry,
        no_cache,
        scm_data,
        exclude,
        allow_network,
        folder,
        timeout=timeout,
        memory_limit=memory_limit,
    )
    rendered = render_at(folder, revision, options, cluster=cluster)
    if not rendered.apps and not rendered.report:
        error_console.print(
            f"nothing to render in {path}: no Argo CD Application or ApplicationSet, "
            "no Flux Kustomization or HelmRelease" + (f" on cluster {cluster!r}" if cluster else "")
        )
    if output is None:
        for app in rendered.apps:
            sys.stdout.write(f"# cluster: {app.cluster}, {app.kind}: {app.name}\n")
            if app.manifests:
                sys.stdout.write("---\n" + _dump(app.manifests, RenderFormat.YAML))
    else:
        count = write_tree(rendered, output, fmt)
        error_console.print(
            f"{count} objects of {len(rendered.apps)} applications written to {output}"
        )
    for diagnostic in rendered.report.sorted():
        error_console.print(str(diagnostic), markup=False, highlight=False)
    raise typer.Exit(exit_code(rendered.report))
