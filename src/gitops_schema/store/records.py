"""What the payload parsers produce and ingest writes: plain records, no database types.

A parser turns one payload (a webhook body, a polled object, a line of a file) into one
:class:`Observation` per GitOps object it speaks about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple


class Tool(StrEnum):
    """The GitOps tool an object belongs to."""

    ARGOCD = "argocd"
    FLUX = "flux"


class Origin(StrEnum):
    """How a record reached the store."""

    WEBHOOK = "webhook"
    POLL = "poll"
    IMPORT = "import"


class Phase(StrEnum):
    """Phase of a sync operation (Argo CD's words; Flux outcomes map onto them)."""

    RUNNING = "Running"
    TERMINATING = "Terminating"
    SUCCEEDED = "Succeeded"
    FAILED = "Failed"
    ERROR = "Error"

    @property
    def completed(self) -> bool:
        """Whether the operation is over (its outcome will not change)."""
        return self in (Phase.SUCCEEDED, Phase.FAILED, Phase.ERROR)


class ObjectKey(NamedTuple):
    """The identity of a GitOps object in the store (a tuple: hashed and compared in C)."""

    tool: Tool
    cluster: str
    kind: str
    namespace: str
    name: str


@dataclass
class ObjectState:
    """The current state of an object as one payload shows it (secrets already redacted)."""

    key: ObjectKey
    api_version: str
    definition: dict[str, Any]
    uid: str | None = None
    project: str | None = None
    source_url: str | None = None
    source_path: str | None = None
    target_revision: str | None = None
    dest_server: str | None = None
    dest_namespace: str | None = None
    sync_status: str | None = None
    health_status: str | None = None
    revision: str | None = None
    message: str | None = None
    created_at: datetime | None = None
    # The payload's own time for this state: a later payload may not be overwritten by it.
    observed_at: datetime | None = None
    # A partial state (a Flux event) only sets the fields it has and never the definition.
    partial: bool = False


# The digest of an Argo CD history entry whose start is unknown (no deployStartedAt): its
# started_at is its deployedAt, which may equal the start of another operation.
HISTORY_DIGEST = "history"


@dataclass
class Operation:
    """One sync / reconcile outcome (or an Argo CD history entry, a successful sync)."""

    started_at: datetime
    phase: Phase
    digest: str = ""
    revision: str | None = None
    reason: str | None = None
    message: str | None = None
    finished_at: datetime | None = None
    duration_seconds: float | None = None
    # Set for an Argo CD history entry: its deployedAt, the entry's natural key.
    deployed_at: datetime | None = None
    # True when started_at is the entry's deployStartedAt, so it names the operation exactly.
    started_at_exact: bool = True
    initiated_by: str | None = None
    resources: list[Any] | None = None

    @property
    def keyed_by_content(self) -> bool:
        """Whether the digest is the content's (a Flux event): same key, same content."""
        return self.digest not in ("", HISTORY_DIGEST)


@dataclass
class HealthSample:
    """The health an object had from ``since`` (exact when from lastTransitionTime)."""

    status: str
    since: datetime
    message: str | None = None
    exact: bool = True


@dataclass
class Observation:
    """Everything one payload says about one object."""

    state: ObjectState
    operations: list[Operation] = field(default_factory=list)
    health: list[HealthSample] = field(default_factory=list)
