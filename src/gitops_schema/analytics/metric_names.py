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


APP_INFO: Final = Metric(
    "gitops_schema_app_info",
    "gauge",
    "Every GitOps object the store knows, with its current sync and health status (always 1).",
    INFO_LABELS,
)
APP_SYNC_STATUS: Final = Metric(
    "gitops_schema_app_sync_status",
    "gauge",
    "1 for the object's current sync status (Synced, OutOfSync, Unknown), 0 for the others.",
    (*APP_LABELS, "sync_status"),
)
APP_HEALTH_STATUS: Final = Metric(
    "gitops_schema_app_health_status",
    "gauge",
    "1 for the object's current health (Healthy, Progressing, Degraded, Suspended, Missing, "
    "Unknown), 0 for the others.",
    (*APP_LABELS, "health_status"),
)
APP_LAST_SYNC_TIMESTAMP: Final = Metric(
    "gitops_schema_app_last_sync_timestamp_seconds",
    "gauge",
    "When the object's last recorded sync operation finished (Unix time), by its status.",
    (*APP_LABELS, "status"),
)
APP_LAST_SYNC_DURATION: Final = Metric(
    "gitops_schema_app_last_sync_duration_seconds",
    "gauge",
    "How long the object's last recorded sync operation with a known duration took.",
    APP_LABELS,
)
SYNC_OPERATIONS: Final = Metric(
    "gitops_schema_sync_operations",
    "counter",
    "Sync operations recorded (Argo CD operations, Flux reconcile outcomes), by status.",
    (*APP_LABELS, "status"),
)
DEPLOYMENTS: Final = Metric(
    "gitops_schema_deployments",
    "counter",
    "Deployments recorded (a successful sync of a new revision), by environment.",
    (*APP_LABELS, "environment"),
)
FAILED_DEPLOYMENTS: Final = Metric(
    "gitops_schema_failed_deployments",
    "counter",
    "Deployments followed by a failure signal before the object's next deployment.",
    (*APP_LABELS, "environment"),
)
DORA_DEPLOYMENT_DAYS_PER_WEEK: Final = Metric(
    "gitops_schema_dora_deployment_frequency",
    "gauge",
    "Median production deployment days per ISO week over the trailing window (0 to 7).",
    ("window",),
)
DORA_LEAD_TIME: Final = Metric(
    "gitops_schema_dora_lead_time_seconds",
    "gauge",
    "Median lead time for changes over the trailing window (absent when nothing was deployed).",
    ("window",),
)
DORA_CHANGE_FAILURE_RATIO: Final = Metric(
    "gitops_schema_dora_change_failure_ratio",
    "gauge",
    "Failed production deployments / production deployments over the trailing window.",
    ("window",),
)
DORA_RECOVERY_TIME: Final = Metric(
    "gitops_schema_dora_recovery_time_seconds",
    "gauge",
    "Median failed deployment recovery time over the trailing window.",
    ("window",),
)
DORA_LEVEL: Final = Metric(
    "gitops_schema_dora_level",
    "gauge",
    "1 for the current DORA level (elite, high, medium, low) of each key metric, 0 for others.",
    ("window", "metric", "level"),
)
INGEST_REQUESTS: Final = Metric(
    "gitops_schema_ingest_requests",
    "counter",
    "Webhook deliveries received by this process, by source and HTTP status code.",
    ("source", "code"),
)

ALL_METRICS: Final = (
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
)
