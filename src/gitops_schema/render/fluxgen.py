"""The kustomization file Flux builds: found or generated, then merged with ``spec.*``.

Follows kustomize-controller (fluxcd/pkg ``kustomize_generator.go``): a folder without a
kustomization file gets one listing every ``.yaml``/``.yml`` file and every sub-folder that
has its own kustomization file; ``targetNamespace`` and ``namePrefix``/``nameSuffix``
replace the file's values, ``patches`` and ``components`` are appended, ``images`` are
merged by name.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from gitops_schema.load.plain import InputError, read_text, yaml_values
from gitops_schema.model.flux_kustomize import KustomizationSpec
from gitops_schema.render.inputs import KUSTOMIZATION_FILES, kustomization_file

__all__ = ["FluxBuildError", "flux_kustomization"]


_MERGED_LISTS = ("patches", "patchesStrategicMerge", "components", "images")
"""Fields of a kustomization file that ``spec`` adds to: each must be a list."""


class FluxBuildError(ValueError):
    """The folder cannot be built as Flux would (Flux's ``BuildFailed``)."""


def flux_kustomization(folder: Path, spec: KustomizationSpec) -> dict[str, Any]:
    """The kustomization Flux writes in ``folder`` before it runs kustomize.

    Raises:
        FluxBuildError: a YAML file of a generated kustomization does not parse, or a
            component is remote, absolute or missing.
    """
    existing = kustomization_file(folder)
    if existing is None:
        kustomization = _generate(folder)
    else:
        try:
            documents = yaml_values(read_text(existing), str(existing))
        except InputError as error:
            raise FluxBuildError(f"{existing.name} does not parse: {error}") from error
        loaded = documents[0] if documents else None
        kustomization = dict(loaded) if isinstance(loaded, dict) else {}
        for key in _MERGED_LISTS:
            if not isinstance(kustomization.get(key, []), list):
                raise FluxBuildError(f"{existing.name}: {key} is not a list")
        if not kustomization.get("resources"):
            # Flux's guard against kustomize's "kustomization.yaml is empty".
            kustomization.setdefault("buildMetadata", ["originAnnotations"])
    _merge(kustomization, folder, spec)
    return kustomization


def _generate(folder: Path) -> dict[str, Any]:
    files: list[str] = []
    folders: list[str] = []
    for current, dirs, names in os.walk(folder, followlinks=True):
        dirs.sort()
        kept: list[str] = []
        for name in dirs:
            sub = Path(current, name)
            if any((sub / file).is_file() for file in KUSTOMIZATION_FILES):
                folders.append(_relative(sub, folder))
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(names):
            if not name.endswith((".yaml", ".yml")):
                continue
            path = Path(current, name)
            try:
                yaml_values(read_text(path), str(path))
            except InputError as error:
                raise FluxBuildError(
                    f"failed to decode Kubernetes YAML from {_relative(path, folder)}: "
                    f"{error.diagnostic.message}"
                ) from error
            files.append(_relative(path, folder))
    generated: dict[str, Any] = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
    }
    if files or folders:
        generated["resources"] = files + folders
    else:
        # Flux's placeholder: an empty folder builds to nothing instead of failing.
        generated["namespace"] = "_placeholder"
    return generated


def _relative(path: Path, folder: Path) -> str:
    return "./" + path.relative_to(folder).as_posix()


def _merge(kustomization: dict[str, Any], folder: Path, spec: KustomizationSpec) -> None:
    if spec.target_namespace:
        kustomization["namespace"] = spec.target_namespace
    if spec.name_prefix:
        kustomization["namePrefix"] = spec.name_prefix
    if spec.name_suffix:
        kustomization["nameSuffix"] = spec.name_suffix
    patches = [p.model_dump(by_alias=True, exclude_none=True) for p in spec.patches]
    patches += [
        {
            "patch": json.dumps([op.model_dump(exclude_none=True) for op in p.patch]),
            "target": p.target.model_dump(by_alias=True, exclude_none=True),
        }
        for p in spec.patches_json6902
    ]
    if patches:
        kustomization["patches"] = [*kustomization.get("patches", []), *patches]
    if spec.patches_strategic_merge:
        kustomization["patchesStrategicMerge"] = [
            *kustomization.get("patchesStrategicMerge", []),
            *(json.dumps(patch) for patch in spec.patches_strategic_merge),
        ]
    components = _components(folder, spec)
    if components:
        kustomization["components"] = [*kustomization.get("components", []), *components]
    if spec.images:
        kustomization["images"] = _merge_images(kustomization.get("images", []), spec)
    if spec.build_metadata:
        kustomization["buildMetadata"] = list(spec.build_metadata)


def _components(folder: Path, spec: KustomizationSpec) -> list[str]:
    kept: list[str] = []
    for component in spec.components:
        if "://" in component or component.startswith(("git@", "github.com/", "/")):
            raise FluxBuildError(f"component {component!r} must be a local relative path")
        if not (folder / component).exists():
            if spec.ignore_missing_components:
                continue
            raise FluxBuildError(f"component {component!r} not found")
        kept.append(component)
    return kept


def _merge_images(existing: list[dict[str, Any]], spec: KustomizationSpec) -> list[dict[str, Any]]:
    images = [dict(image) for image in existing]
    for image in spec.images:
        override = image.model_dump(by_alias=True, exclude_none=True)
        match = next((entry for entry in images if entry.get("name") == image.name), None)
        if match is None:
            images.append(override)
            continue
        if image.new_name:
            match["newName"] = image.new_name
        # newTag and digest are replaced as a pair: setting one clears the other.
        if image.new_tag or image.digest:
            match.pop("newTag", None)
            match.pop("digest", None)
            if image.new_tag:
                match["newTag"] = image.new_tag
            if image.digest:
                match["digest"] = image.digest
    return images
