"""What Argo CD and Flux say alike about a kustomize build, for both writers.

The kustomize edits both tools name the same way, and the files Flux's generated
kustomization reads from a folder without one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gitops_schema.convert.neutral import KustomizeOptions
from gitops_schema.render.inputs import kustomization_file

__all__ = ["flux_files", "kustomize_fields", "relative_path"]


def kustomize_fields(
    options: KustomizeOptions,
    image: Callable[[dict[str, str]], Any],
    namespace: str = "",
) -> dict[str, Any]:
    """The edits both tools name alike, in the order they are written.

    ``image`` writes an ``images`` entry as the tool wants it; ``namespace`` (Argo CD's
    kustomize ``namespace``) is written after the name edits when given.
    """
    fields: dict[str, Any] = {}
    if options.name_prefix:
        fields["namePrefix"] = options.name_prefix
    if options.name_suffix:
        fields["nameSuffix"] = options.name_suffix
    if namespace:
        fields["namespace"] = namespace
    if options.images:
        fields["images"] = [image(entry) for entry in options.images]
    if options.patches:
        fields["patches"] = options.patches
    if options.components:
        fields["components"] = options.components
        if options.ignore_missing_components:
            fields["ignoreMissingComponents"] = True
    return fields


def relative_path(path: str) -> str:
    """A folder of a source as Flux writes paths: ``./`` first."""
    return "./" if path in ("", ".") else f"./{path}"


def flux_files(folder: Path) -> list[Path]:
    """The files Flux's generated kustomization reads.

    Those are ``.yaml``/``.yml`` files, recursively; a sub-folder with its own
    kustomization is one resource (listed as the folder).
    """
    found: list[Path] = []
    for current, dirs, names in os.walk(folder):
        here = Path(current)
        if here != folder and kustomization_file(here) is not None:
            dirs[:] = []
            found.append(here)
            continue
        dirs.sort()
        found.extend(here / n for n in sorted(names) if n.endswith((".yaml", ".yml")))
    return sorted(found)
