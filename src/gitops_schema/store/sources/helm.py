"""A polled HelmRelease's releases: helm-controller's ``status.history`` -> operations.

helm-controller (API v2) keeps a snapshot of each Helm release it made, newest first, up to
the last successful one: ``version`` (the Helm release number), ``chartVersion``,
``configDigest``, ``status`` (``deployed``, ``superseded``, ``failed``, ``pending-*``,
``uninstalled``...), ``firstDeployed`` (of the release name) and ``lastDeployed`` (of this
version). A ``deployed`` or ``superseded`` release is a successful outcome (an install when
its version is 1, else an upgrade or rollback), a ``failed`` one a failure; the others are not
outcomes. Its time is ``lastDeployed``, its revision the chart version, as helm-controller's
events report it. Its key is the digest of what does not change when a later release
supersedes it (name, namespace, version, chart version, config digest), so every poll of the
same release is one row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gitops_schema.store.records import Operation, Phase
from gitops_schema.store.sources.payload import PayloadError, items, text, time_at

Digest = Callable[[dict[str, Any]], str]
_SUCCEEDED = ("deployed", "superseded")
_IDENTITY = ("name", "namespace", "version", "chartName", "chartVersion", "configDigest")


def release_operations(status: dict[str, Any], digest: Digest) -> list[Operation]:
    """The outcomes of ``status.history``'s releases; ``digest(content)`` keys them."""
    found: list[Operation] = []
    for index, snapshot in enumerate(items(status, "history")):
        try:
            operation = _release(snapshot, digest)
        except PayloadError as error:
            raise PayloadError(f"status.history[{index}].{error.message}") from None
        if operation is not None:
            found.append(operation)
    return found


def _release(snapshot: Any, digest: Digest) -> Operation | None:
    if not isinstance(snapshot, dict):
        raise PayloadError("expected an object")
    state = text(snapshot, "status") or ""
    deployed = time_at(snapshot, "lastDeployed") or time_at(snapshot, "firstDeployed")
    if deployed is None or (state not in _SUCCEEDED and state != "failed"):
        return None
    version = snapshot.get("version")
    succeeded = state in _SUCCEEDED
    action = "Install" if version == 1 else "Upgrade"
    return Operation(
        started_at=deployed,
        phase=Phase.SUCCEEDED if succeeded else Phase.FAILED,
        digest=digest({"release": {key: snapshot.get(key) for key in _IDENTITY}}),
        revision=text(snapshot, "chartVersion") or None,
        reason=f"{action}{'Succeeded' if succeeded else 'Failed'}",
        message=f"Helm release {text(snapshot, 'name') or ''}.v{version} {state}",
        finished_at=deployed,
    )


def deployed_chart_version(status: dict[str, Any]) -> str | None:
    """The chart version of the release that is deployed now (the newest ``deployed`` one)."""
    for snapshot in items(status, "history"):
        if isinstance(snapshot, dict) and snapshot.get("status") == "deployed":
            found = snapshot.get("chartVersion")
            return found if isinstance(found, str) and found else None
    return None
