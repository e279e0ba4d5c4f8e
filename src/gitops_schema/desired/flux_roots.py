"""Where the Flux walk starts: each cluster's entry points, the tops of its trees.

The Kustomizations and HelmReleases under ``clusters/<name>/`` (or the ``--entry``
files), less those another Kustomization of the repository reaches; with neither, every
Flux tree top of the repository, on a cluster called ``default``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from gitops_schema.desired.walk import Walk
from gitops_schema.load.files import display_path
from gitops_schema.model import GitOpsObject, ObjectId, Tool
from gitops_schema.model.flux_common import CrossNamespaceSourceReference
from gitops_schema.model.flux_kustomize import Kustomization
from gitops_schema.model.flux_source import GitRepository
from gitops_schema.render import Confinement, Inputs, collect_inputs, source_id, source_keyed


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
            for obj in tree_roots(walk, objects, found)
        ]
    return [("default", o) for o in tree_roots(walk, objects, flux)]


def tree_roots(
    walk: Walk, objects: Sequence[GitOpsObject], flux: Sequence[GitOpsObject]
) -> list[GitOpsObject]:
    """The Flux objects no Kustomization of the repository reaches: the tops of its trees.

    An object a Kustomization of the repository renders (in a folder under its
    ``spec.path``, or a file its kustomization reads: a component, a patch, a resource
    elsewhere) is rendered as that Kustomization's child, with its substitutions, so
    starting from it as well would render it twice, and wrongly. A Kustomization whose
    source is not the repository (an OCIRepository, a Bucket, another GitRepository)
    reaches nothing of it, whatever its path.
    """
    own = _own_source(walk, objects)
    covered: list[tuple[PurePosixPath, set[Path], GitOpsObject]] = []
    components: dict[Path, Inputs] = {}
    # A Kustomization reads its source: the repository, and the folders trusted beside it.
    confinement = Confinement.of(walk.root, walk.options.allow_outside)
    for obj in flux:
        model = obj.model
        if not isinstance(model, Kustomization) or model.spec.path is None:
            continue
        if not own(obj, model.spec.source_ref):
            continue
        reached = repository_path(walk.root, model.spec.path)
        names = list(model.spec.components)
        on_disk = Path(reached)
        files = (
            collect_inputs(on_disk, names, components, confinement=confinement).files
            if on_disk.is_dir()
            else set()
        )
        covered.append((reached, files, obj))
    roots = []
    for obj in flux:
        folder = f"{PurePosixPath(obj.document.file).parent}/"
        file = Path(obj.document.file).resolve()
        if not any(
            parent is not obj and (folder.startswith(f"{reached}/") or file in files)
            for reached, files, parent in covered
        ):
            roots.append(obj)
    return roots


def _own_source(
    walk: Walk, objects: Sequence[GitOpsObject]
) -> Callable[[GitOpsObject, CrossNamespaceSourceReference], bool]:
    """Whether a Kustomization's source is the rendered repository.

    It is when it is a GitRepository not mapped elsewhere (``--repo``) and not another
    repository (:func:`foreign_sources`).
    """
    mapped = {*source_keyed(walk.options.repos), *source_keyed(walk.options.revisions)}
    foreign = foreign_sources(objects)

    def own(obj: GitOpsObject, ref: CrossNamespaceSourceReference) -> bool:
        if ref.kind != "GitRepository":
            return False
        source = source_id(ref.kind, ref.namespace or obj.namespace or "default", ref.name)
        return source not in mapped and source not in foreign

    return own


def foreign_sources(objects: Sequence[GitOpsObject]) -> frozenset[ObjectId]:
    """The GitRepositories of other repositories.

    Those the repository defines with a URL that is not its own: the URL of its
    ``flux-system`` GitRepository (what ``flux bootstrap`` writes), when there is one.
    """
    urls: dict[ObjectId, str] = {}
    own_url = None
    for obj in objects:
        if isinstance(obj.model, GitRepository):
            url = _normal_url(obj.model.spec.url)
            urls[source_id(obj.kind, obj.namespace or "default", obj.name)] = url
            if obj.name == "flux-system":
                own_url = url
    if own_url is None:
        return frozenset()
    return frozenset(source for source, url in urls.items() if url != own_url)


def _normal_url(url: Any) -> str:
    # git URLs name one repository over any transport (https://host/p, ssh://git@host/p,
    # git@host:p), with or without ".git" or a trailing slash.
    text = str(url or "").strip().lower()
    text = re.sub(r"^[a-z+]+://", "", text)
    text = re.sub(r"^[^@/]*@", "", text)
    text = re.sub(r"^([^/:]+):(?!\d+/)", r"\1/", text)  # scp form, not a port
    text = re.sub(r"^([^/:]+):\d+/", r"\1/", text)
    return text.rstrip("/").removesuffix(".git")


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
