"""The directory sources of an Argo CD Application: plain manifests and Jsonnet files.

The files a source's ``directory`` settings select (:func:`.argocd_sources.directory_files`)
are read in order; Jsonnet is evaluated with the source's ``jsonnet`` settings and the
``ARGOCD_APP_*`` variables the repo-server sets.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gitops_schema.diagnostics import Report, Severity
from gitops_schema.load.plain import InputError, read_text
from gitops_schema.model.argocd import ApplicationSource, ApplicationSourceDirectory
from gitops_schema.render.argocd_context import AppContext, outside
from gitops_schema.render.argocd_sources import directory_files, libraries
from gitops_schema.render.confine import OUTSIDE, OutsideRepository
from gitops_schema.render.jsonnet import JsonnetError, evaluate_jsonnet
from gitops_schema.render.manifests import parse_stream

__all__ = ["render_directory"]


def render_directory(
    context: AppContext, source: ApplicationSource, field: str, folder: Path, report: Report
) -> list[dict[str, Any]]:
    """The objects of a directory source's Jsonnet files, then of its manifest files."""
    directory = source.directory or ApplicationSourceDirectory()
    confinement = context.confinement(source)
    manifests, jsonnet = directory_files(
        folder,
        recurse=bool(directory.recurse),
        include=directory.include or "",
        exclude=directory.exclude or "",
    )
    # The Jsonnet evaluator takes the settings as written (Argo CD's field names).
    settings: dict[str, Any] = (
        directory.jsonnet.model_dump(by_alias=True, exclude_unset=True) if directory.jsonnet else {}
    )
    try:
        settings = {**settings, "libs": libraries(settings, confinement)} if jsonnet else settings
    except OutsideRepository as error:
        outside(report, f"{field}.directory.jsonnet.libs", error, context.where)
        return []
    env = {
        "ARGOCD_APP_NAME": context.name,
        "ARGOCD_APP_NAMESPACE": context.namespace,
        "ARGOCD_APP_SOURCE_REPO_URL": source.repo_url,
        "ARGOCD_APP_SOURCE_PATH": source.path or "",
        "ARGOCD_APP_SOURCE_TARGET_REVISION": source.target_revision or "",
    }
    objects: list[dict[str, Any]] = []
    for path in jsonnet:
        try:
            objects.extend(
                evaluate_jsonnet(
                    path,
                    app_folder=folder,
                    repo_root=confinement.root,
                    settings=settings,
                    env=env,
                    allowed=confinement.allowed,
                )
            )
        except JsonnetError as error:
            report.emit("render-argocd-jsonnet-failed", Severity.ERROR, str(error), context.where)
    for path in manifests:
        if not confinement.contains(path):
            outside(
                report,
                f"{field}.path",
                OutsideRepository(str(path), f"is a symlink that points {OUTSIDE}"),
                context.where,
            )
            continue
        try:
            objects.extend(parse_stream(read_text(path), str(path)))
        except InputError as error:
            report.emit(
                "render-argocd-manifest-invalid",
                Severity.ERROR,
                f"{error} (a manifest of Application {context.name})",
                context.where,
            )
    return objects
