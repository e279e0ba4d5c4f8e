"""The Argo CD walk: Applications, those ApplicationSets generate, and app-of-apps.

Each Application goes to the cluster its destination names (through the cluster
inventory) and is rendered with its source; Applications and ApplicationSets an
Application renders are followed in the next wave.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gitops_schema.codes.render import RENDER_ARGOCD_BUILD_OPTION_IGNORED
from gitops_schema.desired.types import RenderedApp, RenderOptions
from gitops_schema.desired.walk import Walk, located, rendered_objects
from gitops_schema.diagnostics import Report
from gitops_schema.location import Location
from gitops_schema.model import GitOpsObject, Tool, identity
from gitops_schema.model.k8s import ConfigMap
from gitops_schema.render import (
    KustomizeOptions,
    RenderResult,
    in_parallel,
    kustomize_build_options,
    prebuild_kustomizations,
)

_Pending = list[tuple[dict[str, Any], Location]]
"""Applications to render, each with the location of the object that declared it."""
_Wave = list[tuple[dict[str, Any], Location, str, str | None, str]]
"""Applications of one wave: manifest, location, cluster, environment, name."""


def render_argocd(walk: Walk, objects: Sequence[GitOpsObject]) -> None:
    """Render the Argo CD Applications of ``objects`` (and all they lead to) into ``walk``."""
    options, report = walk.options, walk.report
    clusters = _inventory(objects, options, report)
    pending: _Pending = [
        (dict(o.document.data), o.location)
        for o in objects
        if o.kind == "Application" and o.tool is Tool.ARGOCD and not o.is_patch
    ]
    pending.extend(_generated(objects, walk, None))
    written = _Written(objects)
    secrets = [o for o in objects if o.kind == "Secret"]
    build_options = _build_options(objects, options, report)
    while pending:
        wave = _wave(walk, pending, clusters)
        results = _render_wave(walk, wave, build_options)
        pending = []
        for (_, where, cluster, environment, name), result in zip(wave, results, strict=True):
            problems = located(result.report, where)
            report.extend(problems)
            walk.add(
                RenderedApp(
                    cluster,
                    name,
                    Tool.ARGOCD,
                    "Application",
                    environment,
                    where,
                    result.manifests,
                    problems,
                )
            )
            # App-of-apps: what an Application renders may be more Applications.
            children = rendered_objects(
                result, f"<Application {name}>", {"Application", "ApplicationSet"}
            )
            pending.extend(
                (dict(c.document.data), written.locate(c, where))
                for c in children
                if c.kind == "Application"
            )
            # An ApplicationSet rendered as it is written was expanded with the others.
            nested = [c for c in children if c.kind == "ApplicationSet" and not written.has(c)]
            if nested:
                # Against the repository's cluster Secrets, as the written ones are.
                pending.extend(_generated([*nested, *secrets], walk, where))


class _Written:
    """The Applications and ApplicationSets written in the repository, by kind and name.

    An app of apps often renders the very files that are also read as entry points (a
    root Application over ``argocd/apps/``): an object it renders as written is that
    written object, reached twice, not a second definition of it.
    """

    def __init__(self, objects: Sequence[GitOpsObject]) -> None:
        self._by_name: dict[tuple[str, str], list[GitOpsObject]] = {}
        for obj in objects:
            if obj.tool is Tool.ARGOCD and not obj.is_patch:
                self._by_name.setdefault((obj.kind, obj.name), []).append(obj)

    def _same(self, rendered: GitOpsObject) -> list[GitOpsObject]:
        body = _unplaced(rendered.document.data)
        found = self._by_name.get((rendered.kind, rendered.name), [])
        return [o for o in found if _unplaced(o.document.data) == body]

    def has(self, rendered: GitOpsObject) -> bool:
        """Whether ``rendered`` is written in the repository just as it was rendered."""
        return bool(self._same(rendered))

    def locate(self, rendered: GitOpsObject, parent: Location) -> Location:
        """Where ``rendered`` is written, when it is as written; else ``parent``."""
        found = self._same(rendered)
        return found[0].location if len(found) == 1 else parent


def _unplaced(data: Mapping[str, Any]) -> dict[str, Any]:
    """An object without its namespace: a render sets the destination's where none is."""
    metadata = data.get("metadata")
    if not isinstance(metadata, Mapping):
        return dict(data)
    return {**data, "metadata": {k: v for k, v in metadata.items() if k != "namespace"}}


def _generated(objects: Sequence[GitOpsObject], walk: Walk, where: Location | None) -> _Pending:
    """The Applications the ApplicationSets among ``objects`` generate.

    Each is placed at ``where`` (the Application that rendered the ApplicationSet), or at
    its ApplicationSet when that was written in the repository.
    """
    options = walk.options
    offline = options.clusters or options.scm_data or options.plugin_data
    if not offline and not any(o.kind == "ApplicationSet" for o in objects):
        # Nothing to expand and no offline input to read (and report on): the expander
        # and its template engine, a third of a second to import, are not loaded.
        return []
    from gitops_schema.appset import OfflineInputs, expand_objects

    inputs = OfflineInputs(
        clusters=tuple(options.clusters),
        repo=walk.root,
        scm_data=tuple(options.scm_data),
        plugin_data=tuple(options.plugin_data),
        max_applications=options.max_applications,
    )
    expanded = expand_objects(objects, inputs)
    # A rendered ApplicationSet has no file: what its expansion says is at its parent.
    walk.report.extend(expanded.report if where is None else located(expanded.report, where))
    return [
        (g.application, where or expansion.appset.location)
        for expansion in expanded.expansions
        for g in expansion.applications
    ]


def _wave(walk: Walk, pending: _Pending, clusters: Sequence[Mapping[str, Any]]) -> _Wave:
    """The pending Applications to render: on a kept cluster, and not seen there yet."""
    wave: _Wave = []
    for app, where in pending:
        # One Application of a name per cluster, whatever namespace it is written in.
        key = identity(app)._replace(namespace="")
        cluster, environment = _cluster_of(app, clusters)
        if walk.keep(cluster) and walk.first_visit(cluster, key, where):
            wave.append((app, where, cluster, environment, key.name))
    return wave


def _build_options(
    objects: Sequence[GitOpsObject], options: RenderOptions, report: Report
) -> KustomizeOptions:
    """Argo CD's kustomize build options: given, or the repository's ``argocd-cm``'s."""
    text, where = options.kustomize_build_options, Location("--kustomize-build-options")
    if text is None:
        for obj in objects:
            model = obj.model
            if isinstance(model, ConfigMap) and obj.name == "argocd-cm" and not obj.is_patch:
                found = model.data.get(_BUILD_OPTIONS)
                if found is not None:
                    text = found
                    where = obj.document.locate(("data", _BUILD_OPTIONS))
                    break
    if text is None:
        return KustomizeOptions()
    parsed, ignored = kustomize_build_options(text)
    if ignored:
        report.add(
            RENDER_ARGOCD_BUILD_OPTION_IGNORED.at(
                f"kustomize build options {' '.join(ignored)!r} are not honoured offline "
                "(only --load-restrictor and --enable-helm are; plugins are never run)",
                where,
            )
        )
    return parsed


_BUILD_OPTIONS = "kustomize.buildOptions"


def _render_wave(walk: Walk, wave: _Wave, build_options: KustomizeOptions) -> list[RenderResult]:
    """The renders of a wave's Applications, in order."""
    # Imported here: a repository without Applications never loads Argo CD's render, nor
    # the Argo CD models it reads.
    from gitops_schema.render import kustomize_folders, render_application

    options = walk.options
    if options.cache is not None:
        # Folders built as they are share kustomize runs ahead; the renders read them
        # from the cache.
        prebuild_kustomizations(
            [
                folder
                for app, *_ in wave
                for folder in kustomize_folders(
                    app,
                    repository=walk.root,
                    repos=options.repos,
                    allow_outside=options.allow_outside,
                )
            ],
            cache=options.cache,
        )
    return in_parallel(
        lambda item: render_application(
            item[0],
            repository=walk.root,
            repos=options.repos,
            chart_cache=options.chart_cache,
            allow_network=options.allow_network,
            cache=options.cache,
            location=item[1],
            allow_outside=options.allow_outside,
            kustomize_options=build_options,
        ),
        wave,
    )


def _inventory(
    objects: Sequence[GitOpsObject], options: RenderOptions, report: Report
) -> list[dict[str, Any]]:
    secrets = [
        dict(o.document.data) for o in objects if o.kind == "Secret" and o.tool is Tool.ARGOCD
    ]
    if options.clusters:
        from gitops_schema.appset.inventory import load_clusters

        found, problems = load_clusters(options.clusters)
        secrets.extend(found)
        report.extend(problems)
    return secrets


def _cluster_of(
    app: Mapping[str, Any], clusters: Sequence[Mapping[str, Any]]
) -> tuple[str, str | None]:
    """The cluster an Application's destination names, and that cluster's environment."""
    from gitops_schema.appset.generators.clusters import IN_CLUSTER_NAME, IN_CLUSTER_SERVER
    from gitops_schema.appset.inventory import secret_value

    destination = (app.get("spec") or {}).get("destination") or {}
    name, server = destination.get("name"), destination.get("server")
    for secret in clusters:
        labels = (secret.get("metadata") or {}).get("labels") or {}
        if (name and secret_value(secret, "name") == name) or (
            server and secret_value(secret, "server") == server
        ):
            return str(secret_value(secret, "name") or name or server), labels.get("environment")
    if server == IN_CLUSTER_SERVER or name == IN_CLUSTER_NAME:
        return IN_CLUSTER_NAME, None
    return str(name or server or IN_CLUSTER_NAME), None
