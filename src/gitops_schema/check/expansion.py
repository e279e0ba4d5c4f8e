"""ApplicationSets, expanded for checking: generated Applications pinned to their template.

Each generated Application becomes a typed object whose locations point into the
ApplicationSet's template, so the Application rules run on what Argo CD would create
and report where a user can fix it. Expansion itself adds three checks: failing
generators, Applications generated twice under one name, and generated source paths
that do not exist in the checked repository.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from gitops_schema.appset import OfflineInputs, expand_objects
from gitops_schema.appset.expand import Expansion, note_in_cluster
from gitops_schema.check.rule import RuleContext
from gitops_schema.codes.appset import (
    APPSET_DUPLICATE_NAME,
    APPSET_PATH_MISSING,
)
from gitops_schema.diagnostics import Diagnostic
from gitops_schema.load import Document
from gitops_schema.location import JsonPath, Location
from gitops_schema.model import GitOpsObject, ObjectId, Tool, identity
from gitops_schema.model.argocd import Application
from gitops_schema.model.argocd_appset import ApplicationSet


@dataclass(frozen=True, slots=True)
class GeneratedDocument(Document):
    """A generated Application; its paths locate inside the ApplicationSet's template."""

    template: Document | None = None

    def locate(self, path: JsonPath, *, key: bool = False) -> Location:
        """The location in the template that produced the value at ``path``."""
        assert self.template is not None
        return self.template.locate(("spec", "template", *path), key=key)


def generated_objects(expansions: Sequence[Expansion]) -> list[GitOpsObject]:
    """Every generated Application, typed, as an object located in its template."""
    objects: list[GitOpsObject] = []
    for expansion in expansions:
        source = expansion.appset.document
        for generated in expansion.applications:
            app = generated.application
            document = GeneratedDocument(
                source.file, source.index, app, source.position, source.prefix, source
            )
            try:
                model: Any = Application.model_validate(app, context={"document": document})
            except ValidationError:
                continue
            metadata = app.get("metadata") or {}
            objects.append(
                GitOpsObject(
                    document,
                    Tool.ARGOCD,
                    "argoproj.io/v1alpha1",
                    "Application",
                    str(metadata.get("name", "")),
                    metadata.get("namespace"),
                    model,
                )
            )
    return objects


def expand_for_check(
    objects: Sequence[GitOpsObject],
    roots: Sequence[str],
    revision: str | None,
    clusters: Sequence[Path],
    scm_data: Sequence[Path] = (),
) -> tuple[list[Expansion], list[Diagnostic]]:
    """Expand the ApplicationSets of the checked files against their own repository."""
    folder = next((Path(r) for r in roots if Path(r).is_dir()), None)
    inputs = OfflineInputs(
        clusters=tuple(clusters), repo=folder, revision=revision, scm_data=tuple(scm_data)
    )
    result = expand_objects(objects, inputs)
    return result.expansions, list(result.report)


def check_duplicate_names(expansions: Sequence[Expansion]) -> Iterator[Diagnostic]:
    """Two generated Applications with one name (in one namespace): only one can exist."""
    seen: dict[ObjectId, str] = {}
    for expansion in expansions:
        for generated in expansion.applications:
            key = identity(generated.application)
            owner = expansion.appset.name
            if key in seen:
                first = seen[key]
                also = f"ApplicationSet {first!r}" if first != owner else "another parameter set"
                yield APPSET_DUPLICATE_NAME.at(
                    f"ApplicationSet {owner!r} generates Application {key.name!r} more than once "
                    f"(also from {also}): Argo CD keeps one and reports an error",
                    expansion.appset.document.locate(("spec", "template", "metadata", "name")),
                )
                note = note_in_cluster(expansion)
                if note is not None:
                    yield note
            else:
                seen[key] = owner


def _static_prefix(template_path: str) -> str:
    """The folder part of a template path before its first parameter ('' if none)."""
    static = template_path.split("{{", 1)[0]
    return static.rsplit("/", 1)[0].strip("/") if "/" in static else ""


def _repository_roots(context: RuleContext, appset_file: str, prefix: str) -> Iterator[str]:
    """The folders, at or above the ApplicationSet's, where its template's path starts."""
    folder = posixpath.dirname(appset_file)
    roots = [r.rstrip("/") for r in context.roots]
    while True:
        base = f"{folder}/" if folder else ""
        if context.exists(base + prefix):
            yield base
        if not folder or folder in roots:
            return
        folder = posixpath.dirname(folder)


def _missing(context: RuleContext, expansion: Expansion, base: str) -> list[tuple[str, str]]:
    """(name, path) of each generated Application whose source path is not under ``base``."""
    missing: list[tuple[str, str]] = []
    for generated in expansion.applications:
        # What a template renders may have any shape: a templatePatch can make it so.
        application = generated.application
        spec, metadata = application.get("spec"), application.get("metadata")
        source = spec.get("source") if isinstance(spec, dict) else None
        path = source.get("path") if isinstance(source, dict) else None
        if isinstance(path, str) and path and not context.exists(base + path.strip("/")):
            name = str(metadata.get("name") if isinstance(metadata, dict) else None)
            missing.append((name, path))
    return missing


def check_paths(context: RuleContext, expansions: Sequence[Expansion]) -> Iterator[Diagnostic]:
    """Generated source paths that do not exist in the checked repository.

    The repository is taken to be the checked one when the part of the template's path
    before its first parameter exists at or above the ApplicationSet's folder; that
    folder is the repository root the generated paths are looked up in (of several, the
    one where most of them are: ``apps/`` beside the ApplicationSet in ``argocd/apps/``
    is not the ``apps/`` at the root its paths name).
    """
    for expansion in expansions:
        model = expansion.appset.model
        # One that does not fit its schema was not expanded (appset-not-expanded says so).
        if not isinstance(model, ApplicationSet):
            continue
        template_source = model.spec.template.spec.source
        template_path = template_source.path if template_source is not None else None
        if template_path is None or "{{" not in template_path:
            continue
        prefix = _static_prefix(template_path)
        if not prefix:
            continue
        bases = _repository_roots(context, expansion.appset.document.file, prefix)
        # The nearest folder first: of those that explain as many paths, it is taken.
        missing = min((_missing(context, expansion, b) for b in bases), key=len, default=[])
        if missing:
            shown = ", ".join(f"{name!r} -> {path}" for name, path in missing[:3])
            more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
            yield APPSET_PATH_MISSING.at(
                f"{len(missing)} of {len(expansion.applications)} generated Applications point "
                f"at folders that do not exist in the repository: {shown}{more}",
                expansion.appset.document.locate(("spec", "template", "spec", "source", "path")),
            )
            note = note_in_cluster(expansion)
            if note is not None:
                yield note
