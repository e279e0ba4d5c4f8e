"""What ``GET /metrics`` exports, read from the store in one go.

That is the state of every object, its sync and deployment counts, and the DORA summary over a
trailing window.
"""

from __future__ import annotations

from dataclasses import dataclass, field

AppKey = tuple[str, str, str, str]
"""``(tool, cluster, namespace, name)``: one GitOps object, as the metrics label it."""


@dataclass(frozen=True)
class AppState:
    """The current state of one object and its last sync operation."""

    key: AppKey
    kind: str
    project: str
    repo: str
    dest_server: str
    dest_namespace: str
    sync_status: str
    health_status: str
    last_finished: dict[str, float] = field(default_factory=dict)
    """Unix time of the last finished operation, by status (``Succeeded``, ``Failed``)."""
    last_duration_seconds: float | None = None


@dataclass(frozen=True)
class DoraGauges:
    """The production DORA figures over the trailing ``window`` (``30d``)."""

    window: str
    deployment_days_per_week: float
    lead_time_seconds: float | None
    change_failure_ratio: float | None
    recovery_time_seconds: float | None
    levels: dict[str, str | None]
    """Level per key metric name (see ``metric_names.DORA_METRICS``)."""


@dataclass(frozen=True)
class MetricsSnapshot:
    """Everything one scrape exports from the store."""

    apps: list[AppState]
    sync_operations: dict[tuple[AppKey, str], int]
    """Operation counts by object and status."""
    deployments: dict[tuple[AppKey, str], tuple[int, int]]
    """``(deployments, failed deployments)`` by object and environment."""
    stored_by_origin: dict[str, int]
    dora: DoraGauges
