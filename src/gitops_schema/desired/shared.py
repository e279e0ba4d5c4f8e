"""Objects that two applications of one cluster deploy: their controllers fight over them.

Argo CD marks such Applications with a SharedResourceWarning; in Flux the last
Kustomization to apply takes the object over, and Helm refuses to install an object
another owner made. Either way the desired state
of the object depends on which synced last, and ``render -o DIR`` can write only one.
"""

from __future__ import annotations

from gitops_schema.codes.render import RENDER_SHARED_OBJECT
from gitops_schema.desired.types import RenderedApp
from gitops_schema.diagnostics import Diagnostic
from gitops_schema.model import ObjectId, Tool, identities

__all__ = ["shared_objects"]

_LISTED = 5
"""Objects named in one finding; the rest are counted."""


def shared_objects(apps: list[RenderedApp]) -> list[Diagnostic]:
    """One warning per pair of applications of a cluster that deploy the same objects.

    Reported at the later application (in render order), naming the earlier one with its
    file and line, and the objects they share.
    """
    owners: dict[tuple[str, ObjectId], int] = {}
    shared: dict[tuple[int, int], list[ObjectId]] = {}
    for index, app in enumerate(apps):
        for key in dict.fromkeys(identities(app.manifests)):
            if not key.name:
                continue
            first = owners.setdefault((app.cluster, key), index)
            if first != index:
                shared.setdefault((first, index), []).append(key)
    return [_warning(apps[first], apps[second], keys) for (first, second), keys in shared.items()]


def _consequence(tools: set[Tool], kinds: set[str]) -> str:
    """What the controllers do with an object two of them deploy."""
    if tools == {Tool.ARGOCD}:
        return "Argo CD reports a SharedResourceWarning and each sync overwrites the other's"
    if "HelmRelease" in kinds:
        # Helm adopts only objects whose ownership annotations name its own release.
        return (
            "Helm refuses to install an object another owner made (invalid ownership "
            "metadata), so the HelmRelease fails, or the other overwrites the release's"
        )
    if Tool.ARGOCD in tools:
        return "each sync or reconciliation overwrites the other's"
    return "the last to apply takes it over from the other"


def _warning(first: RenderedApp, second: RenderedApp, keys: list[ObjectId]) -> Diagnostic:
    named = ", ".join(str(key) for key in keys[:_LISTED])
    more = f" and {len(keys) - _LISTED} more" if len(keys) > _LISTED else ""
    consequence = _consequence({first.tool, second.tool}, {first.kind, second.kind})
    return RENDER_SHARED_OBJECT.at(
        f"{second.kind} {second.name} ({second.location}) and {first.kind} {first.name} "
        f"({first.location}) both deploy {named}{more} on cluster {second.cluster!r}: "
        f"{consequence}; give each object one owner",
        second.location,
    )
