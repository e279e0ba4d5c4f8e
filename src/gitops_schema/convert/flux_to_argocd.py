"""``convert flux-to-argocd``: Flux Kustomizations and HelmReleases -> Applications.

Through the same neutral model and report as the other direction.

A Flux tree is what its Kustomizations render, so the repository is rendered first (as
``render`` does): every Kustomization and HelmRelease that reaches a cluster, as it is
applied there (after its parent's patches and substitutions), becomes an Application in
``DIR/clusters/<cluster>/``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from gitops_schema.convert.argocd_to_flux import (
    AppLink,
    Conversion,
    ConvertOptions,
    load_objects,
    repository_root,
)
from gitops_schema.convert.argocd_write import IN_CLUSTER, application
from gitops_schema.convert.fidelity import Fidelity, Item, ObjectRef, OutputRef
from gitops_schema.convert.flux_read import ObjectIndex, read_flux
from gitops_schema.convert.folders import SourceFolders, normal
from gitops_schema.convert.neutral import NeutralApp
from gitops_schema.convert.output import OutputTree, dns_name
from gitops_schema.convert.revisions import origin_url
from gitops_schema.desired import RenderedApp, RenderOptions, render_repository
from gitops_schema.diagnostics import Report
from gitops_schema.render import RenderCache

__all__ = ["flux_to_argocd"]

_APPLIERS = ("Kustomization", "HelmRelease")
_FLUX_GROUP = ".toolkit.fluxcd.io/"


def _definitions(
    apps: Sequence[RenderedApp], files: Mapping[tuple[str, str, int], Mapping[str, Any]]
) -> dict[tuple[str, str, str], Mapping[str, Any]]:
    """(cluster, kind, name) -> the object as applied there.

    That is as a parent rendered it, else as written.
    """
    found: dict[tuple[str, str, str], Mapping[str, Any]] = {}
    for app in apps:
        for manifest in app.manifests:
            if manifest.get("kind") in _APPLIERS and _FLUX_GROUP in str(manifest.get("apiVersion")):
                name = str((manifest.get("metadata") or {}).get("name") or "")
                found.setdefault((app.cluster, str(manifest["kind"]), name), manifest)
    for app in apps:
        where = (app.location.file, app.kind, app.location.line)
        if (app.cluster, app.kind, app.name) not in found and where in files:
            found[(app.cluster, app.kind, app.name)] = files[where]
    return found


def _waves(apps: list[tuple[Item, NeutralApp]]) -> None:
    """Turn ``dependsOn`` into sync waves: one more than the latest dependency's."""
    by_key = {(a.target.cluster, a.name): a for _, a in apps}
    waves: dict[tuple[str, str], int] = {}

    def wave(key: tuple[str, str], seen: frozenset[tuple[str, str]]) -> int:
        if key in waves:
            return waves[key]
        app = by_key.get(key)
        if app is None or key in seen:
            return 0
        deps = [wave((key[0], d), seen | {key}) for d in app.policy.depends_on]
        waves[key] = 1 + max(deps) if deps else 0
        return waves[key]

    for item, app in apps:
        app.policy.wave = wave((app.target.cluster, app.name), frozenset())
        if app.policy.depends_on:
            item.lose(
                app.origin("policy.depends_on"),
                f"dependsOn {', '.join(app.policy.depends_on)} becomes sync wave "
                f"{app.policy.wave}: it orders Applications only when a parent Application "
                "(app of apps) syncs them, and waits for health, not for the dependency's "
                "revision",
            )


def _tenants(apps: Sequence[NeutralApp]) -> dict[tuple[str, str], dict[str, Any]]:
    """Flux tenants -> AppProjects.

    A tenant is the service account its Kustomizations and HelmReleases impersonate, in
    their namespace; its project allows their repositories and target namespaces, and
    makes Argo CD act as that account there. The project's Applications are moved to it.
    """
    grouped: dict[tuple[str, str], list[NeutralApp]] = {}
    for app in apps:
        if app.tenancy.service_account:
            key = (app.namespace, app.tenancy.service_account)
            grouped.setdefault(key, []).append(app)
    projects: dict[tuple[str, str], dict[str, Any]] = {}
    for (namespace, account), members in grouped.items():
        name = dns_name(namespace if account == namespace else f"{namespace}-{account}")
        destinations = []
        accounts = []
        for app in members:
            app.tenancy.project = name
            target = app.target.namespace or namespace
            where = (
                {"server": IN_CLUSTER}
                if app.target.cluster in ("in-cluster", "default")
                else {"name": app.target.cluster}
            )
            destination = {**where, "namespace": target}
            if destination not in destinations:
                destinations.append(destination)
                accounts.append(
                    {
                        "server": where.get("server", "*"),
                        "namespace": target,
                        "defaultServiceAccount": f"{namespace}:{account}",
                    }
                )
        repos = sorted({p.source.url for app in members for p in app.parts})
        projects[(namespace, account)] = {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "AppProject",
            "metadata": {"name": name, "namespace": "argocd"},
            "spec": {
                "sourceRepos": repos,
                "destinations": destinations,
                "destinationServiceAccounts": accounts,
            },
        }
    return projects


def flux_to_argocd(
    paths: Sequence[Path],
    options: ConvertOptions,
    *,
    chart_cache: Path | None = None,
    cache: RenderCache | None = None,
) -> Conversion:
    """Convert the Flux trees under ``paths`` to Argo CD Applications (nothing written yet).

    Raises:
        LoadError: a path cannot be read.
        ToolNotFound: no kustomize engine is available to render the Flux trees.
    """
    root = repository_root(paths)
    report = Report()
    objects = load_objects(paths, options.exclude, report)
    rendered = render_repository(
        root,
        RenderOptions(
            repos=dict(options.repos),
            chart_cache=chart_cache,
            cache=cache,
            exclude=options.exclude,
        ),
    )
    report.extend(rendered.report)
    index = ObjectIndex()
    for obj in objects:
        index.add(obj.document.data)
    for app in rendered.apps:
        for manifest in app.manifests:
            index.add(manifest)
    files = {(o.location.file, o.kind, o.location.line): o.document.data for o in objects}
    definitions = _definitions(rendered.apps, files)
    folders = SourceFolders(root, {normal(u): p for u, p in options.repos.items()})
    mapped = [u for u, p in options.repos.items() if p.resolve() == root.resolve()]
    root_url = mapped[0] if mapped else origin_url(root)
    tree = OutputTree(options.output)
    fidelity = Fidelity()
    links: list[AppLink] = []
    flux_apps = [a for a in rendered.apps if a.kind in _APPLIERS]
    names = [a.name for a in flux_apps]
    converted: list[tuple[Item, NeutralApp, RenderedApp]] = []
    for app in flux_apps:
        if options.progress is not None:
            options.progress(app.name)
        definition = definitions.get((app.cluster, app.kind, app.name), {})
        namespace = str((definition.get("metadata") or {}).get("namespace") or "") or None
        item = Item(ObjectRef(app.kind, namespace, app.name, app.location.file, app.location.line))
        fidelity.items.append(item)
        read = read_flux(definition, app.cluster, index, root_url)
        if read.app is None:
            path, reason = read.unsupported or ("$", "not convertible")
            item.unsupported = True
            item.lose(path, reason)
            continue
        for path, reason in read.losses:
            item.lose(path, reason)
        applied = sorted(
            {
                f"{m.get('kind')} {(m.get('metadata') or {}).get('name')}"
                for m in app.manifests
                if _FLUX_GROUP in str(m.get("apiVersion"))
            }
        )
        if applied:
            item.lose(
                "$.spec.path",
                f"applies Flux objects ({', '.join(applied[:5])}"
                f"{', ...' if len(applied) > 5 else ''}): Argo CD applies them as they are; "
                "their Kustomizations and HelmReleases are converted to Applications "
                "themselves, so remove them from the folder once Argo CD takes over",
            )
        converted.append((item, read.app, app))
    _waves([(item, neutral) for item, neutral, _ in converted])
    projects = _tenants([neutral for _, neutral, _ in converted])
    for item, neutral, app in converted:
        name = app.name if names.count(app.name) == 1 else f"{app.name}-{app.cluster}"
        name = dns_name(name, 253) if name != app.name else name
        written = application(neutral, name, folders, finalizer=neutral.policy.cascade)
        for path, reason in written.losses:
            item.lose(path, reason)
        relative = f"clusters/{dns_name(app.cluster)}/applications/{name}.yaml"
        shown = tree.add(
            relative,
            written.application,
            f"Converted from Flux {app.kind} {app.name} ({app.location}) by gitops-schema.",
        )
        item.outputs.append(OutputRef("Application", "argocd", name, shown))
        project = projects.get((neutral.namespace, neutral.tenancy.service_account))
        if project is not None:
            relative = f"projects/{project['metadata']['name']}.yaml"
            if relative not in tree.files:
                tree.add(relative, project, "A Flux tenant, converted by gitops-schema.")
            item.outputs.append(
                OutputRef("AppProject", "argocd", project["metadata"]["name"], tree.shown(relative))
            )
        links.append(
            AppLink(
                fidelity.items.index(item),
                app.cluster,
                (app.kind, app.name),
                (("Application", name),),
                written.application,
            )
        )
    return Conversion(fidelity, tree, report, links, root)
