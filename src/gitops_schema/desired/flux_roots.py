"""Where the Flux walk starts: each cluster's entry points, the tops of its trees.

The Kustomizations and HelmReleases under ``clusters/<name>/`` (or the ``--entry``
files), less those another Kustomization of the repository reaches; with neither, every
Flux tree top of the repository, on a cluster called ``default``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath

from gitops_schema.desired.walk import Walk
from gitops_schema.load.files import display_path
from gitops_schema.model import GitOpsObject, Tool


def flux_entries(walk: Walk, objects: Sequence[GitOpsObject]) -> list[tuple[str, GitOpsObject]]:
    """The Flux objects to start from, each with the cluster it is rendered for."""
    flux = [
        o for o in objects if o.tool is Tool.FLUX and o.kind in ("Kustomization", "HelmRelease")
    ]
    if walk.options.entries:
        wanted = {Path(p).resolve() for p in walk.options.entries}
        return [
            (PurePosixPath(o.document.file).parent.name or "default", o)
            for o in flux
            if Path(o.document.file).resolve() in wanted
        ]
    # Files are shown under the root as given ("clusters/x" for "."): match them so.
    root = display_path(str(walk.root), "clusters/")
    by_cluster: dict[str, list[GitOpsObject]] = {}
    for obj in flux:
        if obj.document.file.startswith(root):
            cluster = obj.document.file[len(root) :].split("/", 1)[0]
            by_cluster.setdefault(cluster, []).append(obj)
    if by_cluster:
        return [
            (cluster, obj)
            for cluster, found in by_cluster.items()
            for obj in tree_roots(walk.root, found)
        ]
    return [("default", o) for o in tree_roots(walk.root, flux)]


def tree_roots(root: Path, flux: Sequence[GitOpsObject]) -> list[GitOpsObject]:
    """The Flux objects no Kustomization of the repository reaches: the tops of its trees.

    An object in a folder under another Kustomization's ``spec.path`` is rendered as that
    Kustomization's child, so starting from it as well would render it twice.
    """
    covered: list[tuple[PurePosixPath, GitOpsObject]] = []
    for obj in flux:
        spec = obj.document.data.get("spec") if obj.kind == "Kustomization" else None
        path = spec.get("path") if isinstance(spec, Mapping) else None
        if isinstance(path, str):
            covered.append((repository_path(root, path), obj))
    roots = []
    for obj in flux:
        folder = f"{PurePosixPath(obj.document.file).parent}/"
        if not any(parent is not obj and folder.startswith(f"{path}/") for path, parent in covered):
            roots.append(obj)
    return roots


def repository_path(root: Path, path: str) -> PurePosixPath:
    """A Kustomization's ``spec.path`` inside ``root``, as Flux joins a path to its source.

    ``..``, ``.`` and a leading ``/`` stay inside the root.
    """
    parts: list[str] = []
    for part in PurePosixPath(path).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("/", "."):
            parts.append(part)
    return PurePosixPath(root, *parts)
