"""DESIRED: the desired state of every cluster of a repository, rendered.

Above both :mod:`gitops_schema.appset` and :mod:`gitops_schema.render`: it expands
ApplicationSets to find Applications and renders each with its engine.

Argo CD: the Applications written in the repository and those its ApplicationSets
generate, each placed on the cluster its destination names (through the cluster
inventory), rendered with its source; Applications and ApplicationSets that an
Application renders are followed (app-of-apps). Flux: the Kustomizations under
``clusters/<name>/`` (or ``--entry`` files), rendered, and the Kustomizations and
HelmReleases they produce, followed in turn. A cycle is reported, not followed.

Rendering goes in waves: the entry points first, then what they rendered, and so on.
The renders of one wave run in parallel (the engines are separate processes or release
the GIL), and their results are taken in the order of the wave, so the output does not
depend on which finished first.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from gitops_schema import __version__
from gitops_schema.appset import OfflineInputs, expand_objects
from gitops_schema.appset.inventory import load_clusters, secret_value
from gitops_schema.diagnostics import Diagnostic, Report, Severity
from gitops_schema.errors import LoadError
from gitops_schema.load import Document, LoadOptions, from_plain, load_paths
from gitops_schema.location import Location
from gitops_schema.model import GitOpsObject, Tool, parse_documents
from gitops_schema.render.argocd import kustomize_folders, render_application
from gitops_schema.render.artifacts import ClusterArtifacts, generators_beside, is_generator
from gitops_schema.render.cache import RenderCache, text_key, tree_digest
from gitops_schema.render.engines import HelmEngine, find_kustomize
from gitops_schema.render.flux import FluxOptions, render_flux_kustomizations
from gitops_schema.render.flux_helm import render_helm_release
from gitops_schema.render.kustomize import RenderResult, prebuild_kustomizations
from gitops_schema.render.revision import materialized
from gitops_schema.render.scratch import scratch_folder

_T = TypeVar("_T")
_R = TypeVar("_R")

IN_CLUSTER = "https://kubernetes.default.svc"
DEFAULT_ENVIRONMENTS = ("dev", "test", "qa", "staging", "prod", "production")
"""Environment words looked for in application names, in promotion order."""
FLUX_KUSTOMIZE = "kustomize.toolkit.fluxcd.io"
FLUX_HELM = "helm.toolkit.fluxcd.io"


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """Offline inputs and engine settings for rendering a repository."""

    clusters: Sequence[Path] = ()
    """Cluster inventories (cluster Secrets, a clusters list, kubeconfigs)."""
    repos: Mapping[str, Path] = field(default_factory=dict)
    """Repository URL, or Flux source ``Kind/namespace/name``, -> local folder, for
    sources outside the rendered repository."""
    revisions: Mapping[str, str] = field(default_factory=dict)
    """Repository URL, or Flux source ``Kind/namespace/name``, -> a git revision: that
    source is the rendered repository's folder as of the revision (another branch)."""
    git_folder: Path | None = None
    """The folder whose git history ``revisions`` are read from; the rendered folder when
    None (which a render of a revision is not: it is a copy)."""
    chart_cache: Path | None = None
    allow_network: bool = False
    """Download Helm and OCI repository charts missing from ``chart_cache`` into it."""
    cache: RenderCache | None = None
    entries: Sequence[Path] = ()
    """Flux entry files; by default the Kustomizations under ``clusters/<name>/``."""
    scm_data: Sequence[Path] = ()
    plugin_data: Sequence[Path] = ()
    exclude: tuple[str, ...] = ()
    """Glob patterns of files and folders not to read (as ``--exclude``)."""
    progress: Callable[[RenderedApp], None] | None = field(default=None, compare=False)
    """Called with each application as soon as it is rendered (for a progress display)."""


@dataclass(slots=True)
class RenderedApp:
    """One Argo CD Application, Flux Kustomization or HelmRelease, rendered."""

    cluster: str
    name: str
    tool: Tool
    kind: str
    environment: str | None
    location: Location
    manifests: list[dict[str, Any]]


@dataclass(slots=True)
class RenderedRepository:
    """Every rendered application, and the diagnostics of rendering them."""

    apps: list[RenderedApp] = field(default_factory=list)
    report: Report = field(default_factory=Report)

    def by_cluster(self) -> dict[str, dict[str, list[dict[str, Any]]]]:
        """Map cluster -> application name -> its manifests (the shape diffs compare)."""
        clusters: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for app in self.apps:
            clusters.setdefault(app.cluster, {})[f"{app.kind}/{app.name}"] = app.manifests
        return clusters


def _objects(paths: Iterable[Path], exclude: tuple[str, ...], report: Report) -> list[GitOpsObject]:
    loaded = load_paths(list(paths), options=LoadOptions(exclude=exclude))
    report.extend(loaded.report)
    parsed = parse_documents(loaded.documents)
    return parsed.objects


def _rendered_objects(result: RenderResult, origin: str, kinds: Set[str]) -> list[GitOpsObject]:
    """The rendered objects of ``kinds``, typed; the others are not read again."""
    documents = [
        Document(origin, index, from_plain(manifest), (0, 0))
        for index, manifest in enumerate(result.manifests)
        if manifest.get("kind") in kinds
    ]
    return parse_documents(documents).objects if documents else []


class _Renderer:
    def __init__(self, root: Path, options: RenderOptions, only: str | None) -> None:
        self.root = root
        self.options = options
        self.only = only
        self.result = RenderedRepository()
        self.seen: dict[tuple[str, str, str | None, str], Location] = {}

    def add(self, app: RenderedApp) -> None:
        """Keep a rendered application, and say so to whoever follows the progress."""
        self.result.apps.append(app)
        if self.options.progress is not None:
            self.options.progress(app)

    def note(self, rule: str, message: str, where: Location) -> None:
        self.result.report.add(Diagnostic(rule, Severity.ERROR, message, where))

    def first_visit(
        self, cluster: str, kind: str, namespace: str | None, name: str, where: Location
    ) -> bool:
        """Whether this object is new on the cluster; a second definition is reported.

        Two definitions of one object on a cluster fight over it in the real
        controller, so only the first is rendered.
        """
        key = (cluster, kind, namespace, name)
        first = self.seen.get(key)
        if first == where:
            # The same definition reached again, as a Flux bootstrap Kustomization reaches
            # itself and its siblings: one object, applied once.
            return False
        if first is not None:
            self.note(
                "render-duplicate",
                f"{kind} {name!r} on cluster {cluster!r} is already defined at {first}; "
                "this definition is not rendered",
                where,
            )
            return False
        self.seen[key] = where
        return True

    def keep(self, cluster: str) -> bool:
        return self.only is None or cluster == self.only


def _environment_words(name: str, environments: Iterable[str]) -> str | None:
    words = set(name.lower().replace("_", "-").split("-"))
    return next((e for e in environments if e.lower() in words), None)


# -- Argo CD ---------------------------------------------------------------------------


def _inventory(
    objects: Sequence[GitOpsObject], options: RenderOptions, report: Report
) -> list[dict[str, Any]]:
    secrets = [
        dict(o.document.data) for o in objects if o.kind == "Secret" and o.tool is Tool.ARGOCD
    ]
    if options.clusters:
        found, problems = load_clusters(options.clusters)
        secrets.extend(found)
        report.extend(problems)
    return secrets


def _cluster_of(
    app: Mapping[str, Any], clusters: Sequence[Mapping[str, Any]]
) -> tuple[str, str | None]:
    destination = (app.get("spec") or {}).get("destination") or {}
    name, server = destination.get("name"), destination.get("server")
    for secret in clusters:
        labels = (secret.get("metadata") or {}).get("labels") or {}
        if (name and secret_value(secret, "name") == name) or (
            server and secret_value(secret, "server") == server
        ):
            return str(secret_value(secret, "name") or name or server), labels.get("environment")
    if server == IN_CLUSTER or name == "in-cluster":
        return "in-cluster", None
    return str(name or server or "in-cluster"), None


def _render_argocd(renderer: _Renderer, objects: Sequence[GitOpsObject]) -> None:
    options, root, report = renderer.options, renderer.root, renderer.result.report
    clusters = _inventory(objects, options, report)
    inputs = OfflineInputs(
        clusters=tuple(options.clusters),
        repo=root,
        scm_data=tuple(options.scm_data),
        plugin_data=tuple(options.plugin_data),
    )
    pending: list[tuple[dict[str, Any], Location]] = [
        (dict(o.document.data), o.location)
        for o in objects
        if o.kind == "Application" and o.tool is Tool.ARGOCD and not o.is_patch
    ]
    expanded = expand_objects(objects, inputs)
    report.extend(expanded.report)
    for expansion in expanded.expansions:
        pending.extend((g.application, expansion.appset.location) for g in expansion.applications)
    while pending:
        wave: list[tuple[dict[str, Any], Location, str, str | None, str]] = []
        for app, where in pending:
            name = str((app.get("metadata") or {}).get("name", ""))
            cluster, environment = _cluster_of(app, clusters)
            if renderer.keep(cluster) and renderer.first_visit(
                cluster, "Application", None, name, where
            ):
                wave.append((app, where, cluster, environment, name))
        if options.cache is not None:
            # Folders built as they are share kustomize runs ahead; the renders read them
            # from the cache.
            prebuild_kustomizations(
                [
                    folder
                    for app, *_ in wave
                    for folder in kustomize_folders(app, repository=root, repos=options.repos)
                ],
                cache=options.cache,
            )
        results = _in_parallel(
            lambda item: render_application(
                item[0],
                repository=root,
                repos=options.repos,
                chart_cache=options.chart_cache,
                allow_network=options.allow_network,
                cache=options.cache,
                location=item[1],
            ),
            wave,
        )
        pending = []
        for (_, where, cluster, environment, name), result in zip(wave, results, strict=True):
            report.extend(_located(result.report, where))
            renderer.add(
                RenderedApp(
                    cluster, name, Tool.ARGOCD, "Application", environment, where, result.manifests
                )
            )
            # App-of-apps: what an Application renders may be more Applications.
            children = _rendered_objects(
                result, f"<Application {name}>", {"Application", "ApplicationSet"}
            )
            pending.extend(
                (dict(c.document.data), where) for c in children if c.kind == "Application"
            )
            nested = [c for c in children if c.kind == "ApplicationSet"]
            if nested:
                more = expand_objects(nested, inputs)
                report.extend(more.report)
                for expansion in more.expansions:
                    pending.extend((g.application, where) for g in expansion.applications)


def _in_parallel(render: Callable[[_T], _R], items: Sequence[_T]) -> list[_R]:
    """``render`` of every item, run on a thread per core, in the order of ``items``."""
    if len(items) < 2:
        return [render(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(len(items), os.cpu_count() or 1)) as pool:
        return list(pool.map(render, items))


def _located(report: Report, where: Location) -> list[Diagnostic]:
    """Diagnostics of a render, placed at the declaring object when they have no file."""
    placed = []
    for diagnostic in report:
        if diagnostic.location.file and not diagnostic.location.file.startswith("<"):
            placed.append(diagnostic)
        else:
            placed.append(
                Diagnostic(diagnostic.rule, diagnostic.severity, diagnostic.message, where)
            )
    return placed


# -- Flux ------------------------------------------------------------------------------


def _flux_entries(
    renderer: _Renderer, objects: Sequence[GitOpsObject]
) -> list[tuple[str, GitOpsObject]]:
    flux = [
        o for o in objects if o.tool is Tool.FLUX and o.kind in ("Kustomization", "HelmRelease")
    ]
    if renderer.options.entries:
        wanted = {str(p) for p in renderer.options.entries}
        return [
            (PurePosixPath(o.document.file).parent.name or "default", o)
            for o in flux
            if o.document.file in wanted
        ]
    root = str(renderer.root).rstrip("/") + "/clusters/"
    by_cluster: dict[str, list[GitOpsObject]] = {}
    for obj in flux:
        if obj.document.file.startswith(root):
            cluster = obj.document.file[len(root) :].split("/", 1)[0]
            by_cluster.setdefault(cluster, []).append(obj)
    if by_cluster:
        return [
            (cluster, obj)
            for cluster, found in by_cluster.items()
            for obj in _tree_roots(renderer.root, found)
        ]
    return [("default", o) for o in _tree_roots(renderer.root, flux)]


def _tree_roots(root: Path, flux: Sequence[GitOpsObject]) -> list[GitOpsObject]:
    """The Flux objects no Kustomization of the repository reaches: the tops of its trees.

    An object in a folder under another Kustomization's ``spec.path`` is rendered as that
    Kustomization's child, so starting from it as well would render it twice.
    """
    covered: list[tuple[PurePosixPath, GitOpsObject]] = []
    for obj in flux:
        spec = obj.document.data.get("spec") if obj.kind == "Kustomization" else None
        path = spec.get("path") if isinstance(spec, Mapping) else None
        if isinstance(path, str):
            covered.append((_repository_path(root, path), obj))
    roots = []
    for obj in flux:
        folder = f"{PurePosixPath(obj.document.file).parent}/"
        if not any(parent is not obj and folder.startswith(f"{path}/") for path, parent in covered):
            roots.append(obj)
    return roots


def _repository_path(root: Path, path: str) -> PurePosixPath:
    # As Flux joins a path to its source: "..", "." and a leading "/" stay inside the root.
    parts: list[str] = []
    for part in PurePosixPath(path).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("/", "."):
            parts.append(part)
    return PurePosixPath(root, *parts)


_FLUX_INPUTS = frozenset({"ConfigMap", "Secret", "HelmRepository", "OCIRepository"})
"""What a render may read besides its source: substitution and values sources, charts."""


def _render_flux(
    renderer: _Renderer, objects: Sequence[GitOpsObject], artifacts: ClusterArtifacts
) -> None:
    report = renderer.result.report
    config = [dict(o.document.data) for o in objects if o.kind in _FLUX_INPUTS]
    folders = _flux_source_folders(renderer.options.repos, [dict(o.document.data) for o in objects])
    sources = _SourceIndex(objects)
    entries = _flux_entries(renderer, objects)
    for cluster, generators in generators_beside(entries, objects).items():
        if renderer.keep(cluster):
            report.extend(artifacts.add(cluster, generators, folders))
    pending = [(cluster, obj, obj.location) for cluster, obj in entries]
    while pending:
        wave = [
            (cluster, obj, where)
            for cluster, obj, where in pending
            if renderer.keep(cluster)
            and renderer.first_visit(cluster, obj.kind, obj.namespace, obj.name, where)
        ]
        # Every render of a wave sees the ConfigMaps and Secrets known when it starts.
        results = _render_flux_wave(renderer, tuple(config), dict(folders), artifacts, wave)
        pending = []
        for (cluster, obj, where), result in zip(wave, results, strict=True):
            if obj.location.file.startswith("<"):
                # Rendered, not written: its diagnostics say which object they are about.
                report.extend(
                    replace(d, message=f"{obj.kind} {obj.name}: {d.message}")
                    for d in _located(result.report, where)
                )
            else:
                report.extend(_located(result.report, where))
            environment = _environment_words(obj.name, DEFAULT_ENVIRONMENTS)
            renderer.add(
                RenderedApp(
                    cluster, obj.name, Tool.FLUX, obj.kind, environment, where, result.manifests
                )
            )
            children = _rendered_objects(
                result,
                f"<rendered by {obj.kind} {obj.name}>",
                {"Kustomization", "HelmRelease", "ArtifactGenerator"},
            )
            config.extend(m for m in result.manifests if m.get("kind") in _FLUX_INPUTS)
            folders.update(_flux_source_folders(renderer.options.repos, result.manifests))
            made = [(c, sources.locate(c, where)) for c in children if is_generator(c)]
            report.extend(artifacts.add(cluster, made, folders))
            pending.extend(
                (cluster, c, sources.locate(c, where))
                for c in children
                if c.tool is Tool.FLUX and c.kind in ("Kustomization", "HelmRelease")
            )


class _SourceIndex:
    """Where in the repository a rendered object was written, found by kind and name.

    kustomize keeps no positions, so an object a render produced is traced back to the
    repository object of the same kind and name (its namespace may have been changed by
    the render); when that is ambiguous, to the object that rendered it.
    """

    def __init__(self, objects: Sequence[GitOpsObject]) -> None:
        self._by_name: dict[tuple[str, str], list[GitOpsObject]] = {}
        for obj in objects:
            self._by_name.setdefault((obj.kind, obj.name), []).append(obj)

    def locate(self, rendered: GitOpsObject, parent: Location) -> Location:
        """The location of ``rendered``'s definition, else ``parent``."""
        found = self._by_name.get((rendered.kind, rendered.name), [])
        if len(found) > 1:
            found = [o for o in found if o.namespace == rendered.namespace]
        return found[0].location if len(found) == 1 else parent


def _flux_source_folders(
    repos: Mapping[str, Path], objects: Iterable[Mapping[str, Any]]
) -> dict[str, Path]:
    """Flux source ``Kind/namespace/name`` -> folder: as given, or by the source's URL."""
    folders = {key: path for key, path in repos.items() if _is_source_key(key)}
    for obj in objects:
        kind = obj.get("kind")
        url = (obj.get("spec") or {}).get("url")
        if kind in FLUX_SOURCES and isinstance(url, str) and url in repos:
            metadata = obj.get("metadata") or {}
            key = f"{kind}/{metadata.get('namespace') or 'default'}/{metadata.get('name')}"
            folders[key] = repos[url]
    return folders


FLUX_SOURCES = frozenset({"GitRepository", "OCIRepository", "Bucket", "ExternalArtifact"})


def _is_source_key(key: str) -> bool:
    return "://" not in key and key.count("/") == 2 and key.split("/")[0] in FLUX_SOURCES


def _render_flux_wave(
    renderer: _Renderer,
    config: Sequence[Mapping[str, Any]],
    folders: Mapping[str, Path],
    artifacts: ClusterArtifacts,
    wave: Sequence[tuple[str, GitOpsObject, Location]],
) -> list[RenderResult]:
    """The results of a wave's objects, in order.

    The Kustomizations of a cluster are built together (sharing kustomize runs; each
    cluster has its own ExternalArtifacts), releases rendered on a thread per core.
    """
    results: dict[int, RenderResult] = {}
    for cluster in dict.fromkeys(cluster for cluster, _, _ in wave):
        indices = [
            i for i, (c, obj, _) in enumerate(wave) if c == cluster and obj.kind != "HelmRelease"
        ]
        built = render_flux_kustomizations(
            [wave[i][1] for i in indices],
            repository=renderer.root,
            sources=artifacts.sources(cluster, folders),
            objects=config,
            options=FluxOptions(allow_network=renderer.options.allow_network),
            cache=renderer.options.cache,
        )
        results.update(zip(indices, built, strict=True))
    releases = [i for i, (_, obj, _) in enumerate(wave) if obj.kind == "HelmRelease"]
    rendered = _in_parallel(
        lambda entry: render_helm_release(
            entry[1],
            repository=renderer.root,
            sources=artifacts.sources(entry[0], folders),
            objects=config,
            chart_cache=renderer.options.chart_cache,
            allow_network=renderer.options.allow_network,
            cache=renderer.options.cache,
        ),
        [wave[i] for i in releases],
    )
    results.update(zip(releases, rendered, strict=True))
    return [results[i] for i in range(len(wave))]


def render_repository(
    root: Path, options: RenderOptions | None = None, *, cluster: str | None = None
) -> RenderedRepository:
    """Render every cluster (or one) of a repository folder.

    Raises:
        LoadError: the folder cannot be read.
        ToolNotFound: no kustomize engine is available.
    """
    options = options or RenderOptions()
    if options.revisions:
        return _render_with_revisions(root, options, cluster)
    # With the network allowed, what a render fetches is not among its inputs, and a failed
    # download must be tried again, so the repository's render is not reused.
    reusable = options.cache is not None and not options.allow_network
    key = _repository_key(root, options, cluster) if reusable else None
    if key is not None and options.cache is not None:
        entry = options.cache.get(key)
        if entry is not None:
            return _restored(entry)
    renderer = _Renderer(root, options, cluster)
    objects = _objects([root], options.exclude, renderer.result.report)
    _render_argocd(renderer, objects)
    # The ExternalArtifacts of ArtifactGenerators are folders that live as long as the render;
    # they copy at most the repository (and other sources), which decides where they fit.
    generators = any(is_generator(o) for o in objects)
    size = _tree_size([root, *options.repos.values()]) if generators else 0
    with scratch_folder("gitops-schema-artifacts-", size=size) as folder:
        artifacts = ClusterArtifacts(folder, repository=root, repos=options.repos, objects=objects)
        _render_flux(renderer, objects, artifacts)
    # Clusters that share a definition say the same thing about it: once is enough.
    report = renderer.result.report
    report.diagnostics = list(dict.fromkeys(report.diagnostics))
    if key is not None and options.cache is not None:
        options.cache.put(key, _stored(renderer.result))
    return renderer.result


def _render_with_revisions(
    root: Path, options: RenderOptions, cluster: str | None
) -> RenderedRepository:
    """The render with each source given by revision read from that revision's tree."""
    folder = options.git_folder or root
    with ExitStack() as stack:
        repos = dict(options.repos)
        for key, revision in options.revisions.items():
            try:
                repos[key] = stack.enter_context(materialized(folder, revision))
            except LoadError as error:
                failed = RenderedRepository()
                failed.report.emit(
                    "render-revision-unavailable",
                    Severity.ERROR,
                    f"source {key} at revision {revision!r}: {error}",
                    Location(str(folder)),
                )
                return failed
        return render_repository(root, replace(options, repos=repos, revisions={}), cluster=cluster)


def _tree_size(folders: Iterable[Path]) -> int:
    """Bytes of the files under ``folders`` (``.git`` aside)."""
    total = 0
    for folder in folders:
        for current, dirs, names in os.walk(folder):
            dirs[:] = [d for d in dirs if d != ".git"]
            for name in names:
                try:
                    total += os.stat(os.path.join(current, name)).st_size
                except OSError:
                    continue
    return total


def _repository_key(root: Path, options: RenderOptions, cluster: str | None) -> str:
    """Everything a repository's render reads: its files, the offline inputs, the engines.

    With this key a render of an unchanged repository is one read; when one file changed,
    each application still comes from its own cache entry unless it reads that file.
    """
    inputs = [
        root,
        *options.clusters,
        *options.repos.values(),
        *options.entries,
        *options.scm_data,
        *options.plugin_data,
    ]
    if options.chart_cache is not None:
        inputs.append(options.chart_cache)
    settings = {
        "root": str(root),
        "cluster": cluster,
        "clusters": [str(p) for p in options.clusters],
        "repos": {url: str(p) for url, p in sorted(options.repos.items())},
        "chartCache": str(options.chart_cache) if options.chart_cache else None,
        "entries": [str(p) for p in options.entries],
        "scmData": [str(p) for p in options.scm_data],
        "pluginData": [str(p) for p in options.plugin_data],
        "exclude": list(options.exclude),
    }
    return text_key(
        "repository",
        __version__,
        find_kustomize().version,
        HelmEngine().version,
        json.dumps(settings, sort_keys=True),
        tree_digest(inputs),
    )


def _location_json(where: Location) -> list[Any]:
    return [where.file, where.line, where.column, list(where.path), where.document]


def _location(data: list[Any]) -> Location:
    file, line, column, path, document = data
    return Location(file, line, column, tuple(path), document)


def _stored(rendered: RenderedRepository) -> dict[str, Any]:
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
            }
            for app in rendered.apps
        ],
        "diagnostics": [
            [d.rule, d.severity.value, d.message, _location_json(d.location)]
            for d in rendered.report
        ],
    }


def _restored(entry: Mapping[str, Any]) -> RenderedRepository:
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
            )
        )
    for rule, severity, message, where in entry["diagnostics"]:
        rendered.report.add(Diagnostic(rule, Severity(severity), message, _location(where)))
    return rendered


def application_key(app: RenderedApp, environments: Sequence[str]) -> str:
    """The name an application has in every environment: its own, less cluster and env."""
    name = app.name
    if app.cluster and name.endswith(f"-{app.cluster}"):
        name = name[: -len(app.cluster) - 1]
    words = [w for w in name.split("-") if w.lower() not in {e.lower() for e in environments}]
    return "-".join(words) or name


def application_environments(
    rendered: RenderedRepository, *, environments: Sequence[str] | None = None
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Map application -> environment -> manifests, for those in two environments or more."""
    names = tuple(environments or DEFAULT_ENVIRONMENTS)
    grouped: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for app in rendered.apps:
        environment = app.environment or _environment_words(app.name, names)
        if environment is None or (environments and environment not in environments):
            continue
        grouped.setdefault(application_key(app, names), {}).setdefault(environment, []).extend(
            app.manifests
        )
    ordered = {
        key: {e: envs[e] for e in sorted(envs, key=lambda e: names.index(e) if e in names else 99)}
        for key, envs in grouped.items()
    }
    return {key: envs for key, envs in ordered.items() if len(envs) > 1}
