"""``gitops-schema check``: schema validation and lint rules, as a report."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from gitops_schema.check import CheckOptions, check, resolve_config
from gitops_schema.check.report import REPORTERS, render_text
from gitops_schema.cli._params import (
    Exclude,
    MaxApplications,
    MaxFileSize,
    Revision,
    format_option,
    load_options,
    release,
)
from gitops_schema.cli._render_options import (
    AllowNetwork,
    AllowOutside,
    ChartCache,
    Entries,
    KustomizeBuildOptions,
    MemoryLimit,
    NoCache,
    Repos,
    Timeout,
    render_options,
)
from gitops_schema.diagnostics import Severity
from gitops_schema.errors import UsageError
from gitops_schema.inventory import STDIN
from gitops_schema.render import DEFAULT_TIMEOUT


class FailOn(StrEnum):
    """The lowest severity that makes ``check`` exit 1."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


def check_command(
    paths: Annotated[
        list[str], typer.Argument(help="Files and folders to check; '-' reads standard input.")
    ],
    revision: Revision = None,
    output: Annotated[str, format_option(REPORTERS, "Report format.")] = "text",
    output_file: Annotated[
        Path | None,
        typer.Option("--output-file", help="Write the report here instead of standard output."),
    ] = None,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Exit 1 when a finding is at least this severe.")
    ] = FailOn.ERROR,
    config_file: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="Configuration file (default: .gitops-schema.yaml at or above the first path).",
        ),
    ] = None,
    strict: Annotated[
        bool | None, typer.Option("--strict/--no-strict", help="Unknown fields are errors.")
    ] = None,
    kubernetes_version: Annotated[
        str | None,
        typer.Option("--kubernetes-version", help="Kubernetes release to validate against."),
    ] = None,
    flux_version: Annotated[
        str | None, typer.Option("--flux-version", help="Flux release for deprecations.")
    ] = None,
    argocd_version: Annotated[
        str | None, typer.Option("--argocd-version", help="Argo CD release for deprecations.")
    ] = None,
    clusters: Annotated[
        list[Path] | None,
        typer.Option(
            "--clusters",
            help="Cluster inventory to expand ApplicationSets against (cluster Secrets, a "
            "clusters list or a kubeconfig; repeatable), besides cluster Secrets in PATH.",
        ),
    ] = None,
    scm_data: Annotated[
        list[Path] | None,
        typer.Option(
            "--scm-data",
            help="Recorded pull-request and repository listings for pullRequest and "
            "scmProvider generators (repeatable).",
        ),
    ] = None,
    render: Annotated[
        bool,
        typer.Option(
            "--render",
            help="Also render the repository (one folder) with kustomize and Helm and check "
            "the rendered objects.",
        ),
    ] = False,
    repo: Repos = None,
    chart_cache: ChartCache = None,
    allow_network: AllowNetwork = False,
    entry: Entries = None,
    no_cache: NoCache = False,
    exclude: Exclude = None,
    max_file_size: MaxFileSize = "10MiB",
    timeout: Timeout = DEFAULT_TIMEOUT,
    memory_limit: MemoryLimit = "1GiB",
    allow_outside: AllowOutside = None,
    kustomize_build_options: KustomizeBuildOptions = None,
    max_applications: MaxApplications = 10_000,
) -> None:
    """Validate every object against its schema and run the lint rules."""
    # With one folder, a revision of another source is read from its git history.
    folder = Path(paths[0]) if len(paths) == 1 and paths[0] != STDIN else None
    rendering = (clusters, repo, chart_cache, entry, no_cache, scm_data, exclude, allow_network)
    options = CheckOptions(
        revision=revision,
        config=resolve_config(paths, config_file).with_overrides(
            strict=strict,
            kubernetes_version=kubernetes_version,
            flux_version=release("--flux-version", flux_version),
            argocd_version=release("--argocd-version", argocd_version),
        ),
        load=load_options(max_file_size, exclude),
        clusters=tuple(clusters or ()),
        scm_data=tuple(scm_data or ()),
        fetch_schemas=allow_network,
        render=render_options(
            *rendering,
            folder,
            timeout=timeout,
            memory_limit=memory_limit,
            allow_outside=allow_outside,
            kustomize_build_options=kustomize_build_options,
            max_applications=max_applications,
        )
        if render
        else None,
    )
    result = check(paths, options, stdin=sys.stdin.buffer.read() if STDIN in paths else None)
    color = output == "text" and output_file is None and sys.stdout.isatty()
    report = render_text(result, color=True) if color else REPORTERS[output](result)
    if output_file is None:
        sys.stdout.write(report)
    else:
        try:
            output_file.write_text(report, encoding="utf-8")
        except OSError as error:
            raise UsageError(
                f"--output-file {output_file}: cannot write: {error.strerror}"
            ) from None
    raise typer.Exit(1 if result.failed(Severity(fail_on.value)) else 0)
