"""The Flux walk: Kustomizations and HelmReleases rendered in waves, per cluster.

Each wave renders what the previous one produced; the ConfigMaps, Secrets and sources a
render produces are seen by the waves after it, as Flux applies them before what depends
on them. The ExternalArtifacts of ArtifactGenerators are made as each cluster's
source-watcher would.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any

from gitops_schema.desired.environments import DEFAULT_ENVIRONMENTS, environment_words
from gitops_schema.desired.flux_roots import flux_entries, foreign_sources
from gitops_schema.desired.types import RenderedApp
from gitops_schema.desired.walk import Walk, located, rendered_objects
from gitops_schema.location import Location
from gitops_schema.model import GitOpsObject, ObjectId, Tool, object_id
from gitops_schema.render import (
    ClusterArtifacts,
    FluxOptions,
    RenderResult,
    generators_beside,
    in_parallel,
    is_generator,
    render_flux_kustomizations,
    render_helm_release,
    source_id,
    source_keyed,
)

_FLUX_SOURCES = frozenset({"GitRepository", "OCIRepository", "Bucket", "ExternalArtifact"})
"""The kinds a Flux Kustomization or ArtifactGenerator reads a folder from."""
_FLUX_INPUTS = frozenset({"ConfigMap", "Secret", "HelmRepository", "OCIRepository"})
"""What a render may read besides its source: substitution and values sources, charts."""
_Wave = list[tuple[str, GitOpsObject, Location]]
"""The objects of one wave: cluster, object, location of its definition."""


def render_flux(walk: Walk, objects: Sequence[GitOpsObject], artifacts: ClusterArtifacts) -> None:
    """Render the Flux trees of ``objects`` (and all they lead to) into ``walk``."""
    report = walk.report
    config = [dict(o.document.data) for o in objects if o.kind in _FLUX_INPUTS]
    folders = flux_source_folders(walk.options.repos, [dict(o.document.data) for o in objects])
    sources = _SourceIndex(objects)
    entries = flux_entries(walk, objects)
    foreign = foreign_sources(objects)
    for cluster, generators in generators_beside(entries, objects).items():
        if walk.keep(cluster):
            report.extend(artifacts.add(cluster, generators, folders))
    pending: _Wave = [(cluster, obj, obj.location) for cluster, obj in entries]
    while pending:
        wave = [
            (cluster, obj, where)
            for cluster, obj, where in pending
            if walk.keep(cluster) and walk.first_visit(cluster, object_id(obj), where)
        ]
        # Every render of a wave sees the ConfigMaps and Secrets known when it starts.
        results = _render_wave(walk, tuple(config), dict(folders), artifacts, wave, foreign)
        pending = []
        for (cluster, obj, where), result in zip(wave, results, strict=True):
            _keep(walk, cluster, obj, where, result)
            children = rendered_objects(
                result,
                f"<rendered by {obj.kind} {obj.name}>",
                {"Kustomization", "HelmRelease", "ArtifactGenerator"},
            )
            config.extend(m for m in result.manifests if m.get("kind") in _FLUX_INPUTS)
            folders.update(flux_source_folders(walk.options.repos, result.manifests))
            made = [(c, sources.locate(c, where)) for c in children if is_generator(c)]
            report.extend(artifacts.add(cluster, made, folders))
            pending.extend(
                (cluster, c, sources.locate(c, where))
                for c in children
                if c.tool is Tool.FLUX and c.kind in ("Kustomization", "HelmRelease")
            )


def _keep(
    walk: Walk, cluster: str, obj: GitOpsObject, where: Location, result: RenderResult
) -> None:
    """Add a rendered Kustomization or HelmRelease, and its diagnostics, to the walk."""
    problems = located(result.report, where)
    if obj.location.file.startswith("<"):
        # Rendered, not written: its diagnostics say which object they are about.
        problems = [replace(d, message=f"{obj.kind} {obj.name}: {d.message}") for d in problems]
    walk.report.extend(problems)
    environment = environment_words(obj.name, DEFAULT_ENVIRONMENTS)
    walk.add(
        RenderedApp(
            cluster, obj.name, Tool.FLUX, obj.kind, environment, where, result.manifests, problems
        )
    )


class _SourceIndex:
    """Where in the repository a rendered object was written, found by kind and name.

    kustomize keeps no positions, so an object a render produced is traced back to the
    repository object of the same kind and name (its namespace may have been changed by
    the render); when that is ambiguous, to the object that rendered it.
    """

    def __init__(self, objects: Sequence[GitOpsObject]) -> None:
        self._by_name: dict[ObjectId, list[GitOpsObject]] = {}
        for obj in objects:
            self._by_name.setdefault(_unplaced(obj), []).append(obj)

    def locate(self, rendered: GitOpsObject, parent: Location) -> Location:
        """The location of ``rendered``'s definition, else ``parent``.

        Of several objects of its kind and name, a patch is not its definition, one in
        another namespace neither, and of those left (one per cluster folder:
        ``clusters/staging/apps.yaml``, ``clusters/production/apps.yaml``) the one nearest
        the object that rendered it is.
        """
        found = self._by_name.get(_unplaced(rendered), [])
        if len(found) > 1:
            found = [o for o in found if not o.is_patch] or found
        if len(found) > 1:
            found = [o for o in found if o.namespace == rendered.namespace]
        if len(found) > 1:
            shared = [_shared_folders(o.location.file, parent.file) for o in found]
            found = [o for o, n in zip(found, shared, strict=True) if n == max(shared)]
        return found[0].location if len(found) == 1 else parent


def _shared_folders(file: str, other: str) -> int:
    """How many leading folders two files' paths share."""
    shared = 0
    folders = zip(PurePosixPath(file).parts[:-1], PurePosixPath(other).parts[:-1], strict=False)
    for mine, theirs in folders:
        if mine != theirs:
            break
        shared += 1
    return shared


def _unplaced(obj: GitOpsObject) -> ObjectId:
    """The identity of ``obj`` in any namespace."""
    return object_id(obj)._replace(namespace="")


def flux_source_folders(
    repos: Mapping[str, Path], objects: Iterable[Mapping[str, Any]]
) -> dict[ObjectId, Path]:
    """Flux source -> folder: as given (``Kind/namespace/name``), or by the source's URL."""
    folders = {key: path for key, path in source_keyed(repos).items() if key.kind in _FLUX_SOURCES}
    for obj in objects:
        kind, spec, metadata = obj.get("kind"), obj.get("spec"), obj.get("metadata")
        # Any object comes here, typed or not: a spec or metadata of the wrong shape is none.
        url = spec.get("url") if isinstance(spec, Mapping) else None
        if kind in _FLUX_SOURCES and isinstance(url, str) and url in repos:
            metadata = metadata if isinstance(metadata, Mapping) else {}
            name = str(metadata.get("name") or "")
            folders[source_id(kind, metadata.get("namespace") or "default", name)] = repos[url]
    return folders


def _render_wave(
    walk: Walk,
    config: Sequence[Mapping[str, Any]],
    folders: Mapping[ObjectId, Path],
    artifacts: ClusterArtifacts,
    wave: _Wave,
    foreign: frozenset[ObjectId],
) -> list[RenderResult]:
    """The results of a wave's objects, in order.

    The Kustomizations of a cluster are built together (sharing kustomize runs; each
    cluster has its own ExternalArtifacts), releases rendered on a thread per core.
    """
    options = walk.options
    results: dict[int, RenderResult] = {}
    for cluster in dict.fromkeys(cluster for cluster, _, _ in wave):
        indices = [
            i for i, (c, obj, _) in enumerate(wave) if c == cluster and obj.kind != "HelmRelease"
        ]
        built = render_flux_kustomizations(
            [wave[i][1] for i in indices],
            repository=walk.root,
            sources=artifacts.sources(cluster, folders),
            objects=config,
            options=FluxOptions(
                allow_network=options.allow_network,
                allow_outside=options.allow_outside,
                foreign=foreign,
            ),
            cache=options.cache,
        )
        results.update(zip(indices, built, strict=True))
    releases = [i for i, (_, obj, _) in enumerate(wave) if obj.kind == "HelmRelease"]
    rendered = in_parallel(
        lambda entry: render_helm_release(
            entry[1],
            repository=walk.root,
            sources=artifacts.sources(entry[0], folders),
            objects=config,
            chart_cache=options.chart_cache,
            allow_network=options.allow_network,
            cache=options.cache,
            allow_outside=options.allow_outside,
        ),
        [wave[i] for i in releases],
    )
    results.update(zip(releases, rendered, strict=True))
    return [results[i] for i in range(len(wave))]
