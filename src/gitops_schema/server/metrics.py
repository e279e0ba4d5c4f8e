"""``GET /metrics``: the store's state as Prometheus metrics (prometheus-client).

Also counts the webhook deliveries this process received.

Store-derived series are read at scrape time from a :class:`MetricsSnapshot`, so several
``serve`` processes on one database export the same figures; counters of stored rows only grow
because the store never deletes history.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Final

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gitops_schema.analytics import rollups
from gitops_schema.analytics.levels import LEVELS
from gitops_schema.analytics.metric_names import (
    APP_HEALTH_STATUS,
    APP_INFO,
    APP_LAST_SYNC_DURATION,
    APP_LAST_SYNC_TIMESTAMP,
    APP_SYNC_STATUS,
    DEPLOYMENTS,
    DORA_CHANGE_FAILURE_RATIO,
    DORA_DEPLOYMENT_DAYS_PER_WEEK,
    DORA_LEAD_TIME,
    DORA_LEVEL,
    DORA_METRICS,
    DORA_RECOVERY_TIME,
    FAILED_DEPLOYMENTS,
    INGEST_REQUESTS,
    SYNC_OPERATIONS,
)
from gitops_schema.analytics.metric_names import (
    Metric as MetricName,
)
from gitops_schema.analytics.snapshot import MetricsSnapshot, read_snapshot
from gitops_schema.check.config import DEFAULT_PRODUCTION
from gitops_schema.server.session import reader

SYNC_STATUSES: Final = ("Synced", "OutOfSync", "Unknown")
HEALTH_STATUSES: Final = ("Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown")


def _gauge(metric: MetricName) -> GaugeMetricFamily:
    return GaugeMetricFamily(metric.name, metric.help, labels=list(metric.labels))


def _counter(metric: MetricName) -> CounterMetricFamily:
    return CounterMetricFamily(metric.name, metric.help, labels=list(metric.labels))


def snapshot_metrics(snapshot: MetricsSnapshot) -> Iterator[Metric]:
    """The metric families of one snapshot of the store."""
    info, sync, health = _gauge(APP_INFO), _gauge(APP_SYNC_STATUS), _gauge(APP_HEALTH_STATUS)
    last_time, last_duration = _gauge(APP_LAST_SYNC_TIMESTAMP), _gauge(APP_LAST_SYNC_DURATION)
    for app in snapshot.apps:
        key = list(app.key)
        info.add_metric(
            [
                *key,
                app.kind,
                app.project,
                app.repo,
                app.dest_server,
                app.dest_namespace,
                app.sync_status,
                app.health_status,
            ],
            1,
        )
        # a status outside the known set still gets its own series, set to 1
        for status in dict.fromkeys((*SYNC_STATUSES, app.sync_status)):
            sync.add_metric([*key, status], 1 if status == app.sync_status else 0)
        for status in dict.fromkeys((*HEALTH_STATUSES, app.health_status)):
            health.add_metric([*key, status], 1 if status == app.health_status else 0)
        for status, finished in sorted(app.last_finished.items()):
            last_time.add_metric([*key, status], finished)
        if app.last_duration_seconds is not None:
            last_duration.add_metric(key, app.last_duration_seconds)
    yield from (info, sync, health, last_time, last_duration)

    operations = _counter(SYNC_OPERATIONS)
    for (key_, status), count in sorted(snapshot.sync_operations.items()):
        operations.add_metric([*key_, status], count)
    deployed, failed = _counter(DEPLOYMENTS), _counter(FAILED_DEPLOYMENTS)
    for (key_, environment), (count, failures) in sorted(snapshot.deployments.items()):
        deployed.add_metric([*key_, environment], count)
        failed.add_metric([*key_, environment], failures)
    yield from (operations, deployed, failed)
    yield from _dora_metrics(snapshot)


def _dora_metrics(snapshot: MetricsSnapshot) -> Iterator[Metric]:
    dora = snapshot.dora
    window = [dora.window]
    for metric, value in (
        (DORA_DEPLOYMENT_DAYS_PER_WEEK, dora.deployment_days_per_week),
        (DORA_LEAD_TIME, dora.lead_time_seconds),
        (DORA_CHANGE_FAILURE_RATIO, dora.change_failure_ratio),
        (DORA_RECOVERY_TIME, dora.recovery_time_seconds),
    ):
        family = _gauge(metric)
        # no data is no sample, not a zero: a zero lead time would read as elite
        if value is not None:
            family.add_metric(window, value)
        yield family
    levels = _gauge(DORA_LEVEL)
    for name in DORA_METRICS:
        current = dora.levels.get(name)
        if current is None:
            continue
        for level in LEVELS:
            levels.add_metric([dora.window, name, level], 1 if level == current else 0)
    yield levels


class StoreCollector(Collector):
    """A collector that reads a fresh snapshot of the store at every scrape."""

    def __init__(self, read: Callable[[], MetricsSnapshot]) -> None:
        self._read = read

    def collect(self) -> Iterable[Metric]:
        """The store's metric families, read now."""
        return list(snapshot_metrics(self._read()))


def ingest_counter(registry: CollectorRegistry) -> Counter:
    """The counter of webhook deliveries by source and status code, in ``registry``."""
    return Counter(
        INGEST_REQUESTS.name,
        INGEST_REQUESTS.help,
        labelnames=list(INGEST_REQUESTS.labels),
        registry=registry,
    )


SCRAPE_CACHE_SECONDS: Final = 10.0
"""A snapshot is reused for this long: several scrapers in a row read the store once."""


class _CachedSnapshot:
    def __init__(self, engine: Engine, production: Callable[[], tuple[str, ...]]) -> None:
        self._engine = engine
        self._production = production
        self._lock = threading.Lock()
        self._taken: tuple[float, MetricsSnapshot] | None = None

    def __call__(self) -> MetricsSnapshot:
        with self._lock:
            now = time.monotonic()
            if self._taken is None or now - self._taken[0] > SCRAPE_CACHE_SECONDS:
                rollups.ensure(self._engine)
                with self._engine.connect() as connection:
                    self._taken = (now, read_snapshot(connection, self._production()))
            return self._taken[1]


def install(app: FastAPI) -> None:
    """Give ``app`` its metrics registry and count the webhook deliveries it answers."""
    registry = CollectorRegistry()
    registry.register(
        StoreCollector(
            _CachedSnapshot(
                app.state.engine,
                lambda: getattr(app.state, "production", DEFAULT_PRODUCTION),
            )
        )
    )
    app.state.metrics_registry = registry
    app.add_middleware(_DeliveryCounter, deliveries=ingest_counter(registry))


class _DeliveryCounter:
    """ASGI middleware counting the webhook deliveries answered, by source and status.

    Plain ASGI: it only reads the response's start, where an ``http`` middleware of
    Starlette would run every request in a task group of its own and pass each body chunk
    through a stream (a share of every delivery's time).
    """

    def __init__(self, app: ASGIApp, deliveries: Counter) -> None:
        self.app = app
        self.deliveries = deliveries

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"] if scope["type"] == "http" else ""
        source = path[len(_EVENTS) :].strip("/") if path.startswith(_EVENTS) else ""
        if source not in ("argocd", "flux"):
            await self.app(scope, receive, send)
            return

        async def counted(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.deliveries.labels(source=source, code=str(message["status"])).inc()
            await send(message)

        await self.app(scope, receive, counted)


_EVENTS: Final = "/api/v1/events/"

router = APIRouter(tags=["metrics"])


@router.get(
    "/metrics",
    summary="Prometheus metrics of the store (read token)",
    dependencies=[Depends(reader)],
    response_class=PlainTextResponse,
)
def metrics(request: Request) -> Response:
    """The Prometheus text exposition of the store's state and this process's counters."""
    registry: CollectorRegistry = request.app.state.metrics_registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
