"""``diff``: render a repository at two revisions and compare what each cluster gets.

The library verb behind ``gitops-schema diff``; it renders through ``desired``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from gitops_schema.compare.diff import Diff, RenderFailure, Renders, diff_sets
from gitops_schema.compare.failures import defined, failure, screen, told, unreached
from gitops_schema.desired import RenderedApp, RenderedRepository, RenderOptions, render_repository
from gitops_schema.diagnostics import Report
from gitops_schema.errors import UsageError

__all__ = ["DiffOptions", "RevisionDiff", "diff"]


@dataclass(frozen=True, slots=True)
class DiffOptions:
    """What ``diff`` compares, and how it renders."""

    before: str | None = "HEAD"
    """The revision before the change; None for the work tree."""
    after: str | None = None
    """The revision after the change; None for the work tree."""
    cluster: str | None = None
    """Compare this cluster only."""
    render: RenderOptions = field(default_factory=RenderOptions)


@dataclass(frozen=True, slots=True)
class RevisionDiff:
    """The diff, and what rendering each side reported."""

    diff: Diff
    reports: tuple[tuple[str, Report], ...]
    """(side, report): the side is the revision, or ``work tree``."""

    @property
    def ok(self) -> bool:
        """True when every application rendered on both sides."""
        return not self.diff.failures


def diff(root: Path, options: DiffOptions | None = None) -> RevisionDiff:
    """Render ``root`` at two revisions and compare them, cluster by cluster.

    An application that could not be rendered on either side is not compared (its objects
    would show as removed or unchanged): it is reported in ``diff.failures`` with what
    its render said.

    Raises:
        UsageError: ``options.cluster`` names a cluster the repository has on neither side.
        LoadError: the folder or a revision cannot be read.
        ToolNotFound: no kustomize engine is available.
    """
    options = options or DiffOptions()
    sides = []
    for revision in (options.before, options.after):
        rendered = screen(
            render_repository(root, options.render, cluster=options.cluster, revision=revision)
        )
        sides.append((revision or "work tree", rendered))
    (old_side, old), (new_side, new) = sides
    _known_cluster(options.cluster, old, new)
    broken = {(a.cluster, f"{a.kind}/{a.name}") for _, r in sides for a in r.apps if a.failed}
    # An application whose parent failed on the other side is not there: not removed.
    missed = [*_unreached(old, new, new_side, root), *_unreached(new, old, old_side, root)]
    broken |= {(f.cluster, f.application) for f in missed}
    compared = diff_sets(_renders(old, broken), _renders(new, broken))
    failures = tuple(
        failure(app, side, root) for side, rendered in sides for app in rendered.apps if app.failed
    ) + tuple(missed)
    return RevisionDiff(
        replace(compared, failures=failures),
        ((old_side, told(old.report, root)), (new_side, told(new.report, root))),
    )


def _known_cluster(cluster: str | None, *sides: RenderedRepository) -> None:
    """Refuse ``--cluster`` naming a cluster neither side has (it would show "no changes").

    Raises:
        UsageError: naming it and the clusters there are.
    """
    known = set().union(*(side.clusters for side in sides))
    if cluster is None or cluster in known:
        return
    if not known and any(side.report for side in sides):
        return  # Nothing could be read: the render's own diagnostics say why.
    shown = ", ".join(repr(name) for name in sorted(known)) or "none"
    raise UsageError(f"--cluster {cluster!r}: no such cluster in the repository; clusters: {shown}")


def _unreached(
    have: RenderedRepository, lacking: RenderedRepository, side: str, root: Path
) -> list[RenderFailure]:
    """The applications of ``have`` missing from ``lacking`` (the render of ``side``).

    Those only whose defining application failed there (or was itself not reached): an
    application a working parent no longer defines is removed, and compared as such.
    """
    defined_by: dict[tuple[str, str], str] = {}
    for app in have.apps:
        for child in defined(app):
            defined_by.setdefault((app.cluster, child), _key(app))
    present = {(a.cluster, _key(a)) for a in lacking.apps}
    failed = {(a.cluster, _key(a)) for a in lacking.apps if a.failed}
    missing = [a for a in have.apps if (a.cluster, _key(a)) not in present]
    found: list[RenderFailure] = []
    grown = True
    while grown:
        grown = False
        for app in missing:
            key = (app.cluster, _key(app))
            parent = defined_by.get(key)
            if (
                key not in failed
                and parent not in (None, key[1])
                and (app.cluster, parent) in failed
            ):
                failed.add(key)
                found.append(unreached(app.cluster, key[1], app.location, str(parent), side, root))
                grown = True
    return found


def _key(app: RenderedApp) -> str:
    return f"{app.kind}/{app.name}"


def _renders(rendered: RenderedRepository, broken: set[tuple[str, str]]) -> Renders:
    """Cluster -> application -> manifests, without the applications not rendered."""
    return {
        cluster: {app: objects for app, objects in apps.items() if (cluster, app) not in broken}
        for cluster, apps in rendered.by_cluster().items()
    }
