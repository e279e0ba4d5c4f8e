"""The types of the desired state: what a render is given and what it returns.

Imports only the core, ``model`` (for :class:`Tool`) and ``render``'s cache type.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitops_schema.diagnostics import Diagnostic, Report
from gitops_schema.location import Location
from gitops_schema.model import Tool
from gitops_schema.render import Bounds, RenderCache


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """Offline inputs and engine settings for rendering a repository."""

    clusters: Sequence[Path] = ()
    """Cluster inventories (cluster Secrets, a clusters list, kubeconfigs)."""
    repos: Mapping[str, Path] = field(default_factory=dict)
    """Repository URL, or Flux source ``Kind/namespace/name``, -> local folder, for
    sources outside the rendered repository."""
    revisions: Mapping[str, str] = field(default_factory=dict)
    """Repository URL, or Flux source ``Kind/namespace/name``, -> a git revision: that
    source is the rendered repository's folder as of the revision (another branch)."""
    git_folder: Path | None = None
    """The folder whose git history ``revisions`` are read from; the rendered folder when
    None (which a render of a revision is not: it is a copy)."""
    chart_cache: Path | None = None
    allow_network: bool = False
    """Download Helm and OCI repository charts missing from ``chart_cache`` into it."""
    allow_outside: tuple[Path, ...] = ()
    """Folders outside the repository that its paths may still name (``--allow-outside``);
    nothing else outside a repository is ever read."""
    cache: RenderCache | None = None
    entries: Sequence[Path] = ()
    """Flux entry files; by default the Kustomizations under ``clusters/<name>/``."""
    scm_data: Sequence[Path] = ()
    plugin_data: Sequence[Path] = ()
    exclude: tuple[str, ...] = ()
    """Glob patterns of files and folders not to read (as ``--exclude``)."""
    bounds: Bounds = field(default_factory=Bounds)
    """Time and memory each engine call may use (``--timeout``, ``--memory-limit``)."""
    kustomize_build_options: str | None = None
    """Argo CD's ``kustomize.buildOptions``; read from the repository's ``argocd-cm``
    when None."""
    max_applications: int = 10_000
    """Applications one ApplicationSet may generate (``--max-applications``)."""
    progress: Callable[[RenderedApp], None] | None = field(default=None, compare=False)
    """Called with each application as soon as it is rendered (for a progress display)."""


@dataclass(slots=True)
class RenderedApp:
    """One Argo CD Application, Flux Kustomization or HelmRelease, rendered."""

    cluster: str
    name: str
    tool: Tool
    kind: str
    environment: str | None
    location: Location
    manifests: list[dict[str, Any]]
    problems: list[Diagnostic] = field(default_factory=list)
    """What its render reported (also in the repository's report): an engine's failure, an
    input missing offline. An application with problems was not rendered, or not wholly."""

    @property
    def failed(self) -> bool:
        """Whether it could not be rendered (wholly): its render reported a problem."""
        return bool(self.problems)


@dataclass(slots=True)
class RenderedRepository:
    """Every rendered application, and the diagnostics of rendering them."""

    apps: list[RenderedApp] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    clusters: set[str] = field(default_factory=set)
    """Every cluster the render met (rendered or, when one was asked for, passed over)."""

    def by_cluster(self) -> dict[str, dict[str, list[dict[str, Any]]]]:
        """Map cluster -> application name -> its manifests (the shape diffs compare)."""
        clusters: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for app in self.apps:
            clusters.setdefault(app.cluster, {})[f"{app.kind}/{app.name}"] = app.manifests
        return clusters
