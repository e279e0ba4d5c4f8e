"""Where a Flux HelmRelease's chart is: a source's folder, the chart cache, an artifact.

``spec.chart`` names a chart of a source: a path of a GitRepository (the repository, or a
mapped folder) or a mapped Bucket, or a chart of a HelmRepository (from the chart cache,
fetched when allowed); ``spec.chartRef`` names an OCIRepository's chart (chart cache) or
an ExternalArtifact that holds one. ``valuesFiles`` replace the chart's default values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitops_schema.diagnostics import Report, Severity
from gitops_schema.load.plain import InputError, read_yaml_mapping
from gitops_schema.location import Location
from gitops_schema.model.flux_helm import HelmChartTemplateSpec, HelmReleaseSpec
from gitops_schema.model.identity import ObjectId
from gitops_schema.render.chart_fetch import ChartFetchError, repository_chart
from gitops_schema.render.charts import ChartError, cache_hint
from gitops_schema.render.confine import OUTSIDE, Confinement, OutsideRepository, escaping_links
from gitops_schema.render.flux_source import source_id, source_path
from gitops_schema.render.helm_values import merge_values
from gitops_schema.render.manifests import find_object

__all__ = ["ChartLookup", "release_chart"]


@dataclass(frozen=True, slots=True)
class ChartLookup:
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


def release_chart(
    spec: HelmReleaseSpec,
    namespace: str,
    repository: Path,
    sources: Mapping[ObjectId, Path],
    charts: ChartLookup,
) -> tuple[Path, dict[str, Any] | None] | None:
    """The chart and, when ``valuesFiles`` replace its defaults, those defaults.

    None once a diagnostic says why the chart is not available.
    """
    if spec.chart is None:
        return _referenced_chart(spec, namespace, sources, charts)
    template = spec.chart.spec
    ref = template.source_ref
    source = source_id(ref.kind, ref.namespace or namespace, ref.name)
    if ref.kind == "GitRepository" or (ref.kind == "Bucket" and source in sources):
        # The chart is a path of the source: the repository, unless mapped elsewhere.
        found = _source_chart(template, sources.get(source, repository), charts)
    else:
        found = _repository_chart(template, namespace, charts)
    if found is None:
        return None
    folder, files = found
    try:
        defaults = _values_files(folder, files, ignore_missing=template.ignore_missing_values_files)
    except ChartError as error:
        charts.report.emit(
            "render-flux-helm-values-missing", Severity.ERROR, str(error), charts.where
        )
        return None
    return folder, defaults


def _source_chart(
    template: HelmChartTemplateSpec, root: Path, charts: ChartLookup
) -> tuple[Path, list[Path]] | None:
    """A chart that is a path of a source rooted at ``root``, and its values files."""
    report, where = charts.report, charts.where
    kind = template.source_ref.kind
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
            f"no Chart.yaml (looked in {confinement.shown(folder)})",
            where,
        )
        return None
    return folder, files


def _repository_chart(
    template: HelmChartTemplateSpec, namespace: str, charts: ChartLookup
) -> tuple[Path, list[Path]] | None:
    """A chart of a HelmRepository (or unmapped Bucket...), cached or fetched, and its files."""
    version = template.version or "*"
    ref = template.source_ref
    source_namespace = ref.namespace or namespace
    # Only a HelmRepository has an index to fetch from; a Bucket's charts are files.
    helm_repository = (
        find_object(charts.objects, source_id(ref.kind, source_namespace, ref.name))
        if ref.kind == "HelmRepository"
        else None
    )
    url = str(((helm_repository or {}).get("spec") or {}).get("url") or "")
    found = charts.repository_chart(
        template.chart, version, f"{ref.kind} {source_namespace}/{ref.name}", url
    )
    if found is None:
        return None
    # In a HelmRepository chart the value files are files of the chart itself.
    try:
        return found, [_chart_file(found, f) for f in template.values_files]
    except OutsideRepository as error:
        charts.report.emit(
            "render-outside-repository",
            Severity.ERROR,
            f"spec.chart.spec.valuesFiles {error} (of the chart): not read",
            charts.where,
        )
        return None


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
    spec: HelmReleaseSpec, namespace: str, sources: Mapping[ObjectId, Path], charts: ChartLookup
) -> tuple[Path, dict[str, Any] | None] | None:
    """The chart a ``chartRef`` names.

    That is the chart an ExternalArtifact (or any source mapped to a folder) holds, or an
    OCIRepository's chart at its tag or semver, from the chart cache.
    """
    report, where = charts.report, charts.where
    ref = spec.chart_ref
    described = f"{ref.kind} {ref.namespace or namespace}/{ref.name}" if ref else "none"
    referenced = source_id(ref.kind, ref.namespace or namespace, ref.name) if ref else None
    if referenced is not None and referenced in sources:
        return _artifact_chart(sources[referenced], described, charts)
    source = (
        find_object(charts.objects, referenced)
        if referenced is not None and referenced.kind == "OCIRepository"
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
    folder: Path, described: str, charts: ChartLookup
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
        "or in one folder of it",
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
