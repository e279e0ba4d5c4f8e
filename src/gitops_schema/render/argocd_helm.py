"""The Helm sources of an Argo CD Application: a chart folder or a repository chart.

Values are layered as Argo CD passes them to ``helm template``: value files (relative to
the source, from the repository root, or ``$ref/...`` of another source), ``valuesObject``
or ``values``, ``parameters`` (``--set``), then ``fileParameters`` (``--set-file``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitops_schema.diagnostics import Report, Severity
from gitops_schema.errors import ToolFailed
from gitops_schema.load.plain import (
    InputError,
    mapping_of,
    read_text,
    read_yaml_mapping,
    yaml_values,
)
from gitops_schema.model.argocd import ApplicationSource, ApplicationSourceHelm
from gitops_schema.render.argocd_context import AppContext, outside
from gitops_schema.render.chart_fetch import ChartFetchError, repository_chart
from gitops_schema.render.charts import (
    ChartError,
    ChartNotCached,
    cache_hint,
    prepared_chart,
    template_chart,
)
from gitops_schema.render.confine import OUTSIDE, Confinement, OutsideRepository
from gitops_schema.render.engines import kube_version_numbers
from gitops_schema.render.helm_values import (
    ValuesPathError,
    merge_values,
    parse_set_value,
    set_path,
)
from gitops_schema.render.manifests import input_invalid, parse_stream

__all__ = ["render_helm", "render_repository_chart"]


def render_repository_chart(
    context: AppContext, source: ApplicationSource, field: str, report: Report
) -> list[dict[str, Any]]:
    """A source's chart of a Helm or OCI repository, from the chart cache (or fetched)."""
    chart, version = source.chart or "", source.target_revision or ""
    url = source.repo_url
    try:
        found = repository_chart(
            context.chart_cache, url, chart, version, allow_network=context.allow_network
        )
    except ChartFetchError as error:
        report.emit("render-argocd-chart-fetch-failed", Severity.ERROR, str(error), context.where)
        return []
    if found is None:
        report.emit(
            "render-argocd-chart-not-cached",
            Severity.INFO,
            f"cannot verify offline: chart {chart} {version} from {url} is not in the chart cache "
            f"({cache_hint(chart, version)})",
            context.where,
        )
        return []
    return render_helm(context, source, field, found, report)


def render_helm(
    context: AppContext, source: ApplicationSource, field: str, chart: Path, report: Report
) -> list[dict[str, Any]]:
    """The objects ``helm template`` makes of ``chart`` with the source's Helm options."""
    helm = source.helm or ApplicationSourceHelm()
    where = context.where
    kube_version = _kube_version(helm.kube_version or "", report, context)
    if kube_version is None:
        return []
    try:
        with prepared_chart(
            chart, context.chart_cache, allow_network=context.allow_network
        ) as folder:
            if source.chart:
                # A repository chart is its own repository: its value files are its files.
                files = _Files(Confinement.of(folder, context.allowed), folder)
            else:
                files = _Files(context.confinement(source), chart)
            values = _helm_values(context, helm, field, files, report)
            if values is None:
                return []
            text = template_chart(
                context.helm,
                folder,
                values,
                release=helm.release_name or context.name,
                namespace=helm.namespace or context.namespace or "default",
                include_crds=not helm.skip_crds,
                kube_version=kube_version or None,
                api_versions=list(helm.api_versions),
            )
    except ChartNotCached as error:
        report.emit("render-argocd-chart-not-cached", Severity.INFO, str(error), where)
        return []
    except ChartError as error:
        report.emit("render-argocd-chart-unavailable", Severity.ERROR, str(error), where)
        return []
    except ToolFailed as error:
        report.emit("render-argocd-helm-failed", Severity.ERROR, error.message, where)
        return []
    try:
        return parse_stream(text, f"helm template of Application {context.name}")
    except InputError as error:
        report.emit("render-argocd-helm-failed", Severity.ERROR, str(error), where)
        return []


def _kube_version(given: str, report: Report, context: AppContext) -> str | None:
    """The release numbers the repo-server hands Helm (``v1.20.3-gke.1`` -> ``1.20.3``).

    Empty when none is given; None once a diagnostic says it cannot be parsed.
    """
    if not given:
        return given
    try:
        return kube_version_numbers(given)
    except ValueError as error:
        report.emit(
            "render-argocd-helm-kube-version",
            Severity.ERROR,
            f"could not parse kubernetes version {given}: {error}",
            context.where,
        )
        return None


@dataclass(frozen=True, slots=True)
class _Files:
    """Where a Helm source's value files are read: its folder, inside its repository."""

    confinement: Confinement
    base: Path


def _helm_values(
    context: AppContext, helm: ApplicationSourceHelm, field: str, files: _Files, report: Report
) -> dict[str, Any] | None:
    """The values, layered in Argo CD's order; None once a diagnostic says what failed."""
    values = _value_files(context, helm, field, files, report)
    if values is None:
        return None
    inline = _inline_values(context, helm, report)
    if inline is None:
        return None
    if inline:
        values = merge_values(values, inline)
    values = copy.deepcopy(values)
    if not _set_parameters(context, helm, values, report):
        return None
    if not _set_file_parameters(context, helm, field, files, values, report):
        return None
    return values


def _value_files(
    context: AppContext, helm: ApplicationSourceHelm, field: str, files: _Files, report: Report
) -> dict[str, Any] | None:
    values: dict[str, Any] = {}
    for index, entry in enumerate(helm.value_files):
        where = f"{field}.helm.valueFiles[{index}]"
        try:
            path = _value_file(context, entry, files)
        except OutsideRepository as error:
            outside(report, where, error, context.where)
            return None
        if path is None or not path.is_file():
            if helm.ignore_missing_value_files:
                continue
            report.emit(
                "render-argocd-value-file-missing",
                Severity.ERROR,
                f"{where}: value file {entry} not found (relative to {files.base})"
                + _absolute_hint(entry),
                context.where,
            )
            return None
        try:
            values = merge_values(values, read_yaml_mapping(path))
        except InputError as error:
            report.add(input_invalid(error, f"value file of Application {context.name}"))
            return None
    return values


def _inline_values(
    context: AppContext, helm: ApplicationSourceHelm, report: Report
) -> Mapping[str, Any] | None:
    """``valuesObject``, else ``values`` parsed (empty when neither); None when unreadable."""
    inline: Mapping[str, Any] | None = helm.values_object
    if inline is None and helm.values:
        shown = f"Application/{context.name} helm.values"
        try:
            documents = yaml_values(helm.values, shown)
            inline = mapping_of(documents[0] if documents else None, shown)
        except InputError as error:
            report.add(input_invalid(error, "inline values"))
            return None
    return inline or {}


def _set_parameters(
    context: AppContext, helm: ApplicationSourceHelm, values: dict[str, Any], report: Report
) -> bool:
    """``parameters`` set into ``values`` as ``--set`` does; False once reported."""
    for parameter in helm.parameters:
        value = parse_set_value(parameter.value or "", force_string=bool(parameter.force_string))
        try:
            set_path(values, parameter.name or "", value)
        except ValuesPathError as error:
            report.emit("render-argocd-helm-parameter", Severity.ERROR, str(error), context.where)
            return False
    return True


def _set_file_parameters(
    context: AppContext,
    helm: ApplicationSourceHelm,
    field: str,
    files: _Files,
    values: dict[str, Any],
    report: Report,
) -> bool:
    """``fileParameters`` set into ``values`` as ``--set-file`` does; False once reported."""
    for index, parameter in enumerate(helm.file_parameters):
        where = f"{field}.helm.fileParameters[{index}].path"
        try:
            path = _value_file(context, parameter.path or "", files)
        except OutsideRepository as error:
            outside(report, where, error, context.where)
            return False
        if path is None or not path.is_file():
            report.emit(
                "render-argocd-value-file-missing",
                Severity.ERROR,
                f"{where}: file parameter {parameter.path} not found"
                + _absolute_hint(parameter.path or ""),
                context.where,
            )
            return False
        try:
            set_path(values, parameter.name or "", read_text(path))
        except InputError as error:
            report.add(input_invalid(error, f"file parameter of Application {context.name}"))
            return False
        except ValuesPathError as error:
            report.emit("render-argocd-helm-parameter", Severity.ERROR, str(error), context.where)
            return False
    return True


def _absolute_hint(entry: str) -> str:
    if not entry.startswith("/"):
        return ""
    return f" (an absolute path is read from the repository root, never from {OUTSIDE})"


def _value_file(context: AppContext, entry: str, files: _Files) -> Path | None:
    """The file a value file or file parameter names, as Argo CD resolves it.

    Relative to the source's folder; absolute, relative to its repository's root;
    ``$ref/...``, relative to the root of the source named ``ref``. Symlinks are followed
    and the result must stay inside that repository (or a trusted folder).

    Raises:
        OutsideRepository: the file is outside.
    """
    if entry.startswith("$"):
        ref, _, rest = entry[1:].partition("/")
        root = context.refs.get(ref)
        if root is None:
            return None
        return Confinement.of(root, context.allowed).resolve(rest, absolute="root")
    if "://" in entry:
        return None
    return files.confinement.resolve(entry, base=files.base, absolute="root")
