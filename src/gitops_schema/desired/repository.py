"""A repository's render, end to end.

Read it, walk Argo CD, then Flux; or read the whole render back from the cache when
nothing it reads changed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any

from gitops_schema.codes.render import RENDER_CACHE_UNWRITABLE, RENDER_REVISION_UNAVAILABLE
from gitops_schema.desired.stored import repository_key, restored, revision_key, stored
from gitops_schema.desired.types import RenderedRepository, RenderOptions
from gitops_schema.diagnostics import Diagnostic
from gitops_schema.errors import LoadError
from gitops_schema.load.files import folder_prefix
from gitops_schema.location import Location
from gitops_schema.render import Revision, bounded, materialized


def render_repository(
    root: Path,
    options: RenderOptions | None = None,
    *,
    cluster: str | None = None,
    revision: str | None = None,
) -> RenderedRepository:
    """Render every cluster (or one) of a repository folder, or of its git ``revision``.

    A revision is read from git without a checkout; what its render reports names the
    files under ``root``, as for the work tree, never the temporary copy rendered.

    Raises:
        LoadError: the folder cannot be read, or the revision does not resolve.
        ToolNotFound: no kustomize engine is available.
    """
    # Normalised once, here: "./", "repo/" and "a/../repo" name the folder every path
    # below is shown under (see load.display_path), whatever way the caller wrote it.
    root = Path(os.path.normpath(root))
    options = options or RenderOptions()
    if revision is not None:
        at_revision = replace(options, git_folder=options.git_folder or root)
        if not at_revision.revisions:
            return _revision_reused_or_rendered(root, revision, at_revision, cluster)
        with materialized(root, revision) as tree:
            rendered = render_repository(tree, at_revision, cluster=cluster)
            return _relocated(rendered, tree, root)
    if options.revisions:
        return _render_with_revisions(root, options, cluster)
    return _reused_or_rendered(root, options, cluster, shown=root)


def _revision_reused_or_rendered(
    root: Path, revision: str, options: RenderOptions, cluster: str | None
) -> RenderedRepository:
    """The render of ``root`` at ``revision``: read back by its git tree when rendered before.

    Otherwise the tree is copied out of git and rendered (or read back by its files).
    """
    at_revision = Revision(root, revision)
    tree = at_revision.tree_id if _reusable(options) else None
    found = revision_key(root, options, cluster, tree) if tree is not None else None
    if found is not None and options.cache is not None:
        entry = options.cache.get(found, repository=str)
        if entry is not None:
            reused = _reused(options.cache.get(entry["repository"], apps=list, diagnostics=list))
            if reused is not None:
                return reused
    with at_revision.copy() as copy:
        return _reused_or_rendered(copy, options, cluster, shown=root, found_by=found)


def _reusable(options: RenderOptions) -> bool:
    # With the network allowed, what a render fetches is not among its inputs, and a failed
    # download must be tried again, so the repository's render is not reused.
    return options.cache is not None and not options.allow_network


def _reused_or_rendered(
    root: Path,
    options: RenderOptions,
    cluster: str | None,
    *,
    shown: Path,
    found_by: str | None = None,
) -> RenderedRepository:
    """The render of ``root``, told as ``shown``'s; read back when nothing it reads changed.

    ``root`` is ``shown`` itself, or a temporary copy of it at a git revision, whose entry
    is then also found by the key ``found_by`` (its git tree's).
    """
    key = repository_key(root, options, cluster, shown=shown) if _reusable(options) else None
    if key is not None and found_by is not None and options.cache is not None:
        options.cache.put(found_by, {"repository": key})
    if key is not None and options.cache is not None:
        reused = _reused(options.cache.get(key, apps=list, diagnostics=list))
        if reused is not None:
            return reused
    with bounded(options.bounds):
        result = _render_fresh(root, options, cluster)
    if root != shown:
        result = _relocated(result, root, shown)
    if key is not None and options.cache is not None:
        options.cache.put(key, stored(result))
    problem = options.cache.problem() if options.cache is not None else None
    if problem is not None and options.cache is not None:
        result.report.add(
            RENDER_CACHE_UNWRITABLE.at(
                f"the render cache cannot be written ({problem}): rendered without it",
                Location(str(options.cache.directory)),
            )
        )
    return result


def _render_fresh(root: Path, options: RenderOptions, cluster: str | None) -> RenderedRepository:
    # Imported here (and in _walked): a render read back from the cache needs no model,
    # engine nor walk.
    from gitops_schema.render import inputs_read_once, prestart_worker

    # Helm and Jsonnet calls go to an engine worker. Uncached, it starts alongside the
    # loading; with the cache, most calls of a render are read back and a worker (~70 ms
    # of CPU to start) may never be needed: it starts at the first call.
    if options.cache is None:
        prestart_worker()
    with inputs_read_once():
        return _walked(root, options, cluster)


def _walked(root: Path, options: RenderOptions, cluster: str | None) -> RenderedRepository:
    from gitops_schema.desired.argocd import render_argocd
    from gitops_schema.desired.flux import render_flux
    from gitops_schema.desired.shared import shared_objects
    from gitops_schema.desired.walk import Walk, load_objects
    from gitops_schema.render import ClusterArtifacts, is_generator, scratch_folder

    walk = Walk(root, options, cluster)
    objects = load_objects([root], options.exclude, walk.report, options.cache)
    render_argocd(walk, objects)
    # The ExternalArtifacts of ArtifactGenerators are folders that live as long as the render;
    # they copy at most the repository (and other sources), which decides where they fit.
    generators = any(is_generator(o) for o in objects)
    size = _tree_size([root, *options.repos.values()]) if generators else 0
    with scratch_folder("gitops-schema-artifacts-", size=size) as folder:
        artifacts = ClusterArtifacts(folder, repository=root, repos=options.repos, objects=objects)
        render_flux(walk, objects, artifacts)
    walk.report.extend(shared_objects(walk.result.apps))
    # Clusters that share a definition say the same thing about it: once is enough.
    walk.report.diagnostics = list(dict.fromkeys(walk.report.diagnostics))
    return walk.result


def _render_with_revisions(
    root: Path, options: RenderOptions, cluster: str | None
) -> RenderedRepository:
    """The render with each source given by revision read from that revision's tree."""
    folder = options.git_folder or root
    with ExitStack() as stack:
        repos = dict(options.repos)
        for key, revision in options.revisions.items():
            try:
                repos[key] = stack.enter_context(materialized(folder, revision))
            except LoadError as error:
                failed = RenderedRepository()
                failed.report.add(
                    RENDER_REVISION_UNAVAILABLE.at(
                        f"source {key} at revision {revision!r}: {error}", Location(str(folder))
                    )
                )
                return failed
        return render_repository(root, replace(options, repos=repos, revisions={}), cluster=cluster)


def _tree_size(folders: Iterable[Path]) -> int:
    """Bytes of the files under ``folders`` (``.git`` aside)."""
    total = 0
    for folder in folders:
        for current, dirs, names in os.walk(folder):
            dirs[:] = [d for d in dirs if d != ".git"]
            for name in names:
                try:
                    total += os.stat(os.path.join(current, name)).st_size
                except OSError:
                    continue
    return total


def _relocated(rendered: RenderedRepository, copy: Path, root: Path) -> RenderedRepository:
    """``rendered`` with the paths of the temporary ``copy`` of ``root`` told as ``root``'s.

    Engines name the files they read (kustomize: absolute paths), so the copy's paths are
    in messages as well as in locations.
    """
    folder = folder_prefix(str(root))
    copies = sorted({str(copy), str(copy.resolve())}, key=len, reverse=True)

    def told(text: str) -> str:
        for path in copies:
            text = text.replace(f"{path}/", folder).replace(path, str(root))
        return text

    def moved(diagnostic: Diagnostic) -> Diagnostic:
        where = replace(diagnostic.location, file=told(diagnostic.location.file))
        return replace(diagnostic, message=told(diagnostic.message), location=where)

    for app in rendered.apps:
        app.location = replace(app.location, file=told(app.location.file))
        app.problems = [moved(d) for d in app.problems]
    rendered.report.diagnostics = [moved(d) for d in rendered.report]
    return rendered


def _reused(entry: dict[str, Any] | None) -> RenderedRepository | None:
    """A cached render read back, or None when missing or unreadable.

    Garbage of the right outer shape is a miss: rendered again and stored again.
    """
    if entry is None:
        return None
    try:
        return restored(entry)
    except (KeyError, TypeError, ValueError, IndexError):
        return None
