"""``gitops-schema appset generate``: the Applications ApplicationSets generate, offline."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.table import Table

from gitops_schema.appset import Expansion, GenerateResult, OfflineInputs, generate
from gitops_schema.cli._output import console, error_console, exit_code, print_diagnostic
from gitops_schema.cli._params import MaxApplications, format_option, parse_repos
from gitops_schema.load.git import work_tree

app = typer.Typer(help="Expand Argo CD ApplicationSets offline.", no_args_is_help=True)


def _print_yaml(items: list[Any]) -> None:
    sys.stdout.write(yaml.safe_dump_all(_plain(items), sort_keys=False) if items else "")


def _print_json(items: list[Any]) -> None:
    sys.stdout.write(json.dumps(items, indent=2, default=str) + "\n")


def _print_table(applications: list[dict[str, Any]]) -> None:
    """The Applications per destination cluster: name, namespace, path or chart, revision."""
    table = Table("cluster", "application", "namespace", "source", "revision")
    for app in sorted(applications, key=lambda a: (_destination(a), a["metadata"].get("name", ""))):
        spec = app.get("spec") or {}
        source: dict[str, Any] = spec.get("source") or next(iter(spec.get("sources") or []), {})
        table.add_row(
            _destination(app),
            str(app["metadata"].get("name", "")),
            str((spec.get("destination") or {}).get("namespace", "")),
            str(source.get("path") or source.get("chart") or ""),
            str(source.get("targetRevision") or "HEAD"),
        )
    console.print(table)
    console.print(f"{len(applications)} Applications")


_FORMATS: dict[str, Callable[[list[Any]], None]] = {
    "yaml": _print_yaml,
    "json": _print_json,
    "table": _print_table,
}
"""The output formats of ``appset generate``: each prints the Applications generated."""


def _repos(values: list[str]) -> tuple[Path | None, dict[str, Path]]:
    found = parse_repos(values, revisions="appset generate reads repositories at --revision")
    return found.default, dict(found.folders)


@app.command("generate")
def generate_command(
    appsets: Annotated[list[Path], typer.Argument(help="ApplicationSet files or folders.")],
    clusters: Annotated[
        list[Path] | None,
        typer.Option(
            "--clusters",
            help="Cluster inventory: Argo CD cluster Secrets, a clusters list or a kubeconfig "
            "(file or folder; repeatable). Cluster Secrets among the APPSET paths count too.",
        ),
    ] = None,
    repo: Annotated[
        list[str] | None,
        typer.Option(
            "--repo",
            help="Local folder of the git repositories (PATH), or of one (URL=PATH); repeatable.",
        ),
    ] = None,
    revision: Annotated[
        str | None,
        typer.Option("--revision", "-r", help="Read the repositories at this git revision."),
    ] = None,
    decision_resources: Annotated[
        list[Path] | None,
        typer.Option(
            "--decision-resources",
            help="Duck-typed resources (and the ConfigMaps naming them) for "
            "clusterDecisionResource generators; repeatable.",
        ),
    ] = None,
    scm_data: Annotated[
        list[Path] | None,
        typer.Option(
            "--scm-data",
            help="Recorded pull-request and repository listings (JSON) for pullRequest and "
            "scmProvider generators; repeatable.",
        ),
    ] = None,
    plugin_data: Annotated[
        list[Path] | None,
        typer.Option(
            "--plugin-data",
            help="Recorded plugin replies, a JSON object by plugin ConfigMap name; repeatable.",
        ),
    ] = None,
    namespace: Annotated[str, typer.Option(help="The Argo CD namespace.")] = "argocd",
    new_globbing: Annotated[
        bool, typer.Option("--new-globbing", help="Argo CD's new git file globbing (doublestar).")
    ] = False,
    max_applications: MaxApplications = 10_000,
    params: Annotated[
        bool, typer.Option("--params", help="Print each generator's parameter sets instead.")
    ] = False,
    output: Annotated[str, format_option(_FORMATS, "Output format.")] = "yaml",
) -> None:
    """Print the Applications generated from ApplicationSets (or their parameters)."""
    default, mapped = _repos(repo or [])
    if default is None:
        # Like render and check: the repository given is the one its git generators read.
        default = _given_repository(appsets)
    inputs = OfflineInputs(
        clusters=tuple(clusters or ()),
        repo=default,
        repos=mapped,
        revision=revision,
        resources=tuple(decision_resources or ()),
        scm_data=tuple(scm_data or ()),
        plugin_data=tuple(plugin_data or ()),
        namespace=namespace,
        new_globbing=new_globbing,
        max_applications=max_applications,
    )
    result = generate(appsets, inputs)
    if params:
        # The parameter sets are data, never a table of Applications.
        _FORMATS["json" if output == "json" else "yaml"](_params(result))
    else:
        _FORMATS[output]([app for e in result.expansions for app in _applications(e)])
    for diagnostic in result.report.sorted():
        with_stderr(diagnostic)
    raise typer.Exit(exit_code(result.report))


def _applications(expansion: Expansion) -> list[dict[str, Any]]:
    return [generated.application for generated in expansion.applications]


def _params(result: GenerateResult) -> list[dict[str, Any]]:
    """Each ApplicationSet's parameter sets, per generator."""
    return [
        {
            "applicationSet": expansion.appset.name,
            "file": f"{expansion.appset.document.file}:{expansion.appset.location.line}",
            "generators": expansion.params,
        }
        for expansion in result.expansions
    ]


def _given_repository(paths: list[Path]) -> Path | None:
    """The git work tree holding the first folder given (or else the first file).

    Argo CD reads a git generator's paths from the repository's root, so a subfolder
    (``appset generate .`` in ``argocd/``) stands for its whole work tree; a folder
    outside git is the repository itself.
    """
    folders = [p for p in paths if p.is_dir()] + [p.parent for p in paths if p.is_file()]
    if not folders:
        return None
    return work_tree(folders[0]) or folders[0]


def _destination(app: dict[str, Any]) -> str:
    destination = (app.get("spec") or {}).get("destination") or {}
    return str(destination.get("server") or destination.get("name") or "")


def with_stderr(diagnostic: Any) -> None:
    """Diagnostics go to standard error so that standard output stays valid YAML/JSON."""
    error_console.print(str(diagnostic), markup=False, highlight=False)


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


__all__ = ["app", "print_diagnostic"]
