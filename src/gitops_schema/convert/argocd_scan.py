"""What an Argo CD source's files do that a Flux Kustomization would do otherwise.

Objects that keep their own namespace (Argo CD only fills in missing ones), and hooks or
resource sync waves (Flux applies every object of an application at once).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from gitops_schema.convert.data import as_list, as_map
from gitops_schema.convert.neutral import BuildTool, Part
from gitops_schema.convert.notes import Notes
from gitops_schema.load import load_paths
from gitops_schema.load.plain import InputError, first_yaml_value, read_text
from gitops_schema.render.argocd import CLUSTER_SCOPED_KINDS
from gitops_schema.render.argocd_sources import directory_files
from gitops_schema.render.inputs import kustomization_file

__all__ = ["HOOK_MARKS", "scan_hooks", "scan_namespaces"]

HOOK_MARKS = ("argocd.argoproj.io/hook", "argocd.argoproj.io/sync-wave", "helm.sh/hook")
"""Annotations Argo CD orders or runs apart from the other objects (Helm hooks in plain
manifests included), which a Flux Kustomization applies as ordinary objects."""


def _listed_files(part: Part, folder: Path) -> list[Path] | None:
    """The files whose objects' namespaces matter; None when the build moves them all."""
    if part.build.tool is BuildTool.KUSTOMIZE:
        found = kustomization_file(folder)
        try:
            data = as_map(first_yaml_value(read_text(found), str(found)) if found else None)
        except InputError:
            data = {}
        if data.get("namespace"):
            return None  # the kustomization moves every object itself
        # The files it lists itself (what its bases do is theirs to say).
        return [
            folder / str(r) for r in as_list(data.get("resources")) if (folder / str(r)).is_file()
        ]
    directory = part.build.directory
    files, _ = directory_files(
        folder, recurse=directory.recurse, include=directory.include, exclude=directory.exclude
    )
    return files


def scan_namespaces(part: Part, folder: Path, namespace: str, notes: Notes) -> None:
    """Objects that name another namespace than the destination's.

    Argo CD's destination namespace only fills in missing namespaces; Flux's
    ``targetNamespace`` (kustomize's namespace transformer) moves every namespaced
    object. A kustomize ``namespace`` edit moves them in both.
    """
    build = part.build
    if not namespace or build.tool not in (BuildTool.KUSTOMIZE, BuildTool.DIRECTORY):
        return
    if build.kustomize.namespace or not folder.is_dir():
        return
    files = _listed_files(part, folder)
    if not files:
        return
    others = sorted(
        {
            f"{d.data.get('kind')} {d.data['metadata'].get('name')} "
            f"({d.data['metadata']['namespace']})"
            for d in load_paths(files).documents
            if isinstance(d.data, Mapping)
            and isinstance(d.data.get("metadata"), Mapping)
            and d.data["metadata"].get("namespace") not in (None, "", namespace)
            and d.data.get("kind") not in CLUSTER_SCOPED_KINDS
        }
    )
    if others:
        notes.lose(
            "$.spec.destination.namespace",
            f"{', '.join(others[:3])}{', ...' if len(others) > 3 else ''} keep their "
            f"namespace in Argo CD, which only fills in missing ones; Flux's "
            f"targetNamespace moves every namespaced object to {namespace}",
        )


def scan_hooks(folder: Path, where: str, notes: Notes) -> None:
    """Argo CD hooks and resource sync waves in the folder's files: Flux has neither."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.suffix not in (".yaml", ".yml", ".json") or not path.is_file():
            continue
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        marks = [mark for mark in HOOK_MARKS if mark in text]
        if marks:
            notes.lose(
                f"{where}.path",
                f"{path.relative_to(folder).as_posix()} uses {', '.join(marks)}: Flux applies "
                "every object in one server-side apply, with no hooks or waves inside an "
                "application (split the objects into Kustomizations with dependsOn)",
            )
