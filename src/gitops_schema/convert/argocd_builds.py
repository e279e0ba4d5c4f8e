"""How an Argo CD source becomes manifests: its Helm, kustomize and directory options.

Files the options name (value files, ``--set-file`` parameters, patch files) are read
only inside their repository; one that leaves it is a loss, never read.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitops_schema.convert.data import plain
from gitops_schema.convert.folders import SourceFolders
from gitops_schema.convert.neutral import Build, HelmOptions, Source, SourceType, ValueFile
from gitops_schema.convert.notes import Notes
from gitops_schema.load.plain import InputError, first_yaml_value, read_text
from gitops_schema.model.argocd import (
    ApplicationSourceDirectory,
    ApplicationSourceHelm,
    ApplicationSourceKustomize,
    KustomizeReplica,
)
from gitops_schema.render.argocd_sources import parse_image
from gitops_schema.render.helm_values import (
    ValuesPathError,
    merge_values,
    parse_set_value,
    set_path,
)

__all__ = ["SourceContext", "read_directory", "read_helm", "read_kustomize"]

_OUTSIDE = "is outside the repository: not read, not carried over"


@dataclass(frozen=True, slots=True)
class SourceContext:
    """One source being read: where it is in the Application and on disk."""

    where: str
    """Its JSON path (``$.spec.source``, ``$.spec.sources[1]``)."""
    source: Source
    folders: SourceFolders
    refs: Mapping[str, Source]
    """Sources with a ``ref``, by ref name (for ``$ref/...`` value files)."""
    notes: Notes

    def file(self, reference: str) -> Path | None:
        """A file the source names, relative to its folder; None outside the repository."""
        return self.folders.inside(self.source.url, reference, self.source.path)

    def text(self, reference: str, where: str, what: str) -> str | None:
        """A text file the source names; a loss at ``where`` when it cannot be read."""
        if self.source.type is not SourceType.GIT:
            self.notes.lose(where, f"{what} {reference}: a chart's file is not readable offline")
            return None
        path = self.file(reference)
        if path is None:
            self.notes.lose(where, f"{what} {reference} {_OUTSIDE}")
            return None
        try:
            return path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            self.notes.lose(where, f"{what} {reference} is not readable offline, not carried over")
            return None


def _read_values(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    try:
        loaded = first_yaml_value(read_text(path), str(path))
    except InputError:
        return None
    return loaded if isinstance(loaded, dict) else ({} if loaded is None else None)


def _value_file(entry: str, where: str, context: SourceContext) -> ValueFile | None:
    notes, source = context.notes, context.source
    if entry.startswith(("http://", "https://")):
        notes.lose(where, f"a values file fetched over HTTP ({entry}) is not carried over")
        return None
    if entry.startswith("$"):
        name, _, rest = entry[1:].partition("/")
        if name not in context.refs:
            notes.lose(where, f"${name} names no source with ref: {name}")
            return None
        ref_source = context.refs[name]
        path = context.folders.inside(ref_source.url, rest)
        if path is None:
            notes.lose(where, f"{entry} {_OUTSIDE}")
            return None
        return ValueFile(posixpath.normpath(rest), ref_source, _read_values(path))
    if source.type is not SourceType.GIT:
        return ValueFile(posixpath.normpath(entry))  # a file of the chart package itself
    path = context.file(entry)
    if path is None:
        notes.lose(where, f"{entry} {_OUTSIDE}")
        return None
    return ValueFile(
        posixpath.normpath(posixpath.join(source.path, entry)), None, _read_values(path)
    )


def _inline_values(helm: ApplicationSourceHelm, where: str, notes: Notes) -> dict[str, Any]:
    if helm.values_object is not None:
        return dict(plain(helm.values_object))
    if not helm.values or not helm.values.strip():
        return {}
    try:
        loaded = first_yaml_value(helm.values, f"{where}.helm.values")
    except InputError as error:
        notes.lose(f"{where}.helm.values", f"not valid YAML, not carried over: {error}")
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _parameters(helm: ApplicationSourceHelm, context: SourceContext) -> dict[str, Any]:
    """``--set`` and ``--set-file`` parameters, typed as Helm types them."""
    where, notes = context.where, context.notes
    sets: dict[str, Any] = {}
    for index, parameter in enumerate(helm.parameters):
        value = parse_set_value(parameter.value or "", force_string=bool(parameter.force_string))
        try:
            set_path(sets, parameter.name or "", value)
        except ValuesPathError as error:
            notes.lose(f"{where}.helm.parameters[{index}]", str(error))
    for index, file_parameter in enumerate(helm.file_parameters):
        at = f"{where}.helm.fileParameters[{index}]"
        text = context.text(file_parameter.path or "", at, "--set-file")
        if text is None:
            continue
        try:
            set_path(sets, file_parameter.name or "", text)
        except ValuesPathError as error:
            notes.lose(at, str(error))
    return sets


def read_helm(helm: ApplicationSourceHelm | None, build: Build, context: SourceContext) -> None:
    """A Helm source's release name, values in Helm's layering order, and options."""
    helm = helm or ApplicationSourceHelm()
    where, notes = context.where, context.notes
    options: HelmOptions = build.helm
    options.release_name = helm.release_name or ""
    options.ignore_missing_value_files = bool(helm.ignore_missing_value_files)
    options.skip_crds = bool(helm.skip_crds)
    options.skip_tests = bool(helm.skip_tests)
    if helm.release_name:
        notes.origins["helm.release_name"] = f"{where}.helm.releaseName"
    for index, entry in enumerate(helm.value_files):
        found = _value_file(entry, f"{where}.helm.valueFiles[{index}]", context)
        if found is not None:
            options.value_files.append(found)
    options.values = merge_values(_inline_values(helm, where, notes), _parameters(helm, context))
    for key, value in (
        ("kubeVersion", helm.kube_version),
        ("apiVersions", helm.api_versions),
        ("passCredentials", helm.pass_credentials),
        ("skipSchemaValidation", helm.skip_schema_validation),
    ):
        if value:
            notes.lose(
                f"{where}.helm.{key}",
                "Flux renders with the cluster's own capabilities and credentials; "
                "this template option has no HelmRelease field",
            )
    if helm.namespace:
        notes.origins["helm.namespace"] = f"{where}.helm.namespace"
        options.namespace = helm.namespace


def _replicas(entries: list[KustomizeReplica], base: str, notes: Notes) -> list[dict[str, Any]]:
    """Kustomize ``replicas`` entries with a whole count; others are losses."""
    kept = []
    for index, replica in enumerate(entries):
        count = replica.count
        if isinstance(count, str) and count.strip().isdigit():
            count = int(count)
        if not isinstance(count, int):
            notes.lose(
                f"{base}.replicas[{index}]",
                f"count {count!r} is not a whole number: not carried over",
            )
            continue
        kept.append({"name": replica.name, "count": count})
    return kept


def _patches(kustomize: ApplicationSourceKustomize, context: SourceContext) -> list[dict[str, Any]]:
    """Inline patches; a patch file is read into its ``patch`` text."""
    base = f"{context.where}.kustomize"
    patches = []
    for index, entry in enumerate(kustomize.patches):
        patch = dict(plain(entry))
        if patch.get("path"):
            where = f"{base}.patches[{index}].path"
            text = context.text(str(patch.pop("path")), where, "patch file")
            if text is None:
                continue
            patch["patch"] = text
        patches.append(patch)
    return patches


_KUSTOMIZE_LOSSES = {
    "forceCommonLabels": "Flux has no forced-label option",
    "forceCommonAnnotations": "Flux has no forced-label option",
    "commonAnnotationsEnvsubst": "this Argo CD kustomize edit has no Flux field",
    "labelIncludeTemplates": "this Argo CD kustomize edit has no Flux field",
    "version": "Flux builds with its own kustomize and the cluster's capabilities",
    "kubeVersion": "Flux builds with its own kustomize and the cluster's capabilities",
    "apiVersions": "Flux builds with its own kustomize and the cluster's capabilities",
}
"""Argo CD kustomize options Flux has no field for, and why."""


def read_kustomize(
    kustomize: ApplicationSourceKustomize | None, build: Build, context: SourceContext
) -> None:
    """A kustomize source's edits, and a loss for those Flux has no field for."""
    kustomize = kustomize or ApplicationSourceKustomize()
    notes, options = context.notes, build.kustomize
    base = f"{context.where}.kustomize"
    options.name_prefix = kustomize.name_prefix or ""
    options.name_suffix = kustomize.name_suffix or ""
    options.namespace = kustomize.namespace or ""
    options.images = [parse_image(i) for i in kustomize.images]
    options.components = list(kustomize.components)
    options.common_labels = dict(kustomize.common_labels)
    options.labels_without_selector = bool(kustomize.label_without_selector)
    options.common_annotations = dict(kustomize.common_annotations)
    options.replicas = _replicas(kustomize.replicas, base, notes)
    options.patches = _patches(kustomize, context)
    options.ignore_missing_components = bool(kustomize.ignore_missing_components)
    for key, value in kustomize.model_dump(by_alias=True, exclude_unset=True).items():
        notes.origins[f"kustomize.{key}"] = f"{base}.{key}"
        if value and key in _KUSTOMIZE_LOSSES:
            notes.lose(f"{base}.{key}", _KUSTOMIZE_LOSSES[key])


def read_directory(directory: ApplicationSourceDirectory | None, build: Build) -> None:
    """A plain directory source's file selection."""
    if directory is not None:
        build.directory.recurse = bool(directory.recurse)
        build.directory.include = directory.include or ""
        build.directory.exclude = directory.exclude or ""
