"""``--verify``: render the source and the converted output, compare per application.

Both sides go through our render engine; objects are compared after normalisation,
ignoring only the labels and annotations the tools own (``*.fluxcd.io/*``,
``*.argoproj.io/*``). A difference that no stated loss of the item explains turns it
lossy, with the difference named. Applications whose charts are not in the chart cache,
or whose source does not render, are reported as not verified, never as the same; a
conversion that does not render where its source does is a difference.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitops_schema.compare.normalize import ObjectId, identity, malformed, normalize
from gitops_schema.convert.argocd_to_flux import Conversion
from gitops_schema.convert.fidelity import Item
from gitops_schema.desired import (
    RenderedApp,
    RenderedRepository,
    RenderOptions,
    render_repository,
)
from gitops_schema.diagnostics import Diagnostic, Report, Severity
from gitops_schema.render import RenderCache, RenderResult, render_application

__all__ = [
    "Difference",
    "Verification",
    "VerifyOptions",
    "compared",
    "differences",
    "verify_argocd_to_flux",
    "verify_flux_to_argocd",
]

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
    return {identity(m): _comparable(m) for m in manifests if isinstance(m, Mapping)}


@dataclass(frozen=True, slots=True)
class Difference:
    """One object that renders differently: missing from a side, or which fields differ."""

    id: ObjectId
    side: str = ""
    """``source`` or ``conversion`` when the object is rendered from that side only."""
    fields: tuple[str, ...] = ()
    """JSON paths of the differing fields, when both sides render the object."""

    def __str__(self) -> str:
        if self.side:
            return f"{self.id} is rendered from the {self.side} only"
        more = f" (and {len(self.fields) - _SHOWN} more)" if len(self.fields) > _SHOWN else ""
        return f"{self.id} differs at {', '.join(self.fields[:_SHOWN])}{more}"


def compared(
    source: Iterable[Mapping[str, Any]], output: Iterable[Mapping[str, Any]]
) -> list[Difference]:
    """Each object the two renders disagree on, ordered by identity."""
    before, after = _by_identity(source), _by_identity(output)
    found: list[Difference] = []
    for key in sorted(set(before) | set(after), key=str):
        if key not in after:
            found.append(Difference(key, "source"))
        elif key not in before:
            found.append(Difference(key, "conversion"))
        elif before[key] != after[key]:
            found.append(Difference(key, fields=tuple(_paths(before[key], after[key]))))
    return found


def differences(
    source: Iterable[Mapping[str, Any]], output: Iterable[Mapping[str, Any]]
) -> list[str]:
    """Each difference between two renders, named: object missing, extra, or which fields."""
    return [str(difference) for difference in compared(source, output)]


def _objects(difference: Difference) -> bool:
    return bool(difference.side)


def _anything(difference: Difference) -> bool:
    return True


def _within(pattern: str) -> Callable[[Difference], bool]:
    """Differences in fields matching ``pattern`` only."""
    fields = re.compile(pattern)
    return lambda d: not d.side and all(fields.search(f) for f in d.fields)


def _namespace(difference: Difference) -> bool:
    return bool(difference.side) or difference.fields == ("$.metadata.namespace",)


_EXPLAINS: tuple[tuple[re.Pattern[str], Callable[[Difference], bool]], ...] = tuple(
    (re.compile(pattern), explains)
    for pattern, explains in (
        # What a stated loss at a source field can change in the rendered objects.
        (r"(commonLabels|forceCommonLabels|labelIncludeTemplates)$", _within(r"label|selector")),
        (r"(commonAnnotations\w*|forceCommonAnnotations)$", _within(r"\.annotations")),
        (r"commonMetadata$", _within(r"^\$\.metadata\.(labels|annotations)")),
        (r"\.replicas(\[\d+\])?$", _within(r"^\$\.spec\.replicas$")),
        (r"(destination\.namespace|helm\.namespace|targetNamespace)$", _namespace),
        (r"(\.path|\.directory)$", _objects),
        (r"\.(targetRevision|sourceRef|chartRef|postBuild|postRenderers|decryption)$", _anything),
        (r"\.(valueFiles|valuesFiles|fileParameters|parameters|valuesFrom)(\[\d+\])?$", _anything),
        (r"\.helm\.(values|kubeVersion|apiVersions|skipSchemaValidation)$", _anything),
        (r"\.kustomize\.(patches\[\d+\]\.path|version|kubeVersion|apiVersions)$", _anything),
        (r"^\$\.spec$", _anything),
    )
)
"""Source field (a stated loss) -> the differences it explains."""


def _explaining(item: Item, difference: Difference, label: str) -> str | None:
    """The field of the stated loss that explains ``difference``, if one does.

    Only the losses of the application compared count (``label`` starts those of an
    ApplicationSet's generated Applications).
    """
    for loss in item.losses:
        if loss.reason.startswith("verify") or not loss.reason.startswith(label):
            continue
        for pattern, explains in _EXPLAINS:
            if pattern.search(loss.field) and explains(difference):
                return loss.field
    return None


@dataclass(slots=True)
class Verification:
    """What ``--verify`` compared, in applications.

    Those rendering the same objects on both sides, those that differ (each difference is
    in its item), and those not compared.
    """

    same: int = 0
    differ: int = 0
    unverified: int = 0
    """Applications whose chart is not in the chart cache, or whose source did not render."""

    def count(self, differences: int) -> None:
        """Count one compared application with this many differences."""
        if differences:
            self.differ += 1
        else:
            self.same += 1

    def summary(self) -> str:
        """One line saying what was verified, e.g. ``verified: 3 applications render ...``."""
        compared = self.same + self.differ
        if not compared and not self.unverified:
            return "verified: no application to compare"
        parts = [
            f"verified: {_applications(self.same)} of {compared} render the same objects"
            if compared
            else "verified: no application could be compared"
        ]
        if self.differ:
            parts.append(f"{self.differ} differ (named in the report)")
        if self.unverified:
            parts.append(
                f"{_applications(self.unverified)} not verified (a chart not in the chart "
                "cache, or a side that did not render)"
            )
        return "; ".join(parts)


def _applications(count: int) -> str:
    return f"{count} application" + ("" if count == 1 else "s")


def _record(item: Item, label: str, found: list[Difference]) -> None:
    for difference in found:
        explained = _explaining(item, difference, label)
        reason = f"verify: {label}{difference}"
        if explained is None:
            reason += " (no stated loss explains it)"
        else:
            reason += f" (as the loss at {explained} says)"
        item.lose("$.spec", reason)


def _malformed(item: Item, label: str, side: str, manifests: Sequence[Any]) -> int:
    problems = malformed(manifests)
    for problem in problems:
        item.lose("$.spec", f"verify: {label}{side}: {problem}")
    return len(problems)


def _uncached(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(_NOT_CACHED in d.rule for d in diagnostics)


def _errors(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity == Severity.ERROR]


def _unrendered(item: Item, label: str, diagnostics: Iterable[Diagnostic]) -> int:
    """Name each error of rendering the conversion (its source rendered): a difference."""
    errors = _errors(diagnostics)
    for error in errors:
        item.lose(
            "$.spec",
            f"verify: {label}the conversion does not render where the source does: "
            f"{error.message} [{error.rule}]",
        )
    return len(errors)


def _apps(rendered: RenderedRepository) -> dict[tuple[str, str, str], RenderedApp]:
    return {(a.cluster, a.kind, a.name): a for a in rendered.apps}


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


def verify_argocd_to_flux(
    conversion: Conversion, options: VerifyOptions, report: Report
) -> Verification:
    """Compare each Application's render with its Flux objects' render (written already).

    The Flux side reads every git source from the folder the Argo CD side read it from.
    """
    verification = Verification()
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
        if _uncached(source.report) or _errors(source.report):
            verification.unverified += 1
            continue
        apps = [
            output[key]
            for kind, out in link.outputs
            if (key := (link.cluster, kind, out)) in output
        ]
        converted = [m for app in apps for m in app.manifests]
        label = f"Application {name}: " if item.source.kind == "ApplicationSet" else ""
        found = compared(source.manifests, converted)
        bad = _malformed(item, label, "source", source.manifests)
        bad += _malformed(item, label, "conversion", converted)
        bad += _unrendered(item, label, (p for app in apps for p in app.problems))
        _record(item, label, found)
        verification.count(bad + len(found))
    return verification


def verify_flux_to_argocd(
    conversion: Conversion, options: VerifyOptions, report: Report, source_root: Path
) -> Verification:
    """Compare each Flux object's render with its Application's render (written already)."""
    verification = Verification()
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
        if app is None or app.location.file in uncached or _errors(app.problems):
            verification.unverified += 1
            continue
        converted = _render_application(link.definition, source_root, options)
        report.extend(converted.report)
        if _uncached(converted.report):
            verification.unverified += 1
            continue
        found = compared(app.manifests, converted.manifests)
        bad = _malformed(item, "", "source", app.manifests)
        bad += _malformed(item, "", "conversion", converted.manifests)
        bad += _unrendered(item, "", converted.report)
        _record(item, "", found)
        verification.count(bad + len(found))
    return verification


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
