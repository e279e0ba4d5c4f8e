"""``convert flux-to-argocd``: Flux Kustomizations and HelmReleases -> Applications.

Through the same neutral model and report as the other direction.

A Flux tree is what its Kustomizations render, so the repository is rendered first (as
``render`` does): every Kustomization and HelmRelease that reaches a cluster, as it is
applied there (after its parent's patches and substitutions), becomes an Application in
``DIR/clusters/<cluster>/``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
from gitops_schema.convert.data import as_map
from gitops_schema.convert.fidelity import Fidelity, Item, ObjectRef, OutputRef
from gitops_schema.convert.flux_read import ObjectIndex, read_flux
from gitops_schema.convert.folders import SourceFolders, normal
from gitops_schema.convert.neutral import NeutralApp
from gitops_schema.convert.notifications import NOTIFICATIONS_CM, ArgoNotifications
from gitops_schema.convert.output import OutputTree, dns_name
from gitops_schema.convert.revisions import origin_url
from gitops_schema.desired import RenderedApp, RenderOptions, render_repository
from gitops_schema.diagnostics import Report
from gitops_schema.model import GitOpsObject
from gitops_schema.model.identity import identity, object_id
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


def _cluster_folder(file: str) -> str:
    """The folder of an entry point's cluster: ``clusters/<name>/``, else its own folder."""
    parts = file.split("/")
    if "clusters" in parts[:-2]:
        index = parts.index("clusters")
        return "/".join(parts[: index + 2]) + "/"
    return posixpath.dirname(file) + "/"


def _notification_objects(
    apps: Sequence[RenderedApp], objects: Sequence[GitOpsObject]
) -> dict[str, list[Mapping[str, Any]]]:
    """Each cluster's objects that may be Alerts or Providers.

    Those its trees apply, and those written in its folder (``clusters/<name>/``, else the
    folder of a Kustomization or HelmRelease it starts from), which no tree applies.
    """
    found: dict[str, list[Mapping[str, Any]]] = {app.cluster: [] for app in apps}
    folders: dict[str, set[str]] = {}
    for app in apps:
        found[app.cluster].extend(app.manifests)
        folders.setdefault(_cluster_folder(app.location.file), set()).add(app.cluster)
    for obj in objects:
        if obj.kind not in ("Alert", "Provider"):
            continue
        for folder, clusters in folders.items():
            if obj.location.file.startswith(folder):
                for cluster in clusters:
                    found[cluster].append(obj.document.data)
    return found


@dataclass(slots=True)
class _Read:
    """A Flux object converted so far: its item, neutral form and render."""

    item: Item
    app: NeutralApp
    rendered: RenderedApp


def _applied_flux_objects(app: RenderedApp, item: Item) -> None:
    """A Kustomization that applies Flux objects: Argo CD applies them as they are."""
    applied = sorted(
        {
            f"{m.get('kind')} {as_map(m.get('metadata')).get('name')}"
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


class _Converter:
    def __init__(
        self,
        paths: Sequence[Path],
        options: ConvertOptions,
        chart_cache: Path | None,
        cache: RenderCache | None,
    ) -> None:
        self.options = options
        self.root = repository_root(paths)
        self.report = Report()
        objects = load_objects(paths, options.exclude, self.report)
        render = RenderOptions(
            repos=dict(options.repos), chart_cache=chart_cache, cache=cache, exclude=options.exclude
        )
        self.rendered = render_repository(self.root, render)
        self.report.extend(self.rendered.report)
        self.index = ObjectIndex()
        for obj in objects:
            self.index.add(obj.document.data)
        for app in self.rendered.apps:
            for manifest in app.manifests:
                self.index.add(manifest)
        files = {(o.location.file, o.kind, o.location.line): o.document.data for o in objects}
        self.definitions = _definitions(self.rendered.apps, files)
        self.folders = SourceFolders(self.root, {normal(u): p for u, p in options.repos.items()})
        mapped = [u for u, p in options.repos.items() if p.resolve() == self.root.resolve()]
        self.root_url = mapped[0] if mapped else origin_url(self.root)
        self.tree = OutputTree(options.output)
        self.fidelity = Fidelity()
        self.links: list[AppLink] = []
        self.locations = {object_id(o): o.location for o in objects}
        self.notifications = {
            cluster: ArgoNotifications.read(manifests)
            for cluster, manifests in _notification_objects(self.rendered.apps, objects).items()
        }
        self.subscribed: dict[tuple[str, int], list[OutputRef]] = {}
        """(cluster, Alert) -> the Applications subscribed to its events."""

    def run(self) -> Conversion:
        flux_apps = [a for a in self.rendered.apps if a.kind in _APPLIERS]
        names = [a.name for a in flux_apps]
        converted = [read for app in flux_apps if (read := self._read(app)) is not None]
        _waves([(read.item, read.app) for read in converted])
        projects = _tenants([read.app for read in converted])
        for read in converted:
            name = read.rendered.name
            if names.count(name) > 1:
                name = dns_name(f"{name}-{read.rendered.cluster}", 253)
            self._write(read, name, projects)
        self._alerts()
        return Conversion(self.fidelity, self.tree, self.report, self.links, self.root)

    def _alerts(self) -> None:
        """An item per Flux Alert: the Applications subscribed, and the settings they need."""
        config = {k: v for n in self.notifications.values() for k, v in n.config.items()}
        shown = ""
        if config:
            data = dict(sorted(config.items()))
            shown = self.tree.add(
                "notifications/argocd-notifications-cm.yaml",
                {
                    "apiVersion": "v1",
                    "kind": "ConfigMap",
                    "metadata": {"name": NOTIFICATIONS_CM, "namespace": "argocd"},
                    "data": data,
                },
                "The Flux Alerts' triggers and services, converted by gitops-schema.",
            )
        for cluster, notifications in self.notifications.items():
            for index, (manifest, notes) in enumerate(notifications.alerts):
                key = identity(manifest)
                # A component applied in several namespaces is written without one.
                where = self.locations.get(key) or self.locations.get(key._replace(namespace=""))
                item = Item(
                    ObjectRef(
                        "Alert",
                        key.namespace or None,
                        key.name,
                        where.file if where else "",
                        where.line if where else 0,
                    )
                )
                self.fidelity.items.append(item)
                item.outputs.extend(self.subscribed.get((cluster, index), []))
                if not item.outputs:
                    item.unsupported = True
                    item.lose("$.spec.eventSources", "no converted application sends its events")
                elif shown:
                    item.outputs.append(OutputRef("ConfigMap", "argocd", NOTIFICATIONS_CM, shown))
                for path, reason in notes.losses:
                    item.lose(path, reason)

    def _read(self, app: RenderedApp) -> _Read | None:
        """The neutral form of a Flux object as applied on its cluster (None: unsupported)."""
        if self.options.progress is not None:
            self.options.progress(app.name)
        definition = self.definitions.get((app.cluster, app.kind, app.name), {})
        namespace = str(as_map(definition.get("metadata")).get("namespace") or "") or None
        item = Item(ObjectRef(app.kind, namespace, app.name, app.location.file, app.location.line))
        self.fidelity.items.append(item)
        read = read_flux(definition, app.cluster, self.index, self.root_url)
        if read.app is None:
            path, reason = read.unsupported or ("$", "not convertible")
            item.unsupported = True
            item.lose(path, reason)
            return None
        for path, reason in read.losses:
            item.lose(path, reason)
        _applied_flux_objects(app, item)
        return _Read(item, read.app, app)

    def _write(
        self, read: _Read, name: str, projects: Mapping[tuple[str, str], dict[str, Any]]
    ) -> None:
        """The Application (and its tenant's AppProject) of one converted Flux object."""
        item, neutral, app = read.item, read.app, read.rendered
        notifications = self.notifications[app.cluster]
        neutral.notifications, alerts = notifications.subscribe(
            app.kind, neutral.namespace, app.name
        )
        written = application(neutral, name, self.folders, finalizer=neutral.policy.cascade)
        for path, reason in written.losses:
            item.lose(path, reason)
        relative = f"clusters/{dns_name(app.cluster)}/applications/{name}.yaml"
        shown = self.tree.add(
            relative,
            written.application,
            f"Converted from Flux {app.kind} {app.name} ({app.location}) by gitops-schema.",
        )
        output = OutputRef("Application", "argocd", name, shown)
        item.outputs.append(output)
        for alert in alerts:
            self.subscribed.setdefault((app.cluster, alert), []).append(output)
        project = projects.get((neutral.namespace, neutral.tenancy.service_account))
        if project is not None:
            relative = f"projects/{project['metadata']['name']}.yaml"
            if relative not in self.tree.files:
                self.tree.add(relative, project, "A Flux tenant, converted by gitops-schema.")
            item.outputs.append(
                OutputRef(
                    "AppProject", "argocd", project["metadata"]["name"], self.tree.shown(relative)
                )
            )
        self.links.append(
            AppLink(
                self.fidelity.items.index(item),
                app.cluster,
                (app.kind, app.name),
                (("Application", name),),
                written.application,
            )
        )


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
    return _Converter(paths, options, chart_cache, cache).run()
