"""The kustomize sources of an Argo CD Application, and Argo CD's kustomize build options.

A source without ``kustomize`` options is its folder built as it is; one with options is
built through an overlay that applies them (:func:`.argocd_sources.kustomize_overlay`),
cached by the overlay and the inputs it reads.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gitops_schema.diagnostics import Diagnostic, Report, Severity
from gitops_schema.load.plain import InputError
from gitops_schema.render.argocd_context import AppContext
from gitops_schema.render.argocd_sources import kustomize_overlay
from gitops_schema.render.confine import Confinement, OutsideRepository
from gitops_schema.render.engines import KustomizeEngine, KustomizeOptions, find_kustomize
from gitops_schema.render.inputs import collect_inputs
from gitops_schema.render.kustomize import build_kustomization, report_outside
from gitops_schema.render.scratch import scratch_folder

if TYPE_CHECKING:
    # Only named in signatures: a Flux render never loads the Argo CD models.
    from gitops_schema.model.argocd import ApplicationSource

__all__ = ["kustomize_build_options", "kustomize_edits", "render_kustomize"]

_RESTRICTED = "is not in or below"
"""What kustomize says when its load restrictor refuses a file outside the kustomization."""

_OVERLAY_AT = Path("/gitops-schema-overlay")
"""Where the overlay is imagined for its cache key: its real folder is a new one each time."""


def render_kustomize(
    context: AppContext, source: ApplicationSource, field: str, folder: Path, report: Report
) -> list[dict[str, Any]]:
    """The objects kustomize builds of a source's ``folder``, with its ``kustomize`` options."""
    engine = context.kustomize or find_kustomize()
    confinement = context.confinement(source)
    edits = kustomize_edits(source)
    build_options = context.kustomize_options
    if not edits:
        result = build_kustomization(
            folder,
            options=build_options,
            engine=engine,
            cache=context.cache,
            location=context.where,
            confinement=confinement,
        )
        report.extend(_restrictor_hint(result.report, build_options))
        return result.manifests
    return _render_overlay(context, engine, edits, field, folder, confinement, report)


def kustomize_edits(source: ApplicationSource) -> dict[str, Any]:
    """The ``kustomize`` options a source sets that change what is built, as written.

    Those are applied through an overlay; the kustomize version and the Kubernetes version
    and APIs are the repo-server's business, not the build's.
    """
    if source.kustomize is None:
        return {}
    return source.kustomize.model_dump(
        by_alias=True, exclude_unset=True, exclude={"version", "kube_version", "api_versions"}
    )


def _render_overlay(
    context: AppContext,
    engine: KustomizeEngine,
    edits: Mapping[str, Any],
    field: str,
    folder: Path,
    confinement: Confinement,
    report: Report,
) -> list[dict[str, Any]]:
    """The build of an overlay applying ``edits`` to ``folder``: cached, else built."""
    build_options = context.kustomize_options
    components = [str(c) for c in edits.get("components") or []]
    inputs = collect_inputs(folder, components, confinement=confinement)
    try:
        overlay = kustomize_overlay(folder, edits, _OVERLAY_AT, confinement)
    except OutsideRepository as error:
        inputs.outside.append(f"{field}.kustomize {error}")
    except (OSError, InputError) as error:
        report.emit("render-argocd-kustomize-failed", Severity.ERROR, str(error), context.where)
        return []
    if inputs.outside:
        report_outside(report, inputs.outside, context.where)
        return []
    key = None
    if context.cache is not None:
        key = inputs.key(
            "argocd-overlay",
            engine.version,
            *build_options.key(),
            json.dumps(overlay, sort_keys=True),
        )
        entry = context.cache.get(key, manifests=list)
        if entry is not None:
            return list(entry["manifests"])
    with scratch_folder("gitops-schema-argocd-") as temporary:
        overlay = kustomize_overlay(folder, edits, temporary, confinement)
        (temporary / "kustomization.yaml").write_text(json.dumps(overlay), "utf-8")
        result = build_kustomization(
            temporary,
            options=build_options,
            engine=engine,
            location=context.where,
            confinement=Confinement(temporary.resolve(), (confinement.root, *confinement.allowed)),
        )
        # The overlay is a scratch folder that is gone once this returns: kustomize's
        # message names the source folder it builds instead.
        scratch = [
            os.path.relpath(folder.resolve(), temporary.resolve()),
            str(temporary.resolve()),
            str(temporary),
        ]
    told = Report(
        [replace(d, message=_replaced(d.message, scratch, str(folder))) for d in result.report]
    )
    report.extend(_restrictor_hint(told, build_options))
    if key is not None and context.cache is not None and result.report.ok:
        context.cache.put(key, {"manifests": result.manifests})
    return result.manifests


def _replaced(text: str, olds: Sequence[str], new: str) -> str:
    for old in olds:
        text = text.replace(old, new)
    return text


def _restrictor_hint(report: Report, options: KustomizeOptions) -> list[Diagnostic]:
    """The build's diagnostics, a load-restrictor refusal naming the build option it lacks."""
    if options.load_restrictor != "LoadRestrictionsRootOnly":
        return list(report)
    return [
        replace(
            d,
            message=f"{d.message}; the kustomize build option --load-restrictor "
            "LoadRestrictionsNone is missing (Argo CD's kustomize.buildOptions in argocd-cm, "
            "or --kustomize-build-options)",
        )
        if d.rule == "render-kustomize-failed" and _RESTRICTED in d.message
        else d
        for d in report
    ]


def kustomize_build_options(text: str) -> tuple[KustomizeOptions, list[str]]:
    """Argo CD's ``kustomize.buildOptions`` as build options, and the words not honoured.

    ``--load-restrictor LoadRestrictionsNone`` (or ``=``) and ``--enable-helm`` are
    honoured; anything else (``--enable-alpha-plugins`` runs programs a repository names)
    is returned, for the caller to report.
    """
    words = text.split()
    restrictor: str = "LoadRestrictionsRootOnly"
    helm = False
    ignored: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        flag, equals, value = word.partition("=")
        if flag == "--load-restrictor":
            if not equals and index + 1 < len(words):
                index += 1
                value = words[index]
            if value in ("LoadRestrictionsRootOnly", "LoadRestrictionsNone"):
                restrictor = value
            else:
                ignored.append(f"{flag} {value}".strip())
        elif word == "--enable-helm":
            helm = True
        else:
            ignored.append(word)
        index += 1
    options = KustomizeOptions(
        load_restrictor="LoadRestrictionsNone"
        if restrictor == "LoadRestrictionsNone"
        else "LoadRestrictionsRootOnly",
        enable_helm=helm,
    )
    return options, ignored
