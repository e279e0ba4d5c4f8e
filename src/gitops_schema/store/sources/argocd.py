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
    source = mapping(app, "spec.source")
    if not source:
        sources = items(app, "spec.sources")
        source = sources[0] if sources and isinstance(sources[0], dict) else {}
    status = mapping(app, "status")
    operations = _operations(status)
    health = _health(status)
    state = ObjectState(
        key=ObjectKey(
            Tool.ARGOCD,
            cluster_of(destination, cluster_names),
            "Application",
            text(app, "metadata.namespace") or "",
            name,
        ),
        api_version=text(app, "apiVersion") or "argoproj.io/v1alpha1",
        definition=redact(app),
        uid=text(app, "metadata.uid"),
        project=text(app, "spec.project"),
        source_url=text(source, "repoURL"),
        source_path=text(source, "path") or text(source, "chart"),
        target_revision=text(source, "targetRevision"),
        dest_server=text(destination, "server"),
        dest_namespace=text(destination, "namespace"),
        sync_status=text(status, "sync.status"),
        health_status=text(status, "health.status"),
        revision=_revision(mapping(status, "sync"), "sync"),
        message=_message(status),
        created_at=time_at(app, "metadata.creationTimestamp"),
        observed_at=_observed_at(status, operations, health),
    )
    return Observation(state, operations, health)


def _revision(holder: dict[str, Any], path: str) -> str | None:
    """``revision``, or the ``revisions`` of a multi-source app joined by commas."""
    single = text(holder, "revision")
    if single:
        return single
    revisions = [r for r in items(holder, "revisions") if isinstance(r, str) and r]
    if len(revisions) != len(items(holder, "revisions")):
        raise PayloadError(f"{path}.revisions: expected a list of strings")
    return ",".join(revisions) or None


def _initiated_by(holder: dict[str, Any], path: str) -> str | None:
    who = mapping(holder, "initiatedBy")
    if who.get("automated") is True:
        return "automated"
    return text(who, "username") if who else None


def _operations(status: dict[str, Any]) -> list[Operation]:
    found: list[Operation] = []
    state = mapping(status, "operationState")
    if state:
        found.append(_operation_state(state))
    for index, entry in enumerate(items(status, "history")):
        path = f"status.history[{index}]"
        if not isinstance(entry, dict):
            raise PayloadError(f"{path}: expected an object")
        try:
            found.append(_history_entry(entry))
        except PayloadError as error:
            raise PayloadError(f"{path}.{error.message}") from None
    return found


def _operation_state(state: dict[str, Any]) -> Operation:
    path = "status.operationState"
    phase_text = text(state, "phase", required=True) or ""
    try:
        phase = Phase(phase_text)
    except ValueError:
        raise PayloadError(f"{path}.phase: unknown phase {phase_text!r}") from None
    started = time_at(state, "startedAt", required=True)
    assert started is not None
    finished = time_at(state, "finishedAt")
    result = mapping(state, "syncResult")
    revision = _revision(result, f"{path}.syncResult") or _revision(
        mapping(state, "operation.sync"), f"{path}.operation.sync"
    )
    resources = items(result, "resources")
    return Operation(
        started_at=started,
        phase=phase,
        revision=revision,
        message=_redacted(text(state, "message")),
        finished_at=finished,
        duration_seconds=(finished - started).total_seconds() if finished else None,
        initiated_by=_initiated_by(mapping(state, "operation"), f"{path}.operation"),
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
        revision=_revision(entry, "revision"),
        finished_at=deployed,
        duration_seconds=(deployed - started).total_seconds() if started else None,
        deployed_at=deployed,
        initiated_by=_initiated_by(entry, "initiatedBy"),
    )


def _health(status: dict[str, Any]) -> list[HealthSample]:
    health = mapping(status, "health")
    state = text(health, "status")
    if not state:
        return []
    since = time_at(health, "lastTransitionTime")
    if since is not None:
        return [HealthSample(state, since, text(health, "message"))]
    seen = time_at(status, "reconciledAt")
    if seen is None:
        return []
    return [HealthSample(state, seen, text(health, "message"), exact=False)]


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
