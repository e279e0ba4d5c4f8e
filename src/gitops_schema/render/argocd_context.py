"""What every source of one Argo CD Application is rendered with: its context.

The Application's name and namespace, the repositories its sources read (the rendered one,
those mapped by URL, the ``ref`` sources), the engines and cache, where diagnostics go and
what a source may read (:class:`~gitops_schema.render.confine.Confinement`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gitops_schema.diagnostics import Report, Severity
from gitops_schema.location import Location
from gitops_schema.render.cache import RenderCache
from gitops_schema.render.confine import Confinement, OutsideRepository
from gitops_schema.render.engines import HelmEngine, KustomizeEngine, KustomizeOptions

if TYPE_CHECKING:
    # Only named in signatures: a Flux render never loads the Argo CD models.
    from gitops_schema.model.argocd import ApplicationSource

__all__ = ["AppContext", "app_path", "git_root", "normal_url", "outside"]


@dataclass(frozen=True, slots=True)
class AppContext:
    """One Application's render settings, shared by all its sources."""

    name: str
    namespace: str
    repository: Path
    repos: Mapping[str, Path]
    """Local folders of other git repositories, keyed by normalised URL."""
    chart_cache: Path | None
    allow_network: bool
    refs: Mapping[str, Path]
    """The repository root of each ``ref`` source, for ``$ref/...`` value files."""
    kustomize: KustomizeEngine | None
    kustomize_options: KustomizeOptions
    helm: HelmEngine
    cache: RenderCache | None
    where: Location
    allowed: tuple[Path, ...]
    """Folders trusted beside each repository (``--allow-outside``)."""

    def confinement(self, source: ApplicationSource) -> Confinement:
        """What a source may read: its repository (or mapped folder), the trusted folders."""
        return Confinement.of(git_root(self.repos, self.repository, source), self.allowed)


def normal_url(url: str) -> str:
    """A git URL as Argo CD compares them: case-insensitive, no trailing slash or ``.git``."""
    url = url.strip().lower().rstrip("/")
    return url.removesuffix(".git")


def git_root(repos: Mapping[str, Path], repository: Path, source: ApplicationSource) -> Path:
    """The folder of a source's repository: mapped by its URL, else the rendered one."""
    return repos.get(normal_url(source.repo_url), repository)


def app_path(confinement: Confinement, source: ApplicationSource) -> Path:
    """The folder of a source's ``path``, as Argo CD checks it: relative, inside its repository.

    Raises:
        OutsideRepository: an absolute path, or one that leaves the repository.
    """
    return confinement.resolve(source.path or ".")


def outside(report: Report, field: str, error: OutsideRepository, where: Location) -> None:
    """The diagnostic of a path that leaves the repository: file (``where``), field, path."""
    report.emit("render-outside-repository", Severity.ERROR, f"{field} {error}: not read", where)
