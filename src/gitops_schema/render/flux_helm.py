"""Flux HelmReleases rendered as helm-controller installs them, offline.

The chart comes from a GitRepository path in the repository, or from the chart cache for
HelmRepository and OCIRepository charts; values are composed in Flux's order (chart
defaults or ``valuesFiles``, ``valuesFrom``, ``values``, then ``targetPath`` entries);
``postRenderers`` run through the real kustomize; every object gets Flux's origin labels.
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
from gitops_schema.load.plain import InputError, mapping_of, read_yaml_mapping, yaml_values
from gitops_schema.location import Location
from gitops_schema.model import GitOpsObject
from gitops_schema.model.flux_helm import HelmRelease, HelmReleaseSpec
from gitops_schema.render.argocd import apply_destination_namespace
from gitops_schema.render.cache import RenderCache, input_key
from gitops_schema.render.chart_fetch import ChartFetchError, repository_chart
from gitops_schema.render.charts import (
    ChartError,
    cache_hint,
    prepared_chart,
    template_chart,
)
from gitops_schema.render.confine import (
    OUTSIDE,
    Confinement,
    OutsideRepository,
    escaping_links,
)
from gitops_schema.render.engines import HelmEngine, KustomizeEngine, find_kustomize
from gitops_schema.render.flux import source_path
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
    sources: Mapping[str, Path] | None = None,
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
        sources: local folders for other sources, keyed ``Kind/namespace/name``: a
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
    charts = _Charts(
        chart_cache, allow_network, objects, result.report, where, tuple(allow_outside)
    )
    chart = _chart(spec, namespace, repository, sources or {}, charts)
    if chart is None:
        return result
    source, defaults = chart
    values = _values(spec, namespace, objects, result.report, where)
    if values is None:
        return result
    install_crds = spec.install is None or (spec.install.crds or "Create") != "Skip"
    name = release_name(release.name, spec.target_namespace, spec.release_name)
    key = None
    if cache is not None:
        files = [p for p in source.rglob("*") if p.is_file()] if source.is_dir() else [source]
        settings = [values, defaults, name, spec.target_namespace or namespace, install_crds]
        settings.append(spec.model_dump(mode="json", include={"post_renderers", "common_metadata"}))
        engine_version = (helm or HelmEngine()).version
        key = input_key(
            source, files, "flux-helm", engine_version, json.dumps(settings, sort_keys=True)
        )
        entry = cache.get(key, manifests=list)
        if entry is not None:
            return RenderResult(entry["manifests"], Report(), cached=True)
    try:
        with prepared_chart(source, chart_cache, defaults=defaults) as folder:
            text = template_chart(
                helm or HelmEngine(),
                folder,
                values,
                release=name,
                namespace=spec.target_namespace or namespace,
                include_crds=install_crds,
            )
    except ChartError as error:
        result.report.emit("render-flux-helm-chart-unavailable", Severity.ERROR, str(error), where)
        return result
    except ToolFailed as error:
        result.report.emit("render-flux-helm-failed", Severity.ERROR, error.message, where)
        return result
    try:
        manifests = parse_stream(text, f"helm template of HelmRelease {release.name}")
    except InputError as error:
        result.report.emit("render-flux-helm-failed", Severity.ERROR, str(error), where)
        return result
    for renderer in spec.post_renderers:
        if renderer.kustomize is not None and manifests:
            manifests = _post_render(manifests, renderer.kustomize, engine, result, where)
    for obj in manifests:
        _finish(obj, spec, release.name, namespace)
    # Helm installs what names no namespace into the release's, as Argo CD does its
    # destination's.
    result.manifests = apply_destination_namespace(manifests, spec.target_namespace or namespace)
    if key is not None and cache is not None and result.report.ok:
        cache.put(key, {"manifests": manifests})
    return result


@dataclass(frozen=True, slots=True)
class _Charts:
    """Where a release's chart is looked for, and where a miss is reported."""

    cache: Path | None
    allow_network: bool
    objects: Sequence[Mapping[str, Any]]
    """The HelmRepository and OCIRepository objects that give chart URLs."""
    report: Report
    where: Location
    allowed: tuple[Path, ...]
    """Folders outside the source that charts and values files may be in."""

    def repository_chart(self, chart: str, version: str, source: str, url: str) -> Path | None:
        """The chart, cached or fetched from ``url``; None once a diagnostic says why not.

        Args:
            chart: the chart name.
            version: its version or semver range; empty for the latest.
            source: the Flux source it comes from, as the diagnostics name it.
            url: the source's URL; empty when unknown, and then nothing is fetched.
        """
        try:
            found = repository_chart(
                self.cache, url, chart, version, allow_network=self.allow_network and bool(url)
            )
        except ChartFetchError as error:
            self.report.emit(
                "render-flux-helm-chart-fetch-failed", Severity.ERROR, str(error), self.where
            )
            return None
        if found is None:
            unfetched = (
                f"; it is not fetched: the URL of {source} is unknown"
                if self.allow_network and not url
                else ""
            )
            self.report.emit(
                "render-flux-helm-chart-not-cached",
                Severity.INFO,
                f"cannot verify offline: chart {chart} {version or '(latest)'} from {source} "
                "is not in the chart "
                f"cache ({cache_hint(chart, version)}){unfetched}",
                self.where,
            )
        return found


def _chart(
    spec: HelmReleaseSpec,
    namespace: str,
    repository: Path,
    sources: Mapping[str, Path],
    charts: _Charts,
) -> tuple[Path, dict[str, Any] | None] | None:
    """The chart and, when ``valuesFiles`` replace its defaults, those defaults."""
    report, where = charts.report, charts.where
    if spec.chart is None:
        return _referenced_chart(spec, namespace, sources, charts)
    template = spec.chart.spec
    kind = template.source_ref.kind
    key = f"{kind}/{template.source_ref.namespace or namespace}/{template.source_ref.name}"
    if kind == "GitRepository" or (kind == "Bucket" and key in sources):
        # The chart is a path of the source: the repository, unless mapped elsewhere.
        root = sources.get(key, repository)
        confinement = Confinement.of(root, charts.allowed)
        try:
            folder = source_path(confinement, template.chart)
            files = [source_path(confinement, f) for f in template.values_files]
        except OutsideRepository as error:
            report.emit(
                "render-outside-repository",
                Severity.ERROR,
                f"spec.chart.spec of {kind} {template.source_ref.name}: {error}: not read",
                where,
            )
            return None
        links = list(escaping_links(folder, confinement))
        if links:
            # A source artifact holds no symlinks: Helm would follow these out of it.
            report.emit(
                "render-outside-repository",
                Severity.ERROR,
                f"spec.chart.spec.chart {template.chart!r} holds symlinks that point "
                f"{OUTSIDE}: {', '.join(confinement.shown(link) for link in links[:5])}: "
                "not read",
                where,
            )
            return None
        if not (folder / "Chart.yaml").is_file():
            report.emit(
                "render-flux-helm-chart-unavailable",
                Severity.ERROR,
                f"chart path {template.chart} of {kind} {template.source_ref.name} has "
                f"no Chart.yaml (read from {root})",
                where,
            )
            return None
    else:
        version = template.version or "*"
        ref = template.source_ref
        source_namespace = ref.namespace or namespace
        # Only a HelmRepository has an index to fetch from; a Bucket's charts are files.
        helm_repository = (
            find_object(charts.objects, kind, source_namespace, ref.name)
            if kind == "HelmRepository"
            else None
        )
        url = str(((helm_repository or {}).get("spec") or {}).get("url") or "")
        found = charts.repository_chart(
            template.chart, version, f"{kind} {source_namespace}/{ref.name}", url
        )
        if found is None:
            return None
        folder = found
        # In a HelmRepository chart the value files are files of the chart itself.
        try:
            files = [_chart_file(found, f) for f in template.values_files]
        except OutsideRepository as error:
            report.emit(
                "render-outside-repository",
                Severity.ERROR,
                f"spec.chart.spec.valuesFiles {error} (of the chart): not read",
                where,
            )
            return None
    try:
        defaults = _values_files(folder, files, ignore_missing=template.ignore_missing_values_files)
    except ChartError as error:
        report.emit("render-flux-helm-values-missing", Severity.ERROR, str(error), where)
        return None
    return folder, defaults


def _chart_file(chart: Path, path: str) -> Path:
    """A file of a repository chart, which is a folder or a ``.tgz`` (read once unpacked).

    Raises:
        OutsideRepository: the path leaves the chart.
    """
    if chart.is_file():
        # Checked against the unpacked chart by _values_files.
        if path.startswith("/") or ".." in path.split("/") or "\0" in path:
            raise OutsideRepository(path, f"leaves the chart: {OUTSIDE}")
        return Path(path)
    return source_path(Confinement.of(chart), path)


def _referenced_chart(
    spec: HelmReleaseSpec, namespace: str, sources: Mapping[str, Path], charts: _Charts
) -> tuple[Path, dict[str, Any] | None] | None:
    """The chart a ``chartRef`` names.

    That is the chart an ExternalArtifact (or any source mapped to a folder) holds, or an
    OCIRepository's chart at its tag or semver, from the chart cache.
    """
    report, where = charts.report, charts.where
    ref = spec.chart_ref
    described = f"{ref.kind} {ref.namespace or namespace}/{ref.name}" if ref else "none"
    key = f"{ref.kind}/{ref.namespace or namespace}/{ref.name}" if ref else ""
    if key in sources:
        return _artifact_chart(sources[key], described, charts)
    source = (
        find_object(charts.objects, ref.kind, ref.namespace or namespace, ref.name)
        if ref is not None and ref.kind == "OCIRepository"
        else None
    )
    if source is None:
        known = " (not found in the repository)" if ref and ref.kind == "OCIRepository" else ""
        report.emit(
            "render-flux-helm-source-unsupported",
            Severity.ERROR,
            f"chartRef {described}{known} is not available offline: give the chart through "
            "spec.chart with a GitRepository, a HelmRepository and the chart cache, or an "
            "OCIRepository and the chart cache",
            where,
        )
        return None
    source_spec = source.get("spec") or {}
    url = str(source_spec.get("url") or "")
    chart = url.rstrip("/").rsplit("/", 1)[-1]
    oci_ref = source_spec.get("ref") or {}
    version = str(oci_ref.get("tag") or oci_ref.get("semver") or "")
    if oci_ref.get("digest") and not version:
        report.emit(
            "render-flux-helm-chart-not-cached",
            Severity.INFO,
            f"cannot verify offline: chartRef {described} pins {url} by digest only: the "
            "chart cache is keyed by "
            "version, so add ref.tag (or give the chart through spec.chart)",
            where,
        )
        return None
    # The URL names the chart itself: its registry path is everything before the name.
    registry = url.rstrip("/").rsplit("/", 1)[0] if url else ""
    found = charts.repository_chart(chart, version, f"{described} ({url})", registry)
    return None if found is None else (found, None)


def _artifact_chart(
    folder: Path, described: str, charts: _Charts
) -> tuple[Path, dict[str, Any] | None] | None:
    """The chart of an artifact: at its root, or its one folder with a Chart.yaml."""
    if (folder / "Chart.yaml").is_file():
        return folder, None
    inside = [sub for sub in sorted(folder.iterdir()) if (sub / "Chart.yaml").is_file()]
    if len(inside) == 1:
        return inside[0], None
    charts.report.emit(
        "render-flux-helm-chart-unavailable",
        Severity.ERROR,
        f"chartRef {described} holds no Helm chart: no Chart.yaml at its root "
        f"or in one folder of it (read from {folder})",
        charts.where,
    )
    return None


def _values_files(
    chart: Path, files: list[Path], *, ignore_missing: bool | None
) -> dict[str, Any] | None:
    if not files:
        return None
    merged: dict[str, Any] = {}
    for file in files:
        path = file if file.is_absolute() else chart / file
        if not Confinement.of(chart).contains(path) and not file.is_absolute():
            raise ChartError(f"values file {file} is a symlink that points {OUTSIDE}")
        if not path.is_file():
            if ignore_missing:
                continue
            raise ChartError(f"values file {file} not found (in {chart})")
        try:
            merged = merge_values(merged, read_yaml_mapping(path))
        except InputError as error:
            raise ChartError(f"values file {file} cannot be read: {error}") from error
    return merged


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
        found = find_object(objects, ref.kind, namespace, ref.name)
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
