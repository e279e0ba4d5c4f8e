"""``gitops-schema diff`` and ``envdiff``: what a change does, and how environments differ.

Each parses its options into one typed object (:class:`DiffOptions`,
:class:`EnvDiffOptions`), calls the library verb of the same name and prints its report.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from gitops_schema.cli import _render_options as rendering
from gitops_schema.cli._output import Exit
from gitops_schema.cli._params import Exclude, MaxApplications, format_option
from gitops_schema.compare import (
    DIFF_REPORTERS,
    ENVDIFF_REPORTERS,
    DiffOptions,
    EnvDiffOptions,
    diff,
    envdiff,
    render_text,
)
from gitops_schema.diagnostics import Diagnostic, Report
from gitops_schema.render import DEFAULT_TIMEOUT


def _report(*sides: tuple[str, Report]) -> None:
    """Each diagnostic once, labelled with the sides that have it.

    What both revisions say (a chart not cached on either side) is told once, as
    ``[HEAD~1, HEAD]``, before what only one of them says: the lines of a one-file change
    are not lost among two copies of the repository's standing findings.
    """
    labels: dict[Diagnostic, list[str]] = {}
    for label, report in sides:
        for diagnostic in report.sorted():
            labels.setdefault(diagnostic, []).append(label)
    for diagnostic, told in sorted(labels.items(), key=lambda item: -len(item[1])):
        sys.stderr.write(f"[{', '.join(dict.fromkeys(told))}] {diagnostic}\n")


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
    output: Annotated[str, format_option(DIFF_REPORTERS, "Report format.")] = "text",
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when something changed, as git diff does.")
    ] = False,
    clusters: rendering.Clusters = None,
    repo: rendering.Repos = None,
    chart_cache: rendering.ChartCache = None,
    allow_network: rendering.AllowNetwork = False,
    entry: rendering.Entries = None,
    no_cache: rendering.NoCache = False,
    scm_data: rendering.ScmData = None,
    exclude: Exclude = None,
    timeout: rendering.Timeout = DEFAULT_TIMEOUT,
    memory_limit: rendering.MemoryLimit = "1GiB",
    allow_outside: rendering.AllowOutside = None,
    kustomize_build_options: rendering.KustomizeBuildOptions = None,
    max_applications: MaxApplications = 10_000,
) -> None:
    """Render two revisions and show, per cluster and application, what changes.

    Exits 1 when an application could not be rendered on either side (or, with
    --exit-code, when something changed).
    """
    folder = rendering.repository_folder(path)
    render = rendering.render_options(
        *(clusters, repo, chart_cache, entry, no_cache, scm_data, exclude, allow_network, folder),
        timeout=timeout,
        memory_limit=memory_limit,
        allow_outside=allow_outside,
        kustomize_build_options=kustomize_build_options,
        max_applications=max_applications,
    )
    with rendering.with_progress(render) as shown:
        result = diff(folder, DiffOptions(from_revision, to_revision, cluster, shown))
    _report(*result.reports)
    if output == "text" and sys.stdout.isatty():
        sys.stdout.write(render_text(result.diff, color=True))
    else:
        sys.stdout.write(DIFF_REPORTERS[output](result.diff))
    failed = not result.ok or (exit_code and result.diff.changed)
    raise typer.Exit(Exit.FINDINGS if failed else Exit.OK)


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
    output: Annotated[str, format_option(ENVDIFF_REPORTERS, "Report format.")] = "text",
    revision: Annotated[
        str | None, typer.Option("--revision", "-r", help="Compare at this git revision.")
    ] = None,
    clusters: rendering.Clusters = None,
    repo: rendering.Repos = None,
    chart_cache: rendering.ChartCache = None,
    allow_network: rendering.AllowNetwork = False,
    entry: rendering.Entries = None,
    no_cache: rendering.NoCache = False,
    scm_data: rendering.ScmData = None,
    exclude: Exclude = None,
    timeout: rendering.Timeout = DEFAULT_TIMEOUT,
    memory_limit: rendering.MemoryLimit = "1GiB",
    allow_outside: rendering.AllowOutside = None,
    kustomize_build_options: rendering.KustomizeBuildOptions = None,
    max_applications: MaxApplications = 10_000,
) -> None:
    """Compare the rendered output of each application across its environments.

    Exits 1 when an application could not be rendered in an environment, 2 when --app
    names no application.
    """
    folder = rendering.repository_folder(path)
    render = rendering.render_options(
        *(clusters, repo, chart_cache, entry, no_cache, scm_data, exclude, allow_network, folder),
        timeout=timeout,
        memory_limit=memory_limit,
        allow_outside=allow_outside,
        kustomize_build_options=kustomize_build_options,
        max_applications=max_applications,
    )
    wanted = [e.strip() for e in envs.split(",") if e.strip()] if envs else None
    with rendering.with_progress(render) as shown:
        options = EnvDiffOptions(revision, app, wanted, tuple(expected or ()), shown)
        result = envdiff(folder, options)
    _report((revision or "work tree", result.report))
    sys.stdout.write(ENVDIFF_REPORTERS[output](result.diffs))
    raise typer.Exit(Exit.OK if result.ok else Exit.FINDINGS)
