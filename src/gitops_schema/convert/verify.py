"""``--verify``: render the source and the converted output, compare per application.

Both sides go through our render engine; objects are compared after normalisation,
ignoring only the labels and annotations the tools own (``*.fluxcd.io/*``,
``*.argoproj.io/*``). A difference that no stated loss of the item explains turns it
lossy, with the difference named. Applications whose charts are not in the chart cache
are reported, not counted as differences.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitops_schema.compare.normalize import ObjectId, identity, normalize
from gitops_schema.convert.argocd_to_flux import Conversion
from gitops_schema.convert.fidelity import Item
from gitops_schema.desired import RenderedRepository, RenderOptions, render_repository
from gitops_schema.diagnostics import Diagnostic, Report
from gitops_schema.render import RenderCache, RenderResult, render_application

__all__ = ["VerifyOptions", "differences", "verify_argocd_to_flux", "verify_flux_to_argocd"]

_TOOL_DOMAINS = ("fluxcd.io", "argoproj.io")
_NOT_CACHED = "not-cached"
"""Render codes saying a chart is not in the chart cache: not a difference."""
_SHOWN = 5
"""Differing fields named per object."""


@dataclass(frozen=True, slots=True)
class VerifyOptions:
    """How both sides are rendered (as ``render``'s options)."""

    chart_cache: Path | None = None
    allow_network: bool = False
    cache: RenderCache | None = None
    clusters: Sequence[Path] = ()
    repos: Mapping[str, Path] = field(default_factory=dict)
    progress: Callable[[str], None] | None = field(default=None, compare=False)


def _tool_owned(key: str) -> bool:
    domain = key.partition("/")[0] if "/" in key else ""
    return any(domain == d or domain.endswith(f".{d}") for d in _TOOL_DOMAINS)


def _comparable(obj: Mapping[str, Any]) -> dict[str, Any]:
    clean = normalize(obj)
    metadata = clean.get("metadata")
    if isinstance(metadata, dict):
        for key in ("labels", "annotations"):
            values = metadata.get(key)
            if isinstance(values, dict):
                kept = {k: v for k, v in values.items() if not _tool_owned(k)}
                if kept:
                    metadata[key] = kept
                else:
                    del metadata[key]
    return clean


def _paths(a: Any, b: Any, at: str = "$") -> Iterable[str]:
    """JSON paths where two values differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            yield from _paths(a.get(key), b.get(key), f"{at}.{key}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from _paths(x, y, f"{at}[{index}]")
    elif a != b:
        yield at


def _by_identity(manifests: Iterable[Mapping[str, Any]]) -> dict[ObjectId, dict[str, Any]]:
    return {identity(m): _comparable(m) for m in manifests}


def differences(
    source: Iterable[Mapping[str, Any]], output: Iterable[Mapping[str, Any]]
) -> list[str]:
    """Each difference between two renders, named: object missing, extra, or which fields."""
    before, after = _by_identity(source), _by_identity(output)
    found: list[str] = []
    for key in sorted(set(before) | set(after), key=str):
        if key not in after:
            found.append(f"{key} is rendered from the source only")
        elif key not in before:
            found.append(f"{key} is rendered from the conversion only")
        elif before[key] != after[key]:
            fields = list(_paths(before[key], after[key]))
            more = f" (and {len(fields) - _SHOWN} more)" if len(fields) > _SHOWN else ""
            found.append(f"{key} differs at {', '.join(fields[:_SHOWN])}{more}")
    return found


_BUILD_FIELDS = re.compile(
    r"\$\.spec\.(source|sources|path|postBuild|chart|chartRef|valuesFrom|postRenderers|"
    r"commonMetadata|components|namePrefix|nameSuffix|images|patches)?([.\[]|$)"
)
"""Fields that say how manifests are built (Argo CD sources; Flux build fields): a stated
loss there explains a difference in what is rendered."""


def _build_loss(item: Item) -> str | None:
    """The stated loss about how the manifests are built, which explains differences."""
    for loss in item.losses:
        field_path = loss.field.replace("$.spec.template", "$")
        if _BUILD_FIELDS.match(field_path) and not loss.reason.startswith("verify"):
            return loss.field
    return None


def _record(item: Item, label: str, found: list[str]) -> None:
    if not found:
        return
    explained = _build_loss(item)
    for difference in found:
        reason = f"verify: {label}{difference}"
        if explained is not None:
            reason += f" (as the loss at {explained} says)"
        item.lose("$.spec", reason)


def _uncached(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(_NOT_CACHED in d.rule for d in diagnostics)


def _apps(rendered: RenderedRepository) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    return {(a.cluster, a.kind, a.name): a.manifests for a in rendered.apps}


def _render_output(
    conversion: Conversion, options: VerifyOptions, repos: Mapping[str, Path]
) -> RenderedRepository:
    return render_repository(
        conversion.tree.root,
        RenderOptions(
            repos=dict(repos),
            chart_cache=options.chart_cache,
            allow_network=options.allow_network,
            cache=options.cache,
            clusters=tuple(options.clusters),
        ),
    )


def verify_argocd_to_flux(conversion: Conversion, options: VerifyOptions, report: Report) -> None:
    """Compare each Application's render with its Flux objects' render (written already).

    The Flux side reads every git source from the folder the Argo CD side read it from.
    """
    urls = {
        str(source.get("repoURL") or "")
        for link in conversion.links
        for source in _sources(link.definition)
        if not source.get("chart")
    }
    repos = {url: options.repos.get(url, conversion.root) for url in urls if url}
    rendered = _render_output(conversion, options, repos)
    report.extend(rendered.report)
    output = _apps(rendered)
    for link in conversion.links:
        item = conversion.fidelity.items[link.item]
        name = link.source[1]
        if options.progress is not None:
            options.progress(name)
        source = _render_application(link.definition, conversion.root, options)
        report.extend(source.report)
        if _uncached(source.report):
            continue
        converted = [
            m for kind, out in link.outputs for m in output.get((link.cluster, kind, out), [])
        ]
        label = f"Application {name}: " if item.source.kind == "ApplicationSet" else ""
        _record(item, label, differences(source.manifests, converted))


def verify_flux_to_argocd(
    conversion: Conversion, options: VerifyOptions, report: Report, source_root: Path
) -> None:
    """Compare each Flux object's render with its Application's render (written already)."""
    source = render_repository(
        source_root,
        RenderOptions(
            repos=dict(options.repos),
            chart_cache=options.chart_cache,
            allow_network=options.allow_network,
            cache=options.cache,
        ),
    )
    report.extend(source.report)
    uncached = {d.location.file for d in source.report if _NOT_CACHED in d.rule}
    rendered = {(a.cluster, a.kind, a.name): a for a in source.apps}
    for link in conversion.links:
        item = conversion.fidelity.items[link.item]
        if options.progress is not None:
            options.progress(link.source[1])
        app = rendered.get((link.cluster, *link.source))
        if app is None or app.location.file in uncached:
            continue
        converted = _render_application(link.definition, source_root, options)
        report.extend(converted.report)
        if _uncached(converted.report):
            continue
        _record(item, "", differences(app.manifests, converted.manifests))


def _render_application(
    definition: Mapping[str, Any], root: Path, options: VerifyOptions
) -> RenderResult:
    return render_application(
        definition,
        repository=root,
        repos=options.repos,
        chart_cache=options.chart_cache,
        allow_network=options.allow_network,
        cache=options.cache,
    )


def _sources(app: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    spec = app.get("spec") or {}
    sources = spec.get("sources") or ([spec["source"]] if spec.get("source") else [])
    return [s for s in sources if isinstance(s, Mapping)]
