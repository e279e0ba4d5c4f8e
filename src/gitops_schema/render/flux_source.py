"""Where a Flux object's files are: its source's folder, and paths inside it.

A source (``sourceRef``) is a folder the caller mapped (``Kind/namespace/name``, as
``flux build --local-sources`` takes it), or, for a GitRepository, the repository being
rendered. Paths join to a source's root as Flux joins them to an artifact.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from gitops_schema.diagnostics import Report, Severity
from gitops_schema.location import Location
from gitops_schema.model.flux_common import CrossNamespaceSourceReference
from gitops_schema.render.confine import Confinement

__all__ = ["source_path", "source_root"]


def source_root(
    ref: CrossNamespaceSourceReference,
    namespace: str,
    repository: Path,
    sources: Mapping[str, Path],
    report: Report,
    where: Location,
) -> Path | None:
    """The folder of the source ``ref`` names; None once a diagnostic says it is unknown."""
    key = f"{ref.kind}/{ref.namespace or namespace}/{ref.name}"
    if key in sources:
        return sources[key]
    if ref.kind == "GitRepository":
        return repository
    made_by = (
        " (an ArtifactGenerator's output, which no ArtifactGenerator of the cluster made offline)"
        if ref.kind == "ExternalArtifact"
        else ""
    )
    report.emit(
        "render-flux-source-unsupported",
        Severity.ERROR,
        f"source {key}{made_by} is not available offline: only GitRepository sources are "
        f"read from the repository; map it to a folder with --repo {key}=DIR",
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
