"""A repository's render in the render cache.

The key of everything it reads, and the rendered repository written to and read back
from a cache entry.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gitops_schema import __version__
from gitops_schema.desired.types import RenderedApp, RenderedRepository, RenderOptions
from gitops_schema.diagnostics import Diagnostic, Severity
from gitops_schema.location import Location
from gitops_schema.model import Tool
from gitops_schema.render import HelmEngine, find_kustomize, text_key, tree_digest


def repository_key(
    root: Path,
    options: RenderOptions,
    cluster: str | None,
    *,
    shown: Path | None = None,
    tree: str | None = None,
) -> str:
    """Everything a repository's render reads: its files, the offline inputs, the engines.

    With this key a render of an unchanged repository is one read; when one file changed,
    each application still comes from its own cache entry unless it reads that file.
    ``root`` may be a temporary copy (a git revision's) of the folder ``shown``: the key is
    then that of the folder with the same files, so a revision whose files are those of the
    work tree (or of a revision rendered before) is read back, not rendered again.
    ``tree`` is the git id of ``root``'s files, hashed in their place (see
    :func:`revision_key`).
    """
    shown = shown or root
    settings = {
        "root": str(shown),
        "gitFolder": str(options.git_folder or shown),
        "cluster": cluster,
        "clusters": [str(p) for p in options.clusters],
        "repos": {url: str(p) for url, p in sorted(options.repos.items())},
        "chartCache": str(options.chart_cache) if options.chart_cache else None,
        "entries": [str(p) for p in options.entries],
        "scmData": [str(p) for p in options.scm_data],
        "pluginData": [str(p) for p in options.plugin_data],
        "exclude": list(options.exclude),
        # What ran past a bound is a finding; under other bounds it may render.
        "bounds": [options.bounds.timeout, options.bounds.memory, options.max_applications],
        "allowOutside": [str(p) for p in options.allow_outside],
        "kustomizeBuildOptions": options.kustomize_build_options,
    }
    return text_key(
        "repository",
        __version__,
        find_kustomize().version,
        HelmEngine().version,
        json.dumps(settings, sort_keys=True),
        _inputs_digest(root, options, shown, tree),
    )


def revision_key(root: Path, options: RenderOptions, cluster: str | None, tree: str) -> str:
    """The key under which the render of ``root``'s git tree ``tree`` is found.

    That entry names the :func:`repository_key` of the tree's copy, which is a function of
    the tree: a revision rendered before is read back without being copied out of git.
    """
    return text_key("revision", repository_key(root, options, cluster, tree=tree))


def _inputs_digest(root: Path, options: RenderOptions, shown: Path, tree: str | None) -> str:
    inputs = repository_inputs(root, options)
    if tree is None:
        return tree_digest(inputs, aliases={root: shown})
    return text_key(f"git tree {tree}", tree_digest(inputs[1:]))


def repository_inputs(root: Path, options: RenderOptions) -> list[Path]:
    """The files and folders a render of ``root`` reads: all of it and the offline inputs."""
    inputs = [
        root,
        *options.clusters,
        *options.repos.values(),
        *options.entries,
        *options.scm_data,
        *options.plugin_data,
        *options.allow_outside,
    ]
    if options.chart_cache is not None:
        inputs.append(options.chart_cache)
    return inputs


def stored(rendered: RenderedRepository) -> dict[str, Any]:
    """``rendered`` as a JSON-able cache entry."""
    return {
        "apps": [
            {
                "cluster": app.cluster,
                "name": app.name,
                "tool": app.tool.value,
                "kind": app.kind,
                "environment": app.environment,
                "location": _location_json(app.location),
                "manifests": app.manifests,
                "problems": [_diagnostic_json(d) for d in app.problems],
            }
            for app in rendered.apps
        ],
        "diagnostics": [_diagnostic_json(d) for d in rendered.report],
        "clusters": sorted(rendered.clusters),
    }


def restored(entry: Mapping[str, Any]) -> RenderedRepository:
    """The rendered repository a cache entry made by :func:`stored` holds."""
    rendered = RenderedRepository()
    for app in entry["apps"]:
        rendered.apps.append(
            RenderedApp(
                app["cluster"],
                app["name"],
                Tool(app["tool"]),
                app["kind"],
                app["environment"],
                _location(app["location"]),
                app["manifests"],
                [_diagnostic(d) for d in app["problems"]],
            )
        )
    rendered.report.extend(_diagnostic(d) for d in entry["diagnostics"])
    rendered.clusters.update(str(name) for name in entry["clusters"])
    return rendered


def _diagnostic_json(diagnostic: Diagnostic) -> list[Any]:
    where = _location_json(diagnostic.location)
    return [diagnostic.rule, diagnostic.severity.value, diagnostic.message, where]


def _diagnostic(data: list[Any]) -> Diagnostic:
    rule, severity, message, where = data
    return Diagnostic(rule, Severity(severity), message, _location(where))


def _location_json(where: Location) -> list[Any]:
    return [where.file, where.line, where.column, list(where.path), where.document]


def _location(data: list[Any]) -> Location:
    file, line, column, path, document = data
    return Location(file, line, column, tuple(path), document)
