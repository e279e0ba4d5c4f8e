"""Where a Flux object's files are: its source's folder, and paths inside it.

A source (``sourceRef``) is known by its :class:`~gitops_schema.model.identity.ObjectId`;
it is a folder the caller mapped (by that identity, or as ``Kind/namespace/name`` text, as
``--repo`` and ``flux build --local-sources`` take it), or, for a GitRepository, the
repository being rendered. Paths join to a source's root as Flux joins them to an artifact.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TypeAlias, TypeVar

from gitops_schema.diagnostics import Report, Severity
from gitops_schema.location import Location
from gitops_schema.model.flux_common import CrossNamespaceSourceReference
from gitops_schema.model.identity import ObjectId
from gitops_schema.render.confine import Confinement

__all__ = [
    "SOURCE_GROUP",
    "SourceFolders",
    "source_id",
    "source_key",
    "source_keyed",
    "source_path",
    "source_root",
]

_Value = TypeVar("_Value")

SOURCE_GROUP = "source.toolkit.fluxcd.io"
"""The API group of every Flux source kind (GitRepository... ExternalArtifact)."""

SourceFolders: TypeAlias = Mapping[ObjectId, Path] | Mapping[str, Path]
"""Local folders of Flux sources, keyed by identity or by ``Kind/namespace/name`` text."""


def source_id(kind: str, namespace: str, name: str) -> ObjectId:
    """The identity of the Flux source ``kind`` ``namespace``/``name``."""
    return ObjectId(SOURCE_GROUP, kind, namespace, name)


def source_key(source: ObjectId) -> str:
    """A source as ``--repo`` and the diagnostics name it: ``Kind/namespace/name``."""
    return f"{source.kind}/{source.namespace}/{source.name}"


def source_keyed(given: Mapping[ObjectId, _Value] | Mapping[str, _Value]) -> dict[ObjectId, _Value]:
    """``given`` (folders, revisions...) keyed by source identity.

    A text key not of the form ``Kind/namespace/name`` (a repository URL) names no source
    and is left out.
    """
    found: dict[ObjectId, _Value] = {}
    for key, value in given.items():
        if isinstance(key, ObjectId):
            found[key] = value
        elif "://" not in key and key.count("/") == 2:
            found[source_id(*key.split("/"))] = value
    return found


def source_root(
    ref: CrossNamespaceSourceReference,
    namespace: str,
    repository: Path,
    sources: Mapping[ObjectId, Path],
    report: Report,
    where: Location,
    foreign: frozenset[ObjectId] = frozenset(),
) -> Path | None:
    """The folder of the source ``ref`` names; None once a diagnostic says it is unknown.

    A GitRepository is the repository being rendered unless ``foreign`` names it (its URL
    is another repository's).
    """
    source = source_id(ref.kind, ref.namespace or namespace, ref.name)
    if source in sources:
        return sources[source]
    key = source_key(source)
    if ref.kind == "GitRepository" and source not in foreign:
        return repository
    made_by = (
        " (an ArtifactGenerator's output, which no ArtifactGenerator of the cluster made offline)"
        if ref.kind == "ExternalArtifact"
        else ""
    )
    read = (
        "its URL is not the rendered repository's"
        if source in foreign
        else "only GitRepository sources are read from the repository"
    )
    report.emit(
        "render-flux-source-unsupported",
        Severity.ERROR,
        f"source {key}{made_by} is not available offline: {read}; map it to a folder with "
        f"--repo {key}=DIR",
        where,
    )
    return None


def source_path(confinement: Confinement, path: str) -> Path:
    """A path of a Flux source, as Flux joins it to the artifact: from its root, inside it.

    An absolute path is read from the root of the artifact (Flux's ``SecureJoin``); one
    that climbs above the root, or reaches outside through a symlink, is refused.

    Raises:
        OutsideRepository: the path leaves the source.
    """
    return confinement.resolve(path or ".", absolute="root")
