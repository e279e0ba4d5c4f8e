"""Flux notification-controller events -> records.

The ``generic`` and ``generic-hmac`` providers POST the event as JSON: ``involvedObject``,
``severity`` (trace, info, error), ``timestamp``, ``message``, ``reason``, ``metadata``
(revision under ``<group>/revision``, e.g. ``main@sha1:<sha>``) and ``reportingController``.
Events carry no id, so an event is identified by the sha256 of its canonical JSON, secrets
redacted, with the cluster it came from: a retried delivery has the same digest, a new
reconcile a new time.

Outcomes: reason ``ReconciliationSucceeded`` is a successful reconcile (the periodic
"Reconciliation finished in 25s, next run in 10m" events are; their duration is read from that
message), and so are helm-controller's InstallSucceeded, UpgradeSucceeded, TestSucceeded and
RollbackSucceeded (:data:`HELM_SUCCEEDED_REASONS`); severity ``error`` is a failed one. Other
events (progress, change sets, UninstallSucceeded) only update the object's state.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta
from functools import lru_cache
from typing import Any

import msgspec

from gitops_schema.golang.duration import DurationError, parse_duration
from gitops_schema.store.records import ObjectKey, ObjectState, Observation, Operation, Phase, Tool
from gitops_schema.store.redact import redact, redact_text
from gitops_schema.store.sources import helm
from gitops_schema.store.sources.payload import (
    PayloadError,
    check_lengths,
    items,
    mapping,
    text,
    time_at,
    within,
)

SUCCEEDED_REASON = "ReconciliationSucceeded"
# helm-controller reports each Helm action it ran as an event of its own (revision: the chart
# version; token: the digest of the values): a release installed, upgraded, tested or rolled
# back is a successful outcome; its failures (InstallFailed, UpgradeFailed, TestFailed,
# RollbackFailed, UninstallFailed) are warnings, i.e. severity error. An uninstall removes the
# release: it is no deployment and is kept as the object's state only.
HELM_SUCCEEDED_REASONS = frozenset(
    {"InstallSucceeded", "UpgradeSucceeded", "TestSucceeded", "RollbackSucceeded"}
)
SUCCEEDED_REASONS = HELM_SUCCEEDED_REASONS | {SUCCEEDED_REASON}
SEVERITIES = ("trace", "info", "error")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_FINISHED_IN = re.compile(r"\bfinished in ([0-9][0-9.a-zµμ]*)")
_GIT_SHA = re.compile(r"(?:^|@|:|/)(?:sha1:)?([0-9a-f]{40}|[0-9a-f]{64})$")


def event_digest(event: dict[str, Any], cluster: str) -> str:
    """sha256 of the event's canonical JSON and its cluster: the event's natural key.

    The canonical JSON is ``json.dumps(..., sort_keys=True, separators=(",", ":"))``. It is
    taken of the redacted event, which is what a spooled delivery keeps, so a delivery
    spooled and a retry of it written directly have one key.
    """
    wrapped = {"cluster": cluster, "event": event}
    try:
        # msgspec writes the same text 7 times faster, unless the text needs the care below.
        canonical = _SORTED.encode(wrapped)
    except (msgspec.EncodeError, TypeError, ValueError, OverflowError):
        canonical = b""  # not JSON data: json says why
    if not _same_as_json(canonical, event):
        canonical = _CANONICAL.encode(wrapped).encode()
    return hashlib.sha256(canonical).hexdigest()


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"))
_SORTED = msgspec.json.Encoder(order="sorted")
_PACKED = msgspec.msgpack.Encoder()
_FLOAT = b"\xcb"  # msgpack's mark of a float (msgspec writes every float as a float 64)


def _same_as_json(encoded: bytes, value: Any) -> bool:
    """Whether msgspec's sorted ``encoded`` text of ``value`` is also the canonical one.

    It is when it is not empty, escapes nothing (json escapes every non-ASCII character and
    DEL, msgspec writes them as they are) and ``value`` holds no float (json writes 1e+16
    where msgspec writes 1e16). Floats are found by their mark in ``value``'s msgpack bytes,
    in C: a string or a length may hold the same byte, and then json writes the text
    (slower, never different).
    """
    if not encoded or not encoded.isascii() or b"\\" in encoded or b"\x7f" in encoded:
        return False
    try:
        return _FLOAT not in _PACKED.encode(value)
    except (msgspec.EncodeError, TypeError, ValueError, OverflowError):
        return False


@lru_cache(maxsize=4096)
def commit_of(revision: str) -> str:
    """The commit sha of a Flux revision.

    ``main@sha1:<sha>``, ``sha1:<sha>`` and ``main/<sha>`` give the sha; a revision that names
    no commit (an OCI digest, a chart version) is returned as it is.
    """
    match = _GIT_SHA.search(revision)
    return match.group(1) if match and "@sha256:" not in revision else revision


def reconcile_seconds(message: str) -> float | None:
    """The duration of "Reconciliation finished in 25s, ..." messages, else None."""
    # A controller's messages repeat (whole seconds, mostly): short ones are remembered.
    known = _DURATIONS.get(message, _UNKNOWN)
    if known is not _UNKNOWN:
        return known  # type: ignore[return-value]
    match = _FINISHED_IN.search(message)
    seconds = None if match is None else _seconds(match.group(1).rstrip(".,"))
    if len(message) <= _SHORT_MESSAGE:
        if len(_DURATIONS) >= _DURATIONS_KEPT:
            _DURATIONS.clear()
        _DURATIONS[message] = seconds
    return seconds


_DURATIONS: dict[str, float | None] = {}
_UNKNOWN = object()
_SHORT_MESSAGE = 256
_DURATIONS_KEPT = 1 << 12


@lru_cache(maxsize=4096)
def _seconds(duration: str) -> float | None:
    # A controller writes few distinct durations (whole seconds, mostly).
    try:
        return parse_duration(duration) / 1e9
    except DurationError:
        return None


def parse_event(event: Any, *, cluster: str) -> Observation:
    """One notification-controller event from ``cluster``."""
    if cluster not in _CLUSTERS:
        if not cluster or _CONTROL.search(cluster):
            raise PayloadError("cluster: expected a name without control characters")
        if len(_CLUSTERS) < 1024:  # a service receives from a few clusters
            _CLUSTERS.add(cluster)
    if not isinstance(event, dict):
        raise PayloadError(f"body: expected an event object, got {type(event).__name__}")
    involved = mapping(event, "involvedObject")
    if not involved:
        raise PayloadError("involvedObject: required")
    kind = _string(involved, "kind", "involvedObject.kind", required=True)
    name = _string(involved, "name", "involvedObject.name", required=True)
    assert kind is not None and name is not None
    severity = _string(event, "severity", "severity", required=True)
    if severity not in SEVERITIES:
        raise PayloadError(f"severity: expected one of {', '.join(SEVERITIES)}, got {severity!r}")
    timestamp = time_at(event, "timestamp", required=True)
    assert timestamp is not None
    # Redacted once: the event's digest, definition and message are all taken from it.
    clean = redact(event)
    message = _string(clean, "message", "message") or ""
    reason = _string(event, "reason", "reason") or ""
    api_version = _string(involved, "apiVersion", "involvedObject.apiVersion") or ""
    revision = _revision(mapping(event, "metadata"), api_version)

    operations: list[Operation] = []
    phase = _phase(severity, reason)
    if phase is not None:
        duration = reconcile_seconds(message) if phase is Phase.SUCCEEDED else None
        operations.append(
            Operation(
                started_at=timestamp - timedelta(seconds=duration) if duration else timestamp,
                phase=phase,
                digest=event_digest(clean, cluster),
                revision=revision,
                reason=reason or None,
                message=message,
                finished_at=timestamp,
                duration_seconds=duration,
            )
        )
    state = ObjectState(
        key=ObjectKey(
            Tool.FLUX,
            cluster,
            kind,
            _string(involved, "namespace", "involvedObject.namespace") or "",
            name,
        ),
        api_version=api_version,
        definition={"involvedObject": clean["involvedObject"]},
        uid=_string(involved, "uid", "involvedObject.uid"),
        message=message,
        observed_at=timestamp,
        partial=True,
    )
    return check_lengths(Observation(state, operations))


_CLUSTERS: set[str] = set()  # cluster names found valid


def _string(holder: dict[str, Any], key: str, where: str, *, required: bool = False) -> str | None:
    """:func:`~.payload.text` of a key of ``holder``, a non-empty string found at once."""
    value = holder.get(key)
    if type(value) is str and value:
        return value
    return text(holder, key, required=required, where=where)


def _phase(severity: str, reason: str) -> Phase | None:
    if severity == "error":
        return Phase.FAILED
    if reason in SUCCEEDED_REASONS:
        return Phase.SUCCEEDED
    return None


def _revision(metadata: dict[str, Any], api_version: str) -> str | None:
    """``<group>/revision`` of the object's API group, else any ``.../revision`` key."""
    group = api_version.split("/")[0]
    for key in (f"{group}/revision", "revision"):
        value = metadata.get(key)
        if isinstance(value, str) and value:
            return commit_of(value)
    for key in sorted(k for k in metadata if isinstance(k, str) and k.endswith("/revision")):
        value = metadata[key]
        if isinstance(value, str) and value:
            return commit_of(value)
    return None


def parse_object(obj: Any, *, cluster: str, path: str = "") -> Observation:
    """A Kustomization or HelmRelease as the API returns it (polled or exported).

    Its ``Ready`` condition is its last reconcile outcome: ``True`` a success at the
    condition's lastTransitionTime with ``lastAppliedRevision``, ``False`` a failure with
    ``lastAttemptedRevision``; the condition's content is its key, so polling the same state
    again stores nothing new. A HelmRelease with release snapshots (``status.history``, API
    v2) has those releases as its outcomes instead (:mod:`.helm`), and its revision is the
    chart version of the deployed one.
    """
    prefix = f"{path}." if path else ""
    try:
        return check_lengths(_parse_object(obj, cluster))
    except PayloadError as error:
        raise PayloadError(prefix + error.message) from None


def _parse_object(obj: Any, cluster: str) -> Observation:
    if not isinstance(obj, dict):
        raise PayloadError("expected an object")
    kind = text(obj, "kind", required=True)
    name = text(obj, "metadata.name", required=True)
    assert kind is not None and name is not None
    status = mapping(obj, "status")
    with within("status."):
        conditions = items(status, "conditions")
        applied = text(status, "lastAppliedRevision")
        attempted = text(status, "lastAttemptedRevision")
    index, ready = next(
        (
            (i, c)
            for i, c in enumerate(conditions)
            if isinstance(c, dict) and c.get("type") == "Ready"
        ),
        (0, {}),
    )
    with within(f"status.conditions[{index}]."):
        since = time_at(ready, "lastTransitionTime")
        state_of_ready = text(ready, "status")
        ready_message = text(ready, "message")
        operations = _ready_outcome(ready, applied, attempted, cluster)
    releases = (
        helm.release_operations(status, lambda content: event_digest(content, cluster))
        if kind == "HelmRelease"
        else []
    )
    if releases:
        # The releases are the outcomes; Ready=False adds a failure that made no release (a
        # chart that cannot be fetched, values that do not render) unless the newest failed.
        failed = [o for o in operations if o.phase is Phase.FAILED]
        operations = releases + (failed if releases[0].phase is Phase.SUCCEEDED else [])
        applied = applied or helm.deployed_chart_version(status)
    spec = mapping(obj, "spec")
    with within("spec."):
        source_url = _source_ref(spec)
        source_path = text(spec, "path") or text(spec, "chart.spec.chart")
        dest_namespace = text(spec, "targetNamespace")
    state = ObjectState(
        key=ObjectKey(Tool.FLUX, cluster, kind, text(obj, "metadata.namespace") or "", name),
        api_version=text(obj, "apiVersion") or "",
        definition=redact(obj),
        uid=text(obj, "metadata.uid"),
        source_url=source_url,
        source_path=source_path,
        dest_namespace=dest_namespace,
        sync_status={"True": "Ready", "False": "NotReady"}.get(state_of_ready or ""),
        revision=commit_of(applied) if applied else None,
        message=redact_text(ready_message or "") or None,
        created_at=time_at(obj, "metadata.creationTimestamp"),
        observed_at=since,
    )
    return Observation(state, operations)


def _ready_outcome(
    ready: dict[str, Any], applied: str | None, attempted: str | None, cluster: str
) -> list[Operation]:
    """The outcome the ``Ready`` condition says, keyed by the condition's content."""
    since = time_at(ready, "lastTransitionTime")
    state_of_ready = text(ready, "status")
    if since is None or state_of_ready not in ("True", "False"):
        return []
    succeeded = state_of_ready == "True"
    revision = applied if succeeded else attempted or applied
    return [
        Operation(
            started_at=since,
            phase=Phase.SUCCEEDED if succeeded else Phase.FAILED,
            digest=event_digest({"condition": redact(ready), "revision": revision}, cluster),
            revision=commit_of(revision) if revision else None,
            reason=text(ready, "reason"),
            message=redact_text(text(ready, "message") or ""),
            finished_at=since,
        )
    ]


def _source_ref(spec: dict[str, Any]) -> str | None:
    """``Kind/name`` of the source (``spec.sourceRef``, or a HelmRelease chart's)."""
    for path in ("sourceRef", "chart.spec.sourceRef"):
        ref = mapping(spec, path)
        if ref:
            with within(f"{path}."):
                name, kind = text(ref, "name"), text(ref, "kind")
            return f"{kind or 'Source'}/{name}" if name else None
    return None
