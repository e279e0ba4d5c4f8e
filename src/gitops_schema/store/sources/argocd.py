"""Argo CD Applications -> records, whatever brought them (webhook, poller, a file).

One parser reads ``status.operationState`` (the latest operation, whatever its phase),
``status.history`` (successful full syncs only, the newest ten by default), ``status.sync`` and
``status.health``. An operation is identified by app + ``startedAt``; a history entry by app +
``deployedAt`` and, when it has ``deployStartedAt``, it is the operation that started then.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from gitops_schema.store.records import (
    HISTORY_DIGEST,
    HealthSample,
    ObjectKey,
    ObjectState,
    Observation,
    Operation,
    Phase,
    Tool,
)
from gitops_schema.store.redact import redact, redact_text
from gitops_schema.store.sources.payload import (
    PayloadError,
    check_lengths,
    items,
    mapping,
    text,
    time_at,
    within,
)

IN_CLUSTER_SERVER = "https://kubernetes.default.svc"
IN_CLUSTER_NAME = "in-cluster"


def parse_webhook(body: Any, *, cluster_names: Mapping[str, str] | None = None) -> Observation:
    """The body our notification template sends: ``{"app": <Application>}``."""
    if not isinstance(body, dict):
        raise PayloadError(f"body: expected an object, got {type(body).__name__}")
    if "app" not in body:
        raise PayloadError('body: expected {"app": <Application>}, "app" is missing')
    return parse_application(body["app"], cluster_names=cluster_names, path="app")


def parse_application(
    app: Any,
    *,
    cluster_names: Mapping[str, str] | None = None,
    path: str = "",
) -> Observation:
    """Everything an Application object says: its state, operations and health."""
    if not isinstance(app, dict):
        raise PayloadError(f"{path or 'application'}: expected an object")
    prefix = f"{path}." if path else ""
    try:
        return check_lengths(_parse(app, cluster_names or {}))
    except PayloadError as error:
        raise PayloadError(prefix + error.message) from None


def cluster_of(destination: dict[str, Any], cluster_names: Mapping[str, str]) -> str:
    """The destination's cluster name: ``name``, else the name known for its ``server``."""
    name = text(destination, "name")
    if name:
        return name
    server = text(destination, "server") or ""
    if server in cluster_names:
        return cluster_names[server]
    return IN_CLUSTER_NAME if server.rstrip("/") == IN_CLUSTER_SERVER else server


def _parse(app: dict[str, Any], cluster_names: Mapping[str, str]) -> Observation:
    kind = text(app, "kind") or "Application"
    if kind != "Application":
        raise PayloadError(f"kind: expected Application, got {kind!r}")
    name = text(app, "metadata.name", required=True)
    assert name is not None
    destination = mapping(app, "spec.destination")
    source, source_path = mapping(app, "spec.source"), "spec.source"
    if not source:
        sources = items(app, "spec.sources")
        source = sources[0] if sources and isinstance(sources[0], dict) else {}
        source_path = "spec.sources[0]"
    status = mapping(app, "status")
    with within("status."):
        operations = _operations(status)
        health = _health(status)
        sync_status = text(status, "sync.status")
        revision = _revision(mapping(status, "sync"), "sync.")
        health_status = text(status, "health.status")
        message = _message(status)
        observed_at = _observed_at(status, operations, health)
    with within("spec.destination."):
        cluster = cluster_of(destination, cluster_names)
        dest_server, dest_namespace = text(destination, "server"), text(destination, "namespace")
    with within(f"{source_path}."):
        source_url, target_revision = text(source, "repoURL"), text(source, "targetRevision")
        source_dir = text(source, "path") or text(source, "chart")
    state = ObjectState(
        key=ObjectKey(
            Tool.ARGOCD,
            cluster,
            "Application",
            text(app, "metadata.namespace") or "",
            name,
        ),
        api_version=text(app, "apiVersion") or "argoproj.io/v1alpha1",
        definition=redact(app),
        uid=text(app, "metadata.uid"),
        project=text(app, "spec.project"),
        source_url=source_url,
        source_path=source_dir,
        target_revision=target_revision,
        dest_server=dest_server,
        dest_namespace=dest_namespace,
        sync_status=sync_status,
        health_status=health_status,
        revision=revision,
        message=message,
        created_at=time_at(app, "metadata.creationTimestamp"),
        observed_at=observed_at,
    )
    return Observation(state, operations, health)


def _revision(holder: dict[str, Any], prefix: str) -> str | None:
    """``revision``, or the ``revisions`` of a multi-source app joined by commas."""
    single = text(holder, "revision")
    if single:
        return single
    revisions = [r for r in items(holder, "revisions") if isinstance(r, str) and r]
    if len(revisions) != len(items(holder, "revisions")):
        raise PayloadError(f"{prefix}revisions: expected a list of strings")
    return ",".join(revisions) or None


def _initiated_by(holder: dict[str, Any]) -> str | None:
    who = mapping(holder, "initiatedBy")
    if who.get("automated") is True:
        return "automated"
    return text(who, "username") if who else None


def _operations(status: dict[str, Any]) -> list[Operation]:
    found: list[Operation] = []
    state = mapping(status, "operationState")
    if state:
        with within("operationState."):
            found.append(_operation_state(state))
    for index, entry in enumerate(items(status, "history")):
        path = f"history[{index}]"
        if not isinstance(entry, dict):
            raise PayloadError(f"{path}: expected an object")
        with within(f"{path}."):
            found.append(_history_entry(entry))
    return found


def _operation_state(state: dict[str, Any]) -> Operation:
    phase_text = text(state, "phase", required=True) or ""
    try:
        phase = Phase(phase_text)
    except ValueError:
        raise PayloadError(f"phase: unknown phase {phase_text!r}") from None
    started = time_at(state, "startedAt", required=True)
    assert started is not None
    finished = time_at(state, "finishedAt")
    result = mapping(state, "syncResult")
    revision = _revision(result, "syncResult.") or _revision(
        mapping(state, "operation.sync"), "operation.sync."
    )
    resources = items(result, "resources")
    return Operation(
        started_at=started,
        phase=phase,
        revision=revision,
        message=_redacted(text(state, "message")),
        finished_at=finished,
        duration_seconds=(finished - started).total_seconds() if finished else None,
        initiated_by=_initiated_by(mapping(state, "operation")),
        resources=redact(resources) if resources else None,
    )


def _history_entry(entry: dict[str, Any]) -> Operation:
    deployed = time_at(entry, "deployedAt", required=True)
    assert deployed is not None
    started = time_at(entry, "deployStartedAt")
    return Operation(
        started_at=started or deployed,
        started_at_exact=started is not None,
        digest="" if started is not None else HISTORY_DIGEST,
        phase=Phase.SUCCEEDED,
        revision=_revision(entry, ""),
        finished_at=deployed,
        duration_seconds=(deployed - started).total_seconds() if started else None,
        deployed_at=deployed,
        initiated_by=_initiated_by(entry),
    )


def _health(status: dict[str, Any]) -> list[HealthSample]:
    if not mapping(status, "health"):  # absent; not an object is an error naming it
        return []
    state = text(status, "health.status")
    if not state:
        return []
    since = time_at(status, "health.lastTransitionTime")
    if since is not None:
        return [HealthSample(state, since, text(status, "health.message"))]
    seen = time_at(status, "reconciledAt")
    if seen is None:
        return []
    return [HealthSample(state, seen, text(status, "health.message"), exact=False)]


def _message(status: dict[str, Any]) -> str | None:
    return _redacted(text(status, "operationState.message"))


def _redacted(message: str | None) -> str | None:
    return None if message is None else redact_text(message)


def _observed_at(
    status: dict[str, Any], operations: list[Operation], health: list[HealthSample]
) -> datetime | None:
    """The newest time the payload itself carries: its state is the state at that time."""
    times = [t for t in (time_at(status, "reconciledAt"),) if t is not None]
    for operation in operations:
        times.append(operation.finished_at or operation.started_at)
    times.extend(sample.since for sample in health)
    return max(times, default=None)
