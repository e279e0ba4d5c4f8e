"""Flux HelmReleases rendered as helm-controller installs them, offline.

The chart comes from a GitRepository path in the repository, or from the chart cache for
HelmRepository and OCIRepository charts (:mod:`.flux_helm_chart`); values are composed in
Flux's order (chart defaults or ``valuesFiles``, ``valuesFrom``, ``values``, then
``targetPath`` entries); ``postRenderers`` run through the real kustomize; every object
gets Flux's origin labels.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gitops_schema.diagnostics import Report, Severity
from gitops_schema.errors import ToolFailed
from gitops_schema.load.plain import InputError, mapping_of, yaml_values
from gitops_schema.location import Location
from gitops_schema.model import GitOpsObject
from gitops_schema.model.flux_helm import HelmRelease, HelmReleaseSpec
from gitops_schema.model.identity import ObjectId
from gitops_schema.render.cache import RenderCache, input_key
from gitops_schema.render.charts import (
    ChartError,
    ChartNotCached,
    prepared_chart,
    template_chart,
)
from gitops_schema.render.engines import HelmEngine, KustomizeEngine, find_kustomize
from gitops_schema.render.flux_helm_chart import ChartLookup, release_chart
from gitops_schema.render.flux_source import SourceFolders, source_keyed
from gitops_schema.render.helm_values import (
    ValuesPathError,
    merge_values,
    parse_set_value,
    set_path,
)
from gitops_schema.render.kustomize import RenderResult, build_kustomization
from gitops_schema.render.manifests import find_object, object_data, parse_stream
from gitops_schema.render.scratch import scratch_folder

__all__ = ["release_name", "render_helm_release"]

NAME_LABEL = "helm.toolkit.fluxcd.io/name"
NAMESPACE_LABEL = "helm.toolkit.fluxcd.io/namespace"
_MAX_RELEASE_NAME = 53


def release_name(name: str, target_namespace: str | None, explicit: str | None = None) -> str:
    """The Helm release name helm-controller uses.

    ``spec.releaseName`` when set, else ``[targetNamespace-]name``; a name over 53
    characters becomes its first 40 characters, ``-`` and 12 hex digits of its SHA-256.
    """
    if explicit:
        return explicit
    full = f"{target_namespace}-{name}" if target_namespace else name
    if len(full) <= _MAX_RELEASE_NAME:
        return full
    return f"{full[:40]}-{hashlib.sha256(full.encode()).hexdigest()[:12]}"


def render_helm_release(
    release: GitOpsObject,
    *,
    repository: Path,
    sources: SourceFolders | None = None,
    objects: Sequence[Mapping[str, Any]] = (),
    chart_cache: Path | None = None,
    allow_network: bool = False,
    engine: KustomizeEngine | None = None,
    helm: HelmEngine | None = None,
    cache: RenderCache | None = None,
    allow_outside: Sequence[Path] = (),
) -> RenderResult:
    """Render a Flux HelmRelease to the objects helm-controller would install.

    Args:
        release: a ``helm.toolkit.fluxcd.io`` HelmRelease.
        repository: the repository being rendered; GitRepository charts are read from it.
        sources: local folders for other sources, keyed by identity or
            ``Kind/namespace/name``: a
            GitRepository or Bucket the chart is a path of, an ExternalArtifact a
            ``chartRef`` names (its folder holds the chart); they take precedence.
        objects: ConfigMaps and Secrets that ``valuesFrom`` may name, the HelmRepository
            objects a ``chart.spec`` may name and the OCIRepository objects a ``chartRef``
            may name.
        chart_cache: where HelmRepository and OCIRepository charts are found
            (``<chart>-<version>.tgz`` or ``<chart>/<version>/``).
        allow_network: download a chart missing from ``chart_cache`` into it, from the
            URL of its HelmRepository or OCIRepository
            (:func:`~gitops_schema.render.chart_fetch.repository_chart`).
        engine: the kustomize that runs ``postRenderers``; found when needed.
        helm: the Helm engine; the in-process one when omitted.
        cache: where rendered outputs are stored by chart content, values and settings.
        allow_outside: folders outside the source its chart and values files may be in.

    Returns:
        The objects, their YAML, and ``render-flux-helm-*`` diagnostics for a chart that is
        not available offline, missing values or a failing template.

    Raises:
        ToolNotFound: ``postRenderers`` need kustomize and none is installed.
    """
    result = RenderResult()
    where = release.location
    model = release.model
    if not isinstance(model, HelmRelease):
        result.report.emit(
            "render-flux-helm-invalid", Severity.ERROR, "not a valid Flux HelmRelease", where
        )
        return result
    spec = model.spec
    namespace = release.namespace or "default"
    charts = ChartLookup(
        chart_cache, allow_network, objects, result.report, where, tuple(allow_outside)
    )
    chart = release_chart(spec, namespace, repository, source_keyed(sources or {}), charts)
    if chart is None:
        return result
    values = _values(spec, namespace, objects, result.report, where)
    if values is None:
        return result
    helm = helm or HelmEngine(allow_network=allow_network)
    install = _Install.of(release, spec, chart, values, helm)
    key = _cache_key(install, spec) if cache is not None else None
    if cache is not None and key is not None and (entry := cache.get(key, manifests=list)):
        return RenderResult(entry["manifests"], Report(), cached=True)
    manifests = _template(install, (chart_cache, allow_network), release.name, result.report, where)
    if manifests is None:
        return result
    for renderer in spec.post_renderers:
        if renderer.kustomize is not None and manifests:
            manifests = _post_render(manifests, renderer.kustomize, engine, result, where)
    for obj in manifests:
        _finish(obj, spec, release.name, namespace)
    # Imported here, on a release Helm renders: one read back from the cache (or a Flux
    # repository's walk that renders none) never loads Argo CD's render nor its models.
    from gitops_schema.render.argocd import apply_destination_namespace

    # Helm installs what names no namespace into the release's, as Argo CD does its
    # destination's.
    result.manifests = apply_destination_namespace(manifests, install.namespace)
    if key is not None and cache is not None and result.report.ok:
        cache.put(key, {"manifests": manifests})
    return result


@dataclass(frozen=True, slots=True)
class _Install:
    """What ``helm template`` is run with: the chart, its values, the release's settings."""

    chart: Path
    defaults: dict[str, Any] | None
    """The chart's default values replaced (``valuesFiles``); None to keep its own."""
    values: dict[str, Any]
    name: str
    namespace: str
    include_crds: bool
    helm: HelmEngine

    @classmethod
    def of(
        cls,
        release: GitOpsObject,
        spec: HelmReleaseSpec,
        chart: tuple[Path, dict[str, Any] | None],
        values: dict[str, Any],
        helm: HelmEngine,
    ) -> _Install:
        """How helm-controller installs ``release``: its name, namespace and CRD policy."""
        return cls(
            chart[0],
            chart[1],
            values,
            release_name(release.name, spec.target_namespace, spec.release_name),
            spec.target_namespace or release.namespace or "default",
            spec.install is None or (spec.install.crds or "Create") != "Skip",
            helm,
        )


def _cache_key(install: _Install, spec: HelmReleaseSpec) -> str:
    """The key of the release's finished objects: chart content, values and settings."""
    source = install.chart
    files = [p for p in source.rglob("*") if p.is_file()] if source.is_dir() else [source]
    settings = [
        install.values,
        install.defaults,
        install.name,
        install.namespace,
        install.include_crds,
        spec.model_dump(mode="json", include={"post_renderers", "common_metadata"}),
    ]
    return input_key(
        source, files, "flux-helm", install.helm.version, json.dumps(settings, sort_keys=True)
    )


def _template(
    install: _Install,
    charts: tuple[Path | None, bool],
    name: str,
    report: Report,
    where: Location,
) -> list[dict[str, Any]] | None:
    """The objects ``helm template`` makes; None once a diagnostic says why it failed.

    ``charts`` is the chart cache, and whether a dependency it lacks may be downloaded.
    """
    chart_cache, allow_network = charts
    try:
        with prepared_chart(
            install.chart, chart_cache, defaults=install.defaults, allow_network=allow_network
        ) as folder:
            text = template_chart(
                install.helm,
                folder,
                install.values,
                release=install.name,
                namespace=install.namespace,
                include_crds=install.include_crds,
            )
    except ChartNotCached as error:
        report.emit("render-flux-helm-chart-not-cached", Severity.INFO, str(error), where)
        return None
    except ChartError as error:
        report.emit("render-flux-helm-chart-unavailable", Severity.ERROR, str(error), where)
        return None
    except ToolFailed as error:
        report.emit("render-flux-helm-failed", Severity.ERROR, error.message, where)
        return None
    try:
        return parse_stream(text, f"helm template of HelmRelease {name}")
    except InputError as error:
        report.emit("render-flux-helm-failed", Severity.ERROR, str(error), where)
        return None


def _values(
    spec: HelmReleaseSpec,
    namespace: str,
    objects: Sequence[Mapping[str, Any]],
    report: Report,
    where: Location,
) -> dict[str, Any] | None:
    values: dict[str, Any] = {}
    targeted: list[tuple[str, Any]] = []
    for ref in spec.values_from:
        found = find_object(objects, ObjectId("", ref.kind, namespace, ref.name))
        if found is None:
            if ref.optional:
                continue
            report.emit(
                "render-flux-helm-values-from-missing",
                Severity.ERROR,
                f"valuesFrom {ref.kind} {namespace}/{ref.name} not found",
                where,
            )
            return None
        key = ref.values_key or "values.yaml"
        data = object_data(found)
        if key not in data:
            report.emit(
                "render-flux-helm-values-from-missing",
                Severity.ERROR,
                f"valuesFrom {ref.kind} {namespace}/{ref.name} has no key {key!r}",
                where,
            )
            return None
        if ref.target_path:
            value = data[key] if ref.literal else parse_set_value(data[key])
            targeted.append((ref.target_path, value))
            continue
        shown = f"valuesFrom {ref.kind} {namespace}/{ref.name} key {key!r}"
        try:
            documents = yaml_values(data[key], shown)
            layer = mapping_of(documents[0] if documents else None, shown)
        except InputError as error:
            report.emit(
                "render-flux-helm-values-from-invalid",
                Severity.ERROR,
                f"{shown} is not a YAML map: {error.diagnostic.message}",
                where,
            )
            return None
        values = merge_values(values, layer)
    values = copy.deepcopy(merge_values(values, spec.values))
    for path, value in targeted:
        try:
            set_path(values, path, value)
        except ValuesPathError as error:
            report.emit("render-flux-helm-values-from-invalid", Severity.ERROR, str(error), where)
            return None
    return values


def _post_render(
    manifests: list[dict[str, Any]],
    kustomize: Any,
    engine: KustomizeEngine | None,
    result: RenderResult,
    where: Location,
) -> list[dict[str, Any]]:
    overlay: dict[str, Any] = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": ["helm-output.yaml"],
    }
    dumped = kustomize.model_dump(by_alias=True, exclude_none=True)
    for field in ("patches", "images", "patchesStrategicMerge", "patchesJson6902"):
        if dumped.get(field):
            overlay[field] = dumped[field]
    with scratch_folder("gitops-schema-helm-post-") as temporary:
        folder = temporary
        stream = "".join("---\n" + yaml.safe_dump(obj, sort_keys=False) for obj in manifests)
        (folder / "helm-output.yaml").write_text(stream, "utf-8")
        (folder / "kustomization.yaml").write_text(json.dumps(overlay), "utf-8")
        built = build_kustomization(folder, engine=engine or find_kustomize(), location=where)
    result.report.extend(built.report)
    return built.manifests if built.report.ok else manifests


def _finish(obj: dict[str, Any], spec: HelmReleaseSpec, name: str, namespace: str) -> None:
    metadata = obj.setdefault("metadata", {})
    common = spec.common_metadata
    if common is not None:
        if common.labels:
            metadata.setdefault("labels", {}).update(common.labels)
        if common.annotations:
            metadata.setdefault("annotations", {}).update(common.annotations)
    labels = metadata.setdefault("labels", {})
    labels[NAME_LABEL] = name
    labels[NAMESPACE_LABEL] = namespace
