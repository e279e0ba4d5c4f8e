"""Revision to revision: which objects each application of each cluster adds, removes, changes.

Pure functions over rendered manifests; rendering is the caller's job
(:func:`gitops_schema.compare.diff` renders through ``desired``), and this module must
not import it.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from gitops_schema.compare.normalize import ObjectId, identities, to_yaml

__all__ = [
    "Action",
    "AppDiff",
    "ClusterDiff",
    "Diff",
    "DiffSummary",
    "ObjectChange",
    "RenderFailure",
    "Renders",
    "diff_sets",
]

Renders = Mapping[str, Mapping[str, Sequence[Mapping[str, Any]]]]
"""Cluster -> application -> the application's rendered manifests."""


class Action(StrEnum):
    """What happened to an object between the two revisions."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True, slots=True)
class ObjectChange:
    """One object that differs between the revisions."""

    id: ObjectId
    action: Action
    diff: str
    """A unified diff of the normalised YAML; for an added or removed object, all of it."""


@dataclass(frozen=True, slots=True)
class AppDiff:
    """The changes of one application, objects ordered by identity."""

    application: str
    changes: tuple[ObjectChange, ...]
    unchanged: int

    @property
    def added(self) -> tuple[ObjectChange, ...]:
        """The objects only the new revision has."""
        return self._of(Action.ADDED)

    @property
    def removed(self) -> tuple[ObjectChange, ...]:
        """The objects only the old revision has."""
        return self._of(Action.REMOVED)

    @property
    def changed(self) -> tuple[ObjectChange, ...]:
        """The objects both revisions have, with different content."""
        return self._of(Action.CHANGED)

    def _of(self, action: Action) -> tuple[ObjectChange, ...]:
        return tuple(change for change in self.changes if change.action is action)


@dataclass(frozen=True, slots=True)
class ClusterDiff:
    """The applications of one cluster, ordered by name."""

    cluster: str
    applications: tuple[AppDiff, ...]


@dataclass(frozen=True, slots=True)
class DiffSummary:
    """Object counts over every cluster and application."""

    added: int
    removed: int
    changed: int
    unchanged: int


@dataclass(frozen=True, slots=True)
class RenderFailure:
    """An application that could not be rendered on one side of a comparison."""

    cluster: str
    application: str
    """``Kind/name`` of the Application, Kustomization or HelmRelease."""
    side: str
    """The revision (``diff``) or the environment (``envdiff``) it failed in."""
    reasons: tuple[str, ...]
    """What its render reported, ``file:line:column: message``, paths relative to the
    repository."""


@dataclass(frozen=True, slots=True)
class Diff:
    """Everything that differs between two renders, clusters ordered by name."""

    clusters: tuple[ClusterDiff, ...]
    failures: tuple[RenderFailure, ...] = ()
    """Applications not rendered on one side or both: not compared, reported apart."""

    @property
    def changed(self) -> bool:
        """True when any object was added, removed or changed (``--exit-code``)."""
        return any(app.changes for cluster in self.clusters for app in cluster.applications)

    @property
    def summary(self) -> DiffSummary:
        """How many objects were added, removed, changed and left alone."""
        apps = [app for cluster in self.clusters for app in cluster.applications]
        return DiffSummary(
            added=sum(len(app.added) for app in apps),
            removed=sum(len(app.removed) for app in apps),
            changed=sum(len(app.changed) for app in apps),
            unchanged=sum(app.unchanged for app in apps),
        )


def diff_sets(before: Renders, after: Renders) -> Diff:
    """Compare two renders of the same clusters, for example two git revisions.

    Objects are matched by :func:`~gitops_schema.compare.normalize.identity` and compared in
    their normalised form, so server-written fields and key order never show as changes.
    A cluster or application present on one side only has all its objects added or removed.

    Args:
        before: cluster -> application -> manifests of the old revision.
        after: the same for the new revision.

    Returns:
        The changes per cluster and application.
    """
    clusters = []
    for cluster in sorted(before.keys() | after.keys()):
        old_apps = before.get(cluster, {})
        new_apps = after.get(cluster, {})
        apps = tuple(
            _diff_app(app, old_apps.get(app, ()), new_apps.get(app, ()))
            for app in sorted(old_apps.keys() | new_apps.keys())
        )
        clusters.append(ClusterDiff(cluster, apps))
    return Diff(tuple(clusters))


def _diff_app(
    application: str,
    before: Sequence[Mapping[str, Any]],
    after: Sequence[Mapping[str, Any]],
) -> AppDiff:
    old = _by_identity(before)
    new = _by_identity(after)
    changes: list[ObjectChange] = []
    unchanged = 0
    for key in sorted(old.keys() | new.keys()):
        old_obj, new_obj = old.get(key), new.get(key)
        if old_obj is not None and new_obj is not None and _identical(old_obj, new_obj):
            unchanged += 1
            continue
        old_text = None if old_obj is None else to_yaml(old_obj)
        new_text = None if new_obj is None else to_yaml(new_obj)
        if old_text == new_text:
            unchanged += 1
            continue
        if old_text is None:
            action = Action.ADDED
        elif new_text is None:
            action = Action.REMOVED
        else:
            action = Action.CHANGED
        changes.append(ObjectChange(key, action, _unified(key, old_text, new_text)))
    return AppDiff(application, tuple(changes), unchanged)


def _by_identity(manifests: Sequence[Mapping[str, Any]]) -> dict[ObjectId, Mapping[str, Any]]:
    # A later duplicate wins, as it would when applied to the cluster.
    return dict(zip(identities(manifests), manifests, strict=True))


def _identical(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """True when the two objects are the same data, types included (so the same YAML).

    Most objects of a diff did not change: this spares normalising and printing them.
    JSON text tells ``1`` from ``true`` and ``1.0``, which ``==`` does not; data that is
    not JSON (never in a render) is left to the comparison of the normalised texts.
    """
    try:
        return json.dumps(old, sort_keys=True) == json.dumps(new, sort_keys=True)
    except (TypeError, ValueError):
        return False


def _unified(key: ObjectId, old: str | None, new: str | None) -> str:
    lines = difflib.unified_diff(
        (old or "").splitlines(),
        (new or "").splitlines(),
        fromfile="/dev/null" if old is None else f"a/{key}",
        tofile="/dev/null" if new is None else f"b/{key}",
        lineterm="",
    )
    return "\n".join(lines) + "\n"
