"""What ``GET /metrics`` exports, read from the store in one go.

That is the state of every object, its sync and deployment counts, and the DORA summary over a
trailing window.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Final

from sqlalchemy import Connection, text

from gitops_schema.analytics.bulk import collections_paused
from gitops_schema.store.tables import UtcTime

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
    dora: DoraGauges


_OPERATIONS: Final = """
SELECT t.object_id AS object_id, t.status AS status, t.operations AS operations
FROM analytics_sync_totals t"""

# kept up to date by analytics.materialize
_LAST: Final = """
SELECT l.object_id AS object_id, l.succeeded_at AS succeeded, l.failed_at AS failed,
       l.duration_seconds AS duration
FROM analytics_sync_last l"""


# every deployment with its outcome, kept up to date by analytics.materialize
_DEPLOYED: Final = """
SELECT o.object_id AS object_id, COUNT(*) AS deployments, COUNT(o.failed_at) AS failed
FROM analytics_deployment_outcomes o GROUP BY o.object_id"""

TRAILING: Final = timedelta(days=30)
"""The DORA gauges cover the 30 days before the scrape."""


def read_snapshot(
    connection: Connection, production: tuple[str, ...], now: datetime | None = None
) -> MetricsSnapshot:
    """Everything ``/metrics`` exports, read from the store now.

    The rollups must be installed and up to date (:func:`gitops_schema.analytics.rollups.ensure`).
    """
    with collections_paused():
        return _read_snapshot(connection, production, now or datetime.now(UTC))


def _read_snapshot(
    connection: Connection, production: tuple[str, ...], until: datetime
) -> MetricsSnapshot:
    from gitops_schema.analytics import definitions as d
    from gitops_schema.analytics import reports

    objects = d.read_objects(connection)
    by_id = {row.id: row for row in objects}
    last: dict[int, dict[str, float]] = {}
    durations: dict[int, float] = {}
    clause = text(_LAST).columns(succeeded=UtcTime(), failed=UtcTime())
    for row in connection.execute(clause):
        for status, moment in (("Succeeded", row.succeeded), ("Failed", row.failed)):
            if moment is not None:
                last.setdefault(row.object_id, {})[status] = moment.timestamp()
        if row.duration is not None:
            durations[row.object_id] = float(row.duration)
    operations = {
        (by_id[row.object_id].key, str(row.status)): int(row.operations)
        for row in connection.execute(text(_OPERATIONS))
        if int(row.operations) > 0
    }
    details = {row.id: row for row in connection.execute(_DETAILS)}
    apps = [
        AppState(
            key=row.key,
            kind=row.kind,
            project=row.project or "",
            repo=details[row.id].source_url or "",
            dest_server=details[row.id].dest_server or "",
            dest_namespace=details[row.id].dest_namespace or "",
            sync_status=details[row.id].sync_status or "Unknown",
            health_status=details[row.id].health_status or "Unknown",
            last_finished=last.get(row.id, {}),
            last_duration_seconds=durations.get(row.id),
        )
        for row in objects
    ]
    scope = d.Scope(env="production", production=production)
    productive = {row.id for row in d.scoped_objects(objects, scope)}
    deployed: dict[tuple[AppKey, str], tuple[int, int]] = {}
    for row in connection.execute(text(_DEPLOYED)):
        environment = "production" if row.object_id in productive else "other"
        deployed[(by_id[row.object_id].key, environment)] = (int(row.deployments), int(row.failed))
    window = d.Window(until - TRAILING, until)
    dora = reports.dora(connection, window, scope, objects=objects)
    gauges = DoraGauges(
        window=f"{TRAILING.days}d",
        deployment_days_per_week=dora["deployment_frequency"]["median_days_per_week"],
        lead_time_seconds=_seconds(dora["lead_time"]["median_minutes"]),
        change_failure_ratio=dora["change_failure_rate"]["value"],
        recovery_time_seconds=_seconds(dora["recovery_time"]["median_minutes"]),
        levels={
            "deployment_frequency": dora["deployment_frequency"]["level"],
            "lead_time": dora["lead_time"]["level"],
            "change_failure_rate": dora["change_failure_rate"]["level"],
            "recovery_time": dora["recovery_time"]["level"],
        },
    )
    return MetricsSnapshot(apps, operations, deployed, gauges)


_DETAILS: Final = text(
    "SELECT id, source_url, dest_server, dest_namespace, sync_status, health_status FROM objects"
)


def _seconds(minutes: float | None) -> float | None:
    return None if minutes is None else minutes * 60
