"""``gitops-schema render``: the desired state of every cluster, as files or one stream."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from gitops_schema.cli._output import error_console, exit_code
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
from gitops_schema.desired import RenderedRepository
from gitops_schema.model import identities
from gitops_schema.render import DEFAULT_TIMEOUT, RenderCache, text_key


class RenderFormat(StrEnum):
    """Output formats of ``render``."""

    YAML = "yaml"
    JSON = "json"


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_UNSAFE_KIND = re.compile(r"[^A-Za-z0-9._]+")
"""A kind is joined to a name with "-": one with a "-" of its own could meet another's name."""
_MAX_PART = 100
"""Characters of a file or folder name taken from an object (file systems allow 255 bytes)."""


def path_part(text: str, *, unsafe: re.Pattern[str] = _UNSAFE) -> str:
    """One file or folder name for ``text`` (a cluster, namespace, kind or name), safe to join.

    Only letters, digits, ``.``, ``_`` and ``-`` are kept, a name never starts with a dot
    (so never ``.`` nor ``..``) nor with ``_`` (the mark of names made here) and is at most
    ~110 characters; when anything had to change, a hash of the original is added, so two
    different texts never give the same name.
    """
    safe = unsafe.sub("_", text)
    if safe.startswith((".", "_")):
        safe = "_" + safe
    if safe == text and 0 < len(safe) <= _MAX_PART:
        return safe
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{safe[:_MAX_PART]}-{digest}" if safe else f"_{digest}"


def write_tree(
    rendered: RenderedRepository,
    output: Path,
    fmt: RenderFormat,
    cache: RenderCache | None = None,
) -> int:
    """Write ``DIR/<cluster>/<namespace>/<kind>-<name>.<ext>``; the number of files."""
    count = 0
    suffix = "json" if fmt is RenderFormat.JSON else "yaml"
    texts = iter(_file_texts([m for app in rendered.apps for m in app.manifests], fmt, cache))
    for app in rendered.apps:
        for key in identities(app.manifests):
            folder = output / path_part(app.cluster)
            folder /= path_part(key.namespace) if key.namespace else "_cluster"
            folder.mkdir(parents=True, exist_ok=True)
            kind = path_part(key.kind or "Object", unsafe=_UNSAFE_KIND)
            name = f"{kind}-{path_part(key.name)}"
            path = folder / f"{name}.{suffix}"
            path.write_text(next(texts))
            count += 1
    return count


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
        count = write_tree(rendered, output, fmt, options.cache)
        error_console.print(
            f"{count} objects of {len(rendered.apps)} applications written to {output}"
        )
    for diagnostic in rendered.report.sorted():
        error_console.print(str(diagnostic), markup=False, highlight=False)
    raise typer.Exit(exit_code(rendered.report))
