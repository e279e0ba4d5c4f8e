"""``gitops-schema record import|cluster|git``: fill the history store.

From files, a cluster's API or a git repository; webhooks fill it through ``serve``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gitops_schema.cli._db import Db, open_store
from gitops_schema.cli._output import Exit, error_console, print_error
from gitops_schema.cli._params import ClusterNames, parse_cluster_names
from gitops_schema.errors import UsageError

app = typer.Typer(help="Record history into the store.", no_args_is_help=True)

Cluster = Annotated[
    str | None,
    typer.Option(
        "--cluster",
        help="Name of the cluster Flux events and objects come from (Argo CD Applications "
        "name their destination themselves).",
    ),
]


def _report(problems: list[str], counts: dict[str, int]) -> None:
    for problem in problems:
        print_error(problem)
    shown = ", ".join(f"{value} {name.replace('_', ' ')}" for name, value in counts.items())
    typer.echo(shown)
    if problems:
        raise typer.Exit(Exit.FINDINGS)


@app.command("import")
def import_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="kubectl -o json/yaml exports, JSON lines or JSON arrays of webhook bodies."
        ),
    ],
    db: Db = None,
    cluster: Cluster = None,
    cluster_name: ClusterNames = None,
) -> None:
    """Record Applications, Kustomizations, HelmReleases, webhook bodies, Flux events.

    Every unreadable part of the files is named (file:line); the rest is recorded.
    """
    from gitops_schema.store.ingest import ingest
    from gitops_schema.store.records import Origin
    from gitops_schema.store.sources.files import read_files

    missing = [path for path in files if not path.exists()]
    if missing:
        # Nothing is recorded from a command line naming a file that is not there.
        raise UsageError(f"{missing[0]}: no such file")
    found = read_files(
        files, cluster=cluster or "in-cluster", cluster_names=parse_cluster_names(cluster_name)
    )
    engine = open_store(db)
    counts = ingest(engine, found.observations, origin=Origin.IMPORT)
    engine.dispose()
    _report(found.problems, counts.to_dict())


@app.command("cluster")
def cluster_command(
    db: Db = None,
    kubeconfig: Annotated[
        Path | None, typer.Option("--kubeconfig", help="Kubeconfig file (default: $KUBECONFIG).")
    ] = None,
    context: Annotated[
        str | None, typer.Option("--context", help="Context to use (default: the current one).")
    ] = None,
    cluster: Cluster = None,
    cluster_name: ClusterNames = None,
) -> None:
    """Poll a cluster's Applications, Kustomizations and HelmReleases once."""
    from gitops_schema.store.ingest import ingest
    from gitops_schema.store.records import Origin
    from gitops_schema.store.sources.cluster import poll

    names = parse_cluster_names(cluster_name)
    polled = poll(kubeconfig, context, cluster=cluster, cluster_names=names)
    engine = open_store(db)
    counts = ingest(engine, polled.observations, origin=Origin.POLL)
    engine.dispose()
    error_console.print(f"cluster {polled.cluster}: {len(polled.observations)} objects")
    for kind in polled.not_served:
        error_console.print(f"{kind}: not served by the cluster (no CRD), skipped")
    _report(polled.problems, counts.to_dict())


@app.command("git")
def git_command(
    repo: Annotated[Path, typer.Argument(help="A folder inside the git repository.")],
    db: Db = None,
    revision: Annotated[
        str | None,
        typer.Option("--revision", "-r", help="Only commits reachable from this revision."),
    ] = None,
) -> None:
    """Record the commits and the config revisions of every GitOps object of a repository."""
    from gitops_schema.store.git_rows import ingest_git
    from gitops_schema.store.sources.git import read_history

    history = read_history(repo, revision)
    engine = open_store(db)
    new_commits, new_revisions = ingest_git(engine, history)
    engine.dispose()
    _report(
        history.problems,
        {
            "commits": len(history.commits),
            "new_commits": new_commits,
            "config_revisions": len(history.revisions),
            "new_config_revisions": new_revisions,
        },
    )
