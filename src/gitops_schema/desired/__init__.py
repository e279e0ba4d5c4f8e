"""DESIRED: the desired state of every cluster of a repository, rendered.

Above both :mod:`gitops_schema.appset` and :mod:`gitops_schema.render`: it expands
ApplicationSets to find Applications and renders each with ``render``"s engines, imported
only through ``render``"s public names. One job per module, as a pipeline:

- :mod:`.repository`: :func:`render_repository`, read a folder (or the cache), walk
  Argo CD, then Flux;
- :mod:`.argocd`: Applications, those ApplicationSets generate, app-of-apps;
- :mod:`.flux_roots` and :mod:`.flux`: the Flux entry points (tree tops under
  ``clusters/<name>/``), then Kustomizations and HelmReleases in waves;
- :mod:`.walk`: what both walks share (visited objects, duplicates, results);
- :mod:`.stored`: the cache key of a whole repository"s render and its serialisation;
- :mod:`.environments`: which environment each application is, for ``envdiff``;
- :mod:`.types`: :class:`RenderOptions`, :class:`RenderedApp`, :class:`RenderedRepository`.

Rendering goes in waves: the entry points first, then what they rendered, and so on. A
cycle is reported, not followed. The renders of one wave run in parallel inside
``render`` (:func:`gitops_schema.render.in_parallel`), and their results are taken in the
order of the wave, so the output does not depend on which finished first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gitops_schema._lazy import lazy_exports

if TYPE_CHECKING:
    from gitops_schema.desired.environments import DEFAULT_ENVIRONMENTS as DEFAULT_ENVIRONMENTS
    from gitops_schema.desired.environments import (
        application_environments as application_environments,
    )
    from gitops_schema.desired.environments import application_key as application_key
    from gitops_schema.desired.environments import environment_of as environment_of
    from gitops_schema.desired.repository import render_repository as render_repository
    from gitops_schema.desired.stored import repository_inputs as repository_inputs
    from gitops_schema.desired.types import RenderedApp as RenderedApp
    from gitops_schema.desired.types import RenderedRepository as RenderedRepository
    from gitops_schema.desired.types import RenderOptions as RenderOptions

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        ".environments": (
            "DEFAULT_ENVIRONMENTS",
            "application_environments",
            "application_key",
            "environment_of",
        ),
        ".repository": ("render_repository",),
        ".stored": ("repository_inputs",),
        ".types": (
            "RenderedApp",
            "RenderedRepository",
            "RenderOptions",
        ),
    },
)
