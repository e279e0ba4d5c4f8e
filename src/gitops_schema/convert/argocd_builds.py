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

from gitops_schema.convert.data import as_list, as_map, plain, strings
from gitops_schema.convert.folders import SourceFolders
from gitops_schema.convert.neutral import Build, HelmOptions, Source, SourceType, ValueFile
from gitops_schema.convert.notes import Notes
from gitops_schema.load.plain import InputError, first_yaml_value, read_text
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


def _inline_values(helm: Mapping[str, Any], where: str, notes: Notes) -> dict[str, Any]:
    if isinstance(helm.get("valuesObject"), Mapping):
        return dict(plain(helm["valuesObject"]))
    if isinstance(helm.get("values"), Mapping):
        return dict(plain(helm["values"]))
    if not isinstance(helm.get("values"), str) or not helm["values"].strip():
        return {}
    try:
        loaded = first_yaml_value(helm["values"], f"{where}.helm.values")
    except InputError as error:
        notes.lose(f"{where}.helm.values", f"not valid YAML, not carried over: {error}")
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _parameters(helm: Mapping[str, Any], context: SourceContext) -> dict[str, Any]:
    """``--set`` and ``--set-file`` parameters, typed as Helm types them."""
    where, notes = context.where, context.notes
    sets: dict[str, Any] = {}
    for index, parameter in enumerate(as_list(helm.get("parameters"))):
        parameter = as_map(parameter)
        value = str(parameter.get("value") if parameter.get("value") is not None else "")
        try:
            set_path(
                sets,
                str(parameter.get("name") or ""),
                parse_set_value(value, force_string=bool(parameter.get("forceString"))),
            )
        except ValuesPathError as error:
            notes.lose(f"{where}.helm.parameters[{index}]", str(error))
    for index, parameter in enumerate(as_list(helm.get("fileParameters"))):
        parameter = as_map(parameter)
        at = f"{where}.helm.fileParameters[{index}]"
        text = context.text(str(parameter.get("path") or ""), at, "--set-file")
        if text is None:
            continue
        try:
            set_path(sets, str(parameter.get("name") or ""), text)
        except ValuesPathError as error:
            notes.lose(at, str(error))
    return sets


def read_helm(raw: Mapping[str, Any], build: Build, context: SourceContext) -> None:
    """A Helm source's release name, values in Helm's layering order, and options."""
    helm = as_map(raw.get("helm"))
    where, notes = context.where, context.notes
    options: HelmOptions = build.helm
    options.release_name = str(helm.get("releaseName") or "")
    options.ignore_missing_value_files = bool(helm.get("ignoreMissingValueFiles"))
    options.skip_crds = bool(helm.get("skipCrds"))
    options.skip_tests = bool(helm.get("skipTests"))
    if helm.get("releaseName"):
        notes.origins["helm.release_name"] = f"{where}.helm.releaseName"
    for index, entry in enumerate(as_list(helm.get("valueFiles"))):
        found = _value_file(str(entry), f"{where}.helm.valueFiles[{index}]", context)
        if found is not None:
            options.value_files.append(found)
    options.values = merge_values(_inline_values(helm, where, notes), _parameters(helm, context))
    for key in ("kubeVersion", "apiVersions", "passCredentials", "skipSchemaValidation"):
        if helm.get(key):
            notes.lose(
                f"{where}.helm.{key}",
                "Flux renders with the cluster's own capabilities and credentials; "
                "this template option has no HelmRelease field",
            )
    if helm.get("namespace"):
        notes.origins["helm.namespace"] = f"{where}.helm.namespace"
        options.namespace = str(helm["namespace"])


def _replicas(entries: list[Any], base: str, notes: Notes) -> list[dict[str, Any]]:
    """Kustomize ``replicas`` entries with a name and a whole count; others are losses."""
    kept = []
    for index, entry in enumerate(entries):
        replica = as_map(entry)
        count = replica.get("count")
        whole = isinstance(count, int) and not isinstance(count, bool)
        if isinstance(count, str) and count.strip().isdigit():
            count, whole = int(count), True
        if not replica.get("name") or not whole:
            notes.lose(
                f"{base}.replicas[{index}]",
                "not a replicas entry (a name and a whole count): not carried over",
            )
            continue
        kept.append({"name": str(replica["name"]), "count": count})
    return kept


def _patches(kustomize: Mapping[str, Any], context: SourceContext) -> list[dict[str, Any]]:
    """Inline patches; a patch file is read into its ``patch`` text."""
    base = f"{context.where}.kustomize"
    patches = []
    for index, entry in enumerate(as_list(kustomize.get("patches"))):
        patch = dict(as_map(entry))
        if patch.get("path"):
            where = f"{base}.patches[{index}].path"
            text = context.text(str(patch.pop("path")), where, "patch file")
            if text is None:
                continue
            patch["patch"] = text
        patches.append(patch)
    return patches


def read_kustomize(raw: Mapping[str, Any], build: Build, context: SourceContext) -> None:
    """A kustomize source's edits, and a loss for those Flux has no field for."""
    kustomize = as_map(raw.get("kustomize"))
    notes, options = context.notes, build.kustomize
    base = f"{context.where}.kustomize"
    options.name_prefix = str(kustomize.get("namePrefix") or "")
    options.name_suffix = str(kustomize.get("nameSuffix") or "")
    options.namespace = str(kustomize.get("namespace") or "")
    options.images = [parse_image(str(i)) for i in as_list(kustomize.get("images"))]
    options.components = [str(c) for c in as_list(kustomize.get("components"))]
    options.common_labels = strings(kustomize.get("commonLabels"))
    options.labels_without_selector = bool(kustomize.get("labelWithoutSelector"))
    options.common_annotations = strings(kustomize.get("commonAnnotations"))
    options.replicas = _replicas(as_list(kustomize.get("replicas")), base, notes)
    options.patches = _patches(kustomize, context)
    for key, value in kustomize.items():
        notes.origins[f"kustomize.{key}"] = f"{base}.{key}"
        if key in ("forceCommonLabels", "forceCommonAnnotations") and value:
            notes.lose(f"{base}.{key}", "Flux has no forced-label option")
        elif key in ("commonAnnotationsEnvsubst", "labelIncludeTemplates") and value:
            notes.lose(f"{base}.{key}", "this Argo CD kustomize edit has no Flux field")
        elif key in ("version", "kubeVersion", "apiVersions") and value:
            notes.lose(
                f"{base}.{key}", "Flux builds with its own kustomize and the cluster's capabilities"
            )
        elif key == "ignoreMissingComponents":
            options.ignore_missing_components = bool(value)


def read_directory(raw: Mapping[str, Any], build: Build) -> None:
    """A plain directory source's file selection."""
    directory = as_map(raw.get("directory"))
    build.directory.recurse = bool(directory.get("recurse"))
    build.directory.include = str(directory.get("include") or "")
    build.directory.exclude = str(directory.get("exclude") or "")
