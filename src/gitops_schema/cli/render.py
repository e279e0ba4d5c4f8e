"""``gitops-schema render``: the desired state of every cluster, as files or one stream."""

from __future__ import annotations

import json
import os
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from gitops_schema.cli._output import exit_code
from gitops_schema.cli._params import Exclude, MaxApplications
from gitops_schema.cli._render_options import (
    AllowNetwork,
    AllowOutside,
    ChartCache,
    Clusters,
    Entries,
    KustomizeBuildOptions,
    MemoryLimit,
    NoCache,
    Repos,
    ScmData,
    Timeout,
    render_at,
    render_options,
    repository_folder,
)
from gitops_schema.cli._replay import (
    OUTPUT_OPTION,
    RenderOutcome,
    inputs_snapshot,
    play,
    record,
)
from gitops_schema.compare.failures import told
from gitops_schema.desired import RenderedRepository, RenderOptions, repository_inputs
from gitops_schema.errors import UsageError
from gitops_schema.location import path_part
from gitops_schema.model import identities
from gitops_schema.render import DEFAULT_TIMEOUT, RenderCache, Snapshot, find_kustomize, text_key


class RenderFormat(StrEnum):
    """Output formats of ``render``."""

    YAML = "yaml"
    JSON = "json"


_UNSAFE_KIND = re.compile(r"[^A-Za-z0-9._]+")
"""A kind is joined to a name with "-": one with a "-" of its own could meet another's name."""


def output_files(
    rendered: RenderedRepository, fmt: RenderFormat, cache: RenderCache | None = None
) -> list[tuple[str, str]]:
    """Each object's file, ``<cluster>/<namespace>/<kind>-<name>.<ext>``, and its text."""
    suffix = "json" if fmt is RenderFormat.JSON else "yaml"
    texts = iter(_file_texts([m for app in rendered.apps for m in app.manifests], fmt, cache))
    files = []
    for app in rendered.apps:
        for key in identities(app.manifests):
            namespace = path_part(key.namespace) if key.namespace else "_cluster"
            kind = path_part(key.kind or "Object", unsafe=_UNSAFE_KIND)
            name = f"{path_part(app.cluster)}/{namespace}/{kind}-{path_part(key.name)}.{suffix}"
            files.append((name, next(texts)))
    return files


def _file_texts(
    manifests: list[dict[str, Any]], fmt: RenderFormat, cache: RenderCache | None
) -> list[str]:
    """Each manifest as the text of its own file.

    Printing YAML is most of the time of a render read back from the cache, so the texts
    are kept there too, under the objects they print: the same objects are not printed
    twice.
    """
    plain = [json.dumps(manifest, default=str) for manifest in manifests]
    key = text_key("render-files", fmt.value, yaml.__version__, *plain) if cache else None
    if key is not None and cache is not None:
        entry = cache.get(key, texts=list)
        if entry is not None and len(entry["texts"]) == len(plain):
            texts: list[str] = entry["texts"]
            if all(isinstance(text, str) for text in texts):
                return texts
    texts = [_dump_plain([json.loads(text)], fmt) for text in plain]
    if key is not None and cache is not None:
        cache.put(key, {"texts": texts})
    return texts


def _dump(manifests: list[dict[str, Any]], fmt: RenderFormat) -> str:
    return _dump_plain(json.loads(json.dumps(manifests, default=str)), fmt)


def _dump_plain(plain: list[Any], fmt: RenderFormat) -> str:
    if fmt is RenderFormat.JSON:
        return json.dumps(plain if len(plain) != 1 else plain[0], indent=2) + "\n"
    # libyaml's emitter: PyYAML's pure-Python one was most of a warm render's time.
    return yaml.dump_all(plain, Dumper=yaml.CSafeDumper, sort_keys=False)


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
        typer.Option(*OUTPUT_OPTION, help="Write one file per object under this folder."),
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
    allow_outside: AllowOutside = None,
    kustomize_build_options: KustomizeBuildOptions = None,
    max_applications: MaxApplications = 10_000,
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
        allow_outside=allow_outside,
        kustomize_build_options=kustomize_build_options,
        max_applications=max_applications,
    )
    # Taken before the render reads anything: what changes meanwhile is a later miss.
    snapshot = _snapshot(folder, revision, options)
    rendered = render_at(folder, revision, options, cluster=cluster)
    if cluster is not None and cluster not in rendered.clusters:
        _unknown_cluster(cluster, rendered)
    outcome = RenderOutcome(applications=len(rendered.apps))
    if not rendered.apps and not rendered.report:
        outcome.notes.append(
            f"nothing to render in {path}: no Argo CD Application or ApplicationSet, "
            "no Flux Kustomization or HelmRelease" + (f" on cluster {cluster!r}" if cluster else "")
        )
    if output is None:
        outcome.stdout = "".join(
            f"# cluster: {app.cluster}, {app.kind}: {app.name}\n"
            + ("---\n" + _dump(app.manifests, RenderFormat.YAML) if app.manifests else "")
            for app in rendered.apps
        )
    else:
        outcome.files = output_files(rendered, fmt, options.cache)
    # Engines name files by absolute path: told relative to the repository, as check's are.
    report = told(rendered.report, folder)
    outcome.diagnostics = [str(diagnostic) for diagnostic in report.sorted()]
    outcome.code = exit_code(report)
    if snapshot is not None and options.cache is not None and options.cache.problem() is None:
        record(output, snapshot, outcome)
    raise typer.Exit(play(outcome, output))


def _snapshot(folder: Path, revision: str | None, options: RenderOptions) -> Snapshot | None:
    """What the render of ``folder`` reads, when its output may be replayed.

    Not for a git revision, with the network or without the cache (see
    :mod:`gitops_schema.cli._replay`).
    """
    if revision is not None or options.revisions or options.allow_network or not options.cache:
        return None
    root = Path(os.path.normpath(folder))
    return inputs_snapshot(repository_inputs(root, options), find_kustomize().command[0])


def _unknown_cluster(cluster: str, rendered: RenderedRepository) -> None:
    """Refuse ``--cluster`` naming no cluster of the repository.

    Raises:
        UsageError: naming it and the clusters there are.
    """
    if not rendered.clusters and rendered.report:
        return  # Nothing could be read: the render's own diagnostics say why.
    known = ", ".join(repr(name) for name in sorted(rendered.clusters)) or "none"
    raise UsageError(f"--cluster {cluster!r}: no such cluster in the repository; clusters: {known}")
