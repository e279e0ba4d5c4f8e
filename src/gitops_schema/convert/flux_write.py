"""The neutral model -> Flux objects (sources, Kustomizations, HelmReleases).

Fields Flux has are mapped exactly; what Flux cannot say is either made exact by a
kustomization overlay written into the output tree (when the output lies inside the
repository it builds from, so the overlay can reach the source) or stated as a loss.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gitops_schema.convert.fidelity import OutputRef
from gitops_schema.convert.flux_sources import (
    DEFAULT_INTERVAL,
    FLUX_NAMESPACE,
    FluxSources,
    source_file,
)
from gitops_schema.convert.folders import SourceFolders
from gitops_schema.convert.kustomize_fields import flux_files, kustomize_fields, relative_path
from gitops_schema.convert.neutral import BuildTool, NeutralApp, Part, Source, SourceType
from gitops_schema.convert.notes import Notes
from gitops_schema.convert.notifications import flux_alerts, subscriptions
from gitops_schema.convert.output import OutputTree, dns_name, dump
from gitops_schema.load.plain import InputError
from gitops_schema.render.argocd_sources import directory_files, kustomize_overlay
from gitops_schema.render.confine import OutsideRepository

__all__ = ["FLUX_NAMESPACE", "FluxWriter", "Written"]


@dataclass(slots=True)
class Written(Notes):
    """The objects one application became, and what it lost on the way."""

    outputs: list[OutputRef] = field(default_factory=list)
    appliers: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    """(kind, name, spec) of the Kustomizations and HelmReleases made, for dependsOn."""


class FluxWriter:
    """Writes Flux objects for neutral applications into one output tree.

    Sources are shared: one GitRepository per repository and revision, one
    HelmRepository or OCIRepository per chart repository, on each cluster.
    """

    def __init__(
        self,
        tree: OutputTree,
        folders: SourceFolders,
        notifications: Mapping[str, str] | None = None,
    ) -> None:
        self.tree = tree
        self.folders = folders
        self.notifications = notifications or {}
        """The data of the repository's ``argocd-notifications-cm``."""
        self.providers: set[tuple[str, str]] = set()
        """(cluster, name) of the notification Providers written."""
        self.sources = FluxSources(tree)
        self.namespaces: set[tuple[str, str]] = set()

    def _source(self, cluster: str, source: Source, written: Written) -> tuple[str, str]:
        kind, name = self.sources.source(cluster, source)
        self._output(written, kind, name, source_file(cluster, kind, name))
        return kind, name

    def _output(
        self,
        written: Written,
        kind: str,
        name: str,
        relative: str,
        namespace: str | None = FLUX_NAMESPACE,
    ) -> None:
        entry = OutputRef(kind, namespace, name, self.tree.shown(relative))
        if entry not in written.outputs:
            written.outputs.append(entry)

    # -- applications ---------------------------------------------------------------

    def write(self, app: NeutralApp, header: str) -> Written:
        """The Flux objects of ``app``, added to the tree."""
        written = Written()
        for index, part in enumerate(app.parts):
            name = app.name if len(app.parts) == 1 else f"{app.name}-{index}"
            if part.build.tool is BuildTool.HELM:
                self._helm_release(app, part, name, header, written)
            else:
                self._kustomization(app, part, name, header, written)
        self._namespace(app, written)
        self._alerts(app, written)
        return written

    def _alerts(self, app: NeutralApp, written: Written) -> None:
        """The application's notification subscriptions as Flux Providers and Alerts."""
        found = subscriptions(app.notifications, self.notifications, written)
        alerts = flux_alerts(
            app.name, found, [(kind, name) for kind, name, _ in written.appliers], FLUX_NAMESPACE
        )
        for obj in alerts.objects:
            name = obj["metadata"]["name"]
            if obj["kind"] == "Provider":
                # One per service and recipient on a cluster, whichever application needs it.
                relative = f"clusters/{app.target.cluster}/notifications/providers.yaml"
                if (app.target.cluster, name) not in self.providers:
                    self.providers.add((app.target.cluster, name))
                    self.tree.add(relative, obj)
            else:
                relative = f"clusters/{app.target.cluster}/notifications/{app.name}.yaml"
                self.tree.add(relative, obj)
            self._output(written, obj["kind"], name, relative)
        for path, reason in alerts.notes.losses:
            written.lose(path, reason)

    def _app_file(self, app: NeutralApp) -> str:
        return f"clusters/{app.target.cluster}/apps/{app.name}.yaml"

    def _common(self, app: NeutralApp, spec: dict[str, Any], written: Written) -> None:
        policy = app.policy
        spec["interval"] = policy.interval or DEFAULT_INTERVAL
        if not policy.automated:
            spec["suspend"] = True
            written.lose(
                app.origin("policy.automated", "$.spec.syncPolicy"),
                "manual sync has no Flux equivalent: the object is written suspended "
                "(flux resume applies it, and from then on it reconciles automatically)",
            )
        if policy.timeout:
            spec["timeout"] = policy.timeout
        if app.tenancy.service_account:
            spec["serviceAccountName"] = app.tenancy.service_account

    def _retry_loss(self, app: NeutralApp, written: Written, helm: bool) -> None:
        retry = app.policy.retry
        if retry is None:
            return
        what = (
            "install/upgrade remediation retries"
            if helm
            else f"retryInterval {retry.duration} (a fixed period)"
        )
        written.lose(
            app.origin("policy.retry"),
            f"retried with {what}: the backoff (factor {retry.factor}, at most "
            f"{retry.max_duration}){'' if helm else f' and limit {retry.limit}'} has no "
            "Flux field",
        )

    def _kustomization(
        self, app: NeutralApp, part: Part, name: str, header: str, written: Written
    ) -> None:
        source, build, policy = part.source, part.build, app.policy
        kind, source_name = self._source(app.target.cluster, source, written)
        spec: dict[str, Any] = {}
        self._common(app, spec, written)
        spec["path"] = relative_path(source.path)
        spec["prune"] = policy.prune
        spec["sourceRef"] = {"kind": kind, "name": source_name}
        if policy.retry is not None:
            spec["retryInterval"] = policy.retry.duration
        options = build.kustomize
        namespace = options.namespace or app.target.namespace
        if namespace:
            spec["targetNamespace"] = namespace
        spec["wait"] = policy.wait
        spec["deletionPolicy"] = "Delete" if policy.cascade else "Orphan"
        if policy.automated and not policy.self_heal:
            written.lose(
                app.origin("policy.self_heal"),
                "selfHeal is off: Argo CD leaves drift alone, Flux corrects it every interval "
                "(mark objects kustomize.toolkit.fluxcd.io/ssa: IfNotPresent to leave them)",
            )
        if policy.prune and not policy.allow_empty:
            written.lose(
                app.origin("policy.allow_empty"),
                "allowEmpty is off: Argo CD refuses to prune every object of an application, "
                "Flux prunes whatever the source no longer has",
            )
        self._retry_loss(app, written, helm=False)
        overlay: dict[str, Any] = {}
        if build.tool is BuildTool.KUSTOMIZE:
            spec.update(kustomize_fields(options, dict))
            overlay = self._kustomize_edits(app, part, spec)
        elif build.tool is BuildTool.DIRECTORY:
            overlay = self._directory_listing(app, part, written)
        if overlay:
            self._overlay(app, part, name, overlay, spec, written)
        self._applier(
            app, "kustomize.toolkit.fluxcd.io/v1", "Kustomization", name, spec, header, written
        )

    def _kustomize_edits(self, app: NeutralApp, part: Part, spec: dict[str, Any]) -> dict[str, Any]:
        """The Argo CD kustomize edits Flux has no field for, as Argo CD's overlay options."""
        options = part.build.kustomize
        edits: dict[str, Any] = {}
        if options.common_labels:
            if options.labels_without_selector:
                # kustomize labels without selectors touch top-level metadata only, as
                # Flux commonMetadata does.
                spec["commonMetadata"] = {"labels": dict(options.common_labels)}
            else:
                edits["commonLabels"] = options.common_labels
        if options.common_annotations:
            edits["commonAnnotations"] = options.common_annotations
        if options.replicas:
            edits["replicas"] = options.replicas
        return edits

    def _directory_listing(self, app: NeutralApp, part: Part, written: Written) -> dict[str, Any]:
        """The files Argo CD reads when Flux would read others; {} when both read the same."""
        directory = part.build.directory
        folder = self.folders.inside(part.source.url, part.source.path)
        if folder is None or not folder.is_dir():
            if directory.include or directory.exclude or not directory.recurse:
                written.lose(
                    f"{part.origin}.directory",
                    f"{part.source.path} is not on disk here, so whether Flux (recursive, "
                    ".yaml/.yml only) reads the same files as Argo CD could not be checked",
                )
            return {}
        argo, _ = directory_files(
            folder,
            recurse=directory.recurse,
            include=directory.include,
            exclude=directory.exclude,
        )
        if argo == flux_files(folder):
            return {}
        return {"resources": argo}

    def _overlay(
        self,
        app: NeutralApp,
        part: Part,
        name: str,
        edits: dict[str, Any],
        spec: dict[str, Any],
        written: Written,
    ) -> None:
        """Write a kustomization overlay into the output tree and point the path at it."""
        root = self.folders.folder(part.source.url).resolve()
        relative = f"overlays/{app.target.cluster}/{name}/kustomization.yaml"
        at = (self.tree.root / relative).parent.resolve()
        source_folder = root / part.source.path
        what = ", ".join(sorted(edits))
        if not at.is_relative_to(root):
            for key in sorted(edits):
                written.lose(
                    _edit_origin(part, key),
                    f"Flux has no field for {key}; an overlay would make the render identical, "
                    f"but the output folder is outside the repository it builds from ({root}): "
                    "write the output inside that repository to get one",
                )
            return
        if "resources" in edits:
            overlay: dict[str, Any] = {
                "apiVersion": "kustomize.config.k8s.io/v1beta1",
                "kind": "Kustomization",
                "resources": [os.path.relpath(f, at) for f in edits["resources"]],
            }
        else:
            try:
                overlay = kustomize_overlay(source_folder, edits, at)
            # A symlink loop makes pathlib raise RuntimeError, a NUL byte ValueError.
            except (OutsideRepository, InputError, OSError, RuntimeError, ValueError) as error:
                for key in sorted(edits):
                    written.lose(
                        _edit_origin(part, key), f"Flux has no field for {key}; no overlay: {error}"
                    )
                return
        self.tree.add(
            relative,
            overlay,
            f"Generated by gitops-schema convert: Argo CD's {what} for {app.name}, "
            "which a Flux Kustomization cannot say.",
        )
        spec["path"] = relative_path(posixpath.normpath(at.relative_to(root).as_posix()))
        self._output(written, "Kustomization", name, relative, namespace=None)

    def _helm_release(
        self, app: NeutralApp, part: Part, name: str, header: str, written: Written
    ) -> None:
        source, helm, policy = part.source, part.build.helm, app.policy
        kind, source_name = self._source(app.target.cluster, source, written)
        spec: dict[str, Any] = {}
        self._common(app, spec, written)
        spec["releaseName"] = helm.release_name or app.name
        namespace = helm.namespace or app.target.namespace or "default"
        if helm.namespace and app.target.namespace and helm.namespace != app.target.namespace:
            written.lose(
                app.origin("helm.namespace"),
                f"the release namespace {helm.namespace} differs from the destination "
                f"namespace {app.target.namespace}: objects the chart leaves without a "
                "namespace go to the release namespace in Flux",
            )
        spec["targetNamespace"] = namespace
        chart: dict[str, Any]
        values_files, values_from = self._value_layers(app, part, name, written)
        if source.type is SourceType.OCI:
            spec["chartRef"] = {"kind": kind, "name": source_name}
        else:
            chart = {
                "chart": relative_path(source.path)
                if source.type is SourceType.GIT
                else source.chart,
                "sourceRef": {"kind": kind, "name": source_name},
            }
            if source.type is SourceType.GIT:
                # A chart in git changes with every commit, as Argo CD renders it.
                chart["reconcileStrategy"] = "Revision"
            else:
                chart["version"] = source.version
            if values_files:
                chart["valuesFiles"] = values_files
                if helm.ignore_missing_value_files:
                    chart["ignoreMissingValuesFiles"] = True
            spec["chart"] = {"spec": chart}
        if values_from:
            spec["valuesFrom"] = values_from
        if helm.values:
            spec["values"] = helm.values
        install: dict[str, Any] = {}
        upgrade: dict[str, Any] = {}
        if app.target.create_namespace:
            install["createNamespace"] = True
        if helm.skip_crds:
            install["crds"] = "Skip"
            upgrade["crds"] = "Skip"
        else:
            # Argo CD applies the chart's CRDs on every sync.
            upgrade["crds"] = "CreateReplace"
        if policy.retry is not None:
            install["remediation"] = {"retries": policy.retry.limit}
            upgrade["remediation"] = {"retries": policy.retry.limit}
        if install:
            spec["install"] = install
        spec["upgrade"] = upgrade
        if policy.self_heal and policy.automated:
            spec["driftDetection"] = {"mode": "enabled"}
        if not policy.prune and policy.automated:
            written.lose(
                app.origin("policy.automated"),
                "prune is off: Argo CD keeps objects dropped from the chart, a Helm upgrade "
                "deletes them",
            )
        if not policy.cascade:
            written.lose(
                "$.metadata.finalizers",
                "without the resources finalizer Argo CD leaves the objects when the "
                "Application is deleted; deleting a HelmRelease uninstalls the release",
            )
        self._retry_loss(app, written, helm=True)
        self._applier(app, "helm.toolkit.fluxcd.io/v2", "HelmRelease", name, spec, header, written)

    def _applier(
        self,
        app: NeutralApp,
        api_version: str,
        kind: str,
        name: str,
        spec: dict[str, Any],
        header: str,
        written: Written,
    ) -> None:
        """Add a Kustomization or HelmRelease to the application's file."""
        obj = {
            "apiVersion": api_version,
            "kind": kind,
            "metadata": {"name": name, "namespace": FLUX_NAMESPACE},
            "spec": spec,
        }
        relative = self._app_file(app)
        self.tree.add(relative, obj, header)
        self._output(written, kind, name, relative)
        written.appliers.append((kind, name, spec))

    def _value_layers(
        self, app: NeutralApp, part: Part, name: str, written: Written
    ) -> tuple[list[str], list[dict[str, Any]]]:
        """``valuesFiles`` and ``valuesFrom`` that layer values as Argo CD does.

        Argo CD layers value files over the chart's own ``values.yaml``; Flux
        ``valuesFiles`` replace it, so it is listed first. Files of another source
        cannot be ``valuesFiles``: then every file becomes a ConfigMap, in order (which
        keeps the chart's defaults and the layering).
        """
        source, helm = part.source, part.build.helm
        files = helm.value_files
        if not files:
            return [], []
        if all(f.source is None for f in files) and source.type is not SourceType.OCI:
            if source.type is SourceType.GIT:
                defaults = posixpath.join(source.path, "values.yaml")
                # confined: a path out of the repository is never looked at
                chart_folder = self.folders.inside(source.url, source.path)
                if chart_folder is not None and chart_folder.is_dir():
                    own = self.folders.inside(source.url, "values.yaml", source.path)
                    first = [defaults] if own is not None and own.is_file() else []
                else:
                    # Most charts have defaults: keep them; a chart without fails loudly.
                    first = [defaults]
                    written.lose(
                        f"{part.origin}.helm.valueFiles",
                        f"the chart {source.path} is not on disk here: its values.yaml is "
                        "listed first, as Argo CD layers value files on it; if the chart has "
                        "none, remove it from valuesFiles",
                    )
            else:
                first = ["values.yaml"]
            return first + [f.path for f in files if f.path not in first], []
        values_from: list[dict[str, Any]] = []
        for index, value_file in enumerate(files):
            where = f"{part.origin}.helm.valueFiles[{index}]"
            if value_file.content is None:
                written.lose(
                    where,
                    f"{value_file.path} could not be read offline to become a ConfigMap "
                    "(Flux cannot read value files of another source)",
                )
                continue
            config_name = dns_name(f"{name}-values-{index}", 253)
            config = {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": config_name, "namespace": FLUX_NAMESPACE},
                "data": {"values.yaml": _yaml_text(value_file.content)},
            }
            relative = self._app_file(app)
            self.tree.add(relative, config)
            self._output(written, "ConfigMap", config_name, relative)
            values_from.append({"kind": "ConfigMap", "name": config_name})
            written.lose(
                where,
                f"{value_file.path} is copied into ConfigMap {config_name}: later changes to "
                "the file are not followed until converted again",
            )
        return [], values_from

    def _namespace(self, app: NeutralApp, written: Written) -> None:
        target = app.target
        if not target.create_namespace or not target.namespace:
            return
        helm_only = all(p.build.tool is BuildTool.HELM for p in app.parts)
        if helm_only and not target.namespace_labels and not target.namespace_annotations:
            return  # install.createNamespace makes it
        relative = f"clusters/{target.cluster}/namespaces/{dns_name(target.namespace)}.yaml"
        if (target.cluster, target.namespace) not in self.namespaces:
            self.namespaces.add((target.cluster, target.namespace))
            metadata: dict[str, Any] = {"name": target.namespace}
            if target.namespace_labels:
                metadata["labels"] = target.namespace_labels
            if target.namespace_annotations:
                metadata["annotations"] = target.namespace_annotations
            self.tree.add(relative, {"apiVersion": "v1", "kind": "Namespace", "metadata": metadata})
        self._output(written, "Namespace", target.namespace, relative, namespace=None)


def _edit_origin(part: Part, key: str) -> str:
    """The source field of an overlay edit (``resources``: the directory's file list)."""
    return f"{part.origin}.directory" if key == "resources" else f"{part.origin}.kustomize.{key}"


def _yaml_text(values: Mapping[str, Any]) -> str:
    return dump([dict(values)])
