"""The Prometheus metrics ``GET /metrics`` exports.

They are named once here for the collector, the alert rules and the Grafana dashboard.

Per-application series carry the labels of Argo CD's ``argocd_app_info`` (``name``,
``namespace``, ``project``, ``repo``, ``dest_server``, ``dest_namespace``), so a query or a join
written for Argo CD's own metrics works on them, plus ``tool`` and ``cluster`` because one store
records Argo CD and Flux objects of many clusters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

MetricType = Literal["gauge", "counter"]

APP_LABELS: Final = ("tool", "cluster", "namespace", "name")
"""The labels that identify one GitOps object (an Application, Kustomization, HelmRelease)."""
INFO_LABELS: Final = (
    *APP_LABELS,
    "kind",
    "project",
    "repo",
    "dest_server",
    "dest_namespace",
    "sync_status",
    "health_status",
)
"""``argocd_app_info``'s labels, plus ``tool``, ``cluster`` and ``kind``."""

DORA_METRICS: Final = ("deployment_frequency", "lead_time", "change_failure_rate", "recovery_time")
"""The ``metric`` label values of :data:`DORA_LEVEL`."""


@dataclass(frozen=True)
class Metric:
    """One exported metric family: its name (without ``_total`` for counters) and labels."""

    name: str
    type: MetricType
    help: str
    labels: tuple[str, ...]

    @property
    def sample(self) -> str:
        """The name of its samples, as PromQL reads them (counters end in ``_total``)."""
        return f"{self.name}_total" if self.type == "counter" else self.name


_TABLE: Final[tuple[tuple[str, MetricType, tuple[str, ...], str], ...]] = (
    (
        "gitops_schema_app_info",
        "gauge",
        INFO_LABELS,
        "Every GitOps object the store knows, with its current sync and health status (always 1).",
    ),
    (
        "gitops_schema_app_sync_status",
        "gauge",
        (*APP_LABELS, "sync_status"),
        "1 for the object's current sync status (Synced, OutOfSync, Unknown), 0 for the others.",
    ),
    (
        "gitops_schema_app_health_status",
        "gauge",
        (*APP_LABELS, "health_status"),
        "1 for the object's current health (Healthy, Progressing, Degraded, Suspended, Missing, "
        "Unknown), 0 for the others.",
    ),
    (
        "gitops_schema_app_last_sync_timestamp_seconds",
        "gauge",
        (*APP_LABELS, "status"),
        "When the object's last recorded sync operation finished (Unix time), by its status.",
    ),
    (
        "gitops_schema_app_last_sync_duration_seconds",
        "gauge",
        APP_LABELS,
        "How long the object's last recorded sync operation with a known duration took.",
    ),
    (
        "gitops_schema_sync_operations",
        "counter",
        (*APP_LABELS, "status"),
        "Sync operations recorded (Argo CD operations, Flux reconcile outcomes), by status.",
    ),
    (
        "gitops_schema_deployments",
        "counter",
        (*APP_LABELS, "environment"),
        "Deployments recorded (a successful sync of a new revision), by environment.",
    ),
    (
        "gitops_schema_failed_deployments",
        "counter",
        (*APP_LABELS, "environment"),
        "Deployments followed by a failure signal before the object's next deployment.",
    ),
    (
        "gitops_schema_dora_deployment_frequency",
        "gauge",
        ("window",),
        "Median production deployment days per ISO week over the trailing window (0 to 7).",
    ),
    (
        "gitops_schema_dora_lead_time_seconds",
        "gauge",
        ("window",),
        "Median lead time for changes over the trailing window (absent when nothing was deployed).",
    ),
    (
        "gitops_schema_dora_change_failure_ratio",
        "gauge",
        ("window",),
        "Failed production deployments / production deployments over the trailing window.",
    ),
    (
        "gitops_schema_dora_recovery_time_seconds",
        "gauge",
        ("window",),
        "Median failed deployment recovery time over the trailing window.",
    ),
    (
        "gitops_schema_dora_level",
        "gauge",
        ("window", "metric", "level"),
        "1 for the current DORA level (elite, high, medium, low) of each key metric, 0 for others.",
    ),
    (
        "gitops_schema_ingest_requests",
        "counter",
        ("source", "code"),
        "Webhook deliveries received by this process, by source and HTTP status code.",
    ),
)
"""Each metric: name, type, labels and help, in the order of the variables below."""

ALL_METRICS: Final = tuple(Metric(name, kind, help, labels) for name, kind, labels, help in _TABLE)

(
    APP_INFO,
    APP_SYNC_STATUS,
    APP_HEALTH_STATUS,
    APP_LAST_SYNC_TIMESTAMP,
    APP_LAST_SYNC_DURATION,
    SYNC_OPERATIONS,
    DEPLOYMENTS,
    FAILED_DEPLOYMENTS,
    DORA_DEPLOYMENT_DAYS_PER_WEEK,
    DORA_LEAD_TIME,
    DORA_CHANGE_FAILURE_RATIO,
    DORA_RECOVERY_TIME,
    DORA_LEVEL,
    INGEST_REQUESTS,
) = ALL_METRICS
