"""``envdiff``: render a repository and compare each application across its environments.

The library verb behind ``gitops-schema envdiff``; it renders through ``desired``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from gitops_schema.compare.diff import RenderFailure
from gitops_schema.compare.envdiff import EnvDiffs, envdiff_many
from gitops_schema.compare.failures import defined, failure, screen, told, unreached
from gitops_schema.desired import (
    DEFAULT_ENVIRONMENTS,
    RenderedApp,
    RenderedRepository,
    RenderOptions,
    application_environments,
    application_key,
    environment_of,
    render_repository,
)
from gitops_schema.diagnostics import Report
from gitops_schema.errors import UsageError

__all__ = ["EnvDiffOptions", "EnvironmentDiff", "envdiff"]


@dataclass(frozen=True, slots=True)
class EnvDiffOptions:
    """What ``envdiff`` compares, and how it renders."""

    revision: str | None = None
    """Compare at this git revision; None for the work tree."""
    application: str | None = None
    """Compare this application only (its name less cluster and environment words)."""
    environments: Sequence[str] | None = None
    """Environments to compare, in promotion order; by default every one found."""
    expected: Sequence[str] = ()
    """Field globs whose differences are expected."""
    render: RenderOptions = field(default_factory=RenderOptions)


@dataclass(frozen=True, slots=True)
class EnvironmentDiff:
    """The comparison, and what rendering reported."""

    diffs: EnvDiffs
    report: Report

    @property
    def ok(self) -> bool:
        """True when every compared application rendered in every environment."""
        return not self.diffs.failures


def envdiff(root: Path, options: EnvDiffOptions | None = None) -> EnvironmentDiff:
    """Render ``root`` and compare each application across its environments.

    An application that could not be rendered in an environment is compared without that
    environment and reported in ``diffs.failures``.

    Raises:
        UsageError: ``options.application`` names no application of the repository, or
            ``options.environments`` an environment no application is in.
        LoadError: the folder or the revision cannot be read.
        ToolNotFound: no kustomize engine is available.
    """
    options = options or EnvDiffOptions()
    rendered = screen(render_repository(root, options.render, revision=options.revision))
    names = tuple(options.environments or DEFAULT_ENVIRONMENTS)
    wanted = options.application
    if wanted is not None and wanted not in {application_key(a, names) for a in rendered.apps}:
        raise UsageError(f"envdiff --app {wanted!r}: no application of that name in {root}")
    _known_environments(options.environments, rendered, root)
    failures = tuple(
        failure(app, environment, root)
        for app in rendered.apps
        if app.failed
        and (environment := environment_of(app, names)) is not None
        and (options.environments is None or environment in options.environments)
        and wanted in (None, application_key(app, names))
    ) + tuple(
        missed
        for missed in _unreached(rendered, names, root)
        if (options.environments is None or missed.side in options.environments)
        and wanted in (None, missed.application.partition("/")[2])
    )
    healthy = RenderedRepository([app for app in rendered.apps if not app.failed])
    apps = application_environments(healthy, environments=options.environments)
    if wanted is not None:
        apps = {name: envs for name, envs in apps.items() if name == wanted}
    diffs = envdiff_many(apps, expected=tuple(options.expected))
    return EnvironmentDiff(replace(diffs, failures=failures), told(rendered.report, root))


def _known_environments(
    wanted: Sequence[str] | None, rendered: RenderedRepository, root: Path
) -> None:
    """Refuse ``--envs`` naming an environment no application is in (nothing to compare).

    Raises:
        UsageError: naming those environments and the ones there are.
    """
    if not wanted or not rendered.apps:
        return
    names = tuple(dict.fromkeys([*wanted, *DEFAULT_ENVIRONMENTS]))
    found = {environment_of(app, names) for app in rendered.apps} - {None}
    absent = [e for e in wanted if e not in found]
    if absent:
        there = ", ".join(sorted(e for e in found if e is not None)) or "none"
        raise UsageError(
            f"envdiff --envs: no application in {', '.join(map(repr, absent))} in {root}; "
            f"environments there: {there}"
        )


def _unreached(
    rendered: RenderedRepository, names: tuple[str, ...], root: Path
) -> list[RenderFailure]:
    """The applications missing from an environment because what defines them failed there.

    An application is known by its kind and name less environment words; its children are
    what it defines in the environments where it rendered. Each child absent from an
    environment where its parent failed (or was itself not reached) is not rendered there,
    not merely absent: named ``Kind/name`` less environment words, on the failed
    ancestor's cluster, its reason at that ancestor's definition.
    """

    def key(app: RenderedApp) -> tuple[str, str]:
        return app.kind, application_key(app, names)

    by_name = {(a.cluster, f"{a.kind}/{a.name}"): a for a in rendered.apps}
    # An Argo CD Application is rendered on its destination cluster, not its parent's.
    by_name_anywhere = {f"{a.kind}/{a.name}": a for a in rendered.apps if a.kind == "Application"}
    children: dict[tuple[str, str], list[RenderedApp]] = {}
    present: dict[str, set[tuple[str, str]]] = {}
    for app in rendered.apps:
        environment = environment_of(app, names)
        if environment is not None:
            present.setdefault(environment, set()).add(key(app))
        for name in defined(app):
            child = by_name.get((app.cluster, name)) or by_name_anywhere.get(name)
            if child is not None and child is not app:
                children.setdefault(key(app), []).append(child)
    found: list[RenderFailure] = []
    for failed in rendered.apps:
        environment = environment_of(failed, names)
        if not failed.failed or environment is None:
            continue
        cause = f"{failed.kind}/{failed.name}"
        pending = [(key(failed), cause)]
        while pending:
            parent, label = pending.pop()
            for child in children.get(parent, []):
                if key(child) in present[environment]:
                    continue
                present[environment].add(key(child))
                name = "/".join(key(child))
                why = label if label == cause else f"{label} (not rendered: {cause} failed)"
                found.append(
                    unreached(failed.cluster, name, failed.location, why, environment, root)
                )
                pending.append((key(child), name))
    return found
