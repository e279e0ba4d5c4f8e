"""A Grafana dashboard over the ``/metrics`` series and the store's PostgreSQL tables.

It is built with Grafana's typed builders (grafana-foundation-sdk): a panel that names a
missing option or a wrong type fails mypy, not Grafana.

Two data sources are variables of the dashboard (``$prometheus``, ``$postgres``), so it imports
into any Grafana whatever its data sources are called. Grafana's PostgreSQL plugin has no
builder in the SDK; :class:`SqlQuery` is one, with the fields that plugin reads.
"""

from __future__ import annotations

import json
from typing import Any, Final, Self

from grafana_foundation_sdk.builders import dashboard as dash
from grafana_foundation_sdk.builders import prometheus, stat, table, timeseries
from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.cog import variants as cogvariants
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.dashboard import DataSourceRef
from grafana_foundation_sdk.models.prometheus import PromQueryFormat

from gitops_schema.analytics.metric_names import (
    APP_HEALTH_STATUS,
    APP_INFO,
    APP_LAST_SYNC_DURATION,
    APP_SYNC_STATUS,
    DEPLOYMENTS,
    DORA_CHANGE_FAILURE_RATIO,
    DORA_DEPLOYMENT_DAYS_PER_WEEK,
    DORA_LEAD_TIME,
    DORA_RECOVERY_TIME,
    FAILED_DEPLOYMENTS,
    INGEST_REQUESTS,
    SYNC_OPERATIONS,
)

UID: Final = "gitops-schema"
PROMETHEUS: Final = DataSourceRef(type_val="prometheus", uid="${prometheus}")
POSTGRES: Final = DataSourceRef(type_val="grafana-postgresql-datasource", uid="${postgres}")
_SELECTOR: Final = 'cluster=~"$cluster"'


class SqlQueryModel(cogvariants.Dataquery):
    """A query of Grafana's PostgreSQL data source, in code mode."""

    def __init__(self, ref_id: str, raw_sql: str, format: str) -> None:
        self.ref_id = ref_id
        self.raw_sql = raw_sql
        self.format = format

    def to_json(self) -> dict[str, object]:
        """The query as Grafana stores it in a dashboard."""
        return {
            "refId": self.ref_id,
            "datasource": POSTGRES.to_json(),
            "editorMode": "code",
            "rawQuery": True,
            "rawSql": self.raw_sql,
            "format": self.format,
        }


class SqlQuery(cogbuilder.Builder[cogvariants.Dataquery]):
    """Builder of :class:`SqlQueryModel` (``format``: ``time_series`` or ``table``)."""

    def __init__(self, raw_sql: str) -> None:
        self._model = SqlQueryModel("A", raw_sql, "time_series")

    def build(self) -> SqlQueryModel:
        """The query."""
        return self._model

    def as_table(self) -> Self:
        """Read the result as a table rather than as time series."""
        self._model.format = "table"
        return self

    def ref_id(self, ref_id: str) -> Self:
        """The query's id within its panel."""
        self._model.ref_id = ref_id
        return self


def _promql(expr: str, legend: str = "", ref: str = "A") -> prometheus.Dataquery:
    query = prometheus.Dataquery().expr(expr).ref_id(ref).datasource(PROMETHEUS)
    return query.legend_format(legend) if legend else query


def _counting(title: str, expr: str, unit: str = "short") -> stat.Panel:
    return (
        stat.Panel()
        .title(title)
        .datasource(PROMETHEUS)
        .with_target(_promql(expr))
        .unit(unit)
        .height(4)
        .span(4)
    )


def _dora_stat(title: str, metric: str, unit: str, scale: str = "") -> stat.Panel:
    return _counting(title, f'{metric}{{window="$window"}}{scale}', unit)


def _sync_row() -> list[cogbuilder.Builder[Any]]:
    return [
        _counting(
            "Out of sync",
            f'count({APP_SYNC_STATUS.sample}{{sync_status="OutOfSync", {_SELECTOR}}} == 1) '
            "or vector(0)",
        ),
        _counting(
            "Degraded",
            f'count({APP_HEALTH_STATUS.sample}{{health_status="Degraded", {_SELECTOR}}} == 1) '
            "or vector(0)",
        ),
        _counting(
            "Failed syncs (range)",
            f'sum(increase({SYNC_OPERATIONS.sample}{{status="Failed", {_SELECTOR}}}[$__range])) '
            "or vector(0)",
        ),
        timeseries.Panel()
        .title("Sync operations by status")
        .datasource(PROMETHEUS)
        .with_target(
            _promql(
                f"sum by (status) (increase({SYNC_OPERATIONS.sample}{{{_SELECTOR}}}"
                "[$__rate_interval]))",
                "{{status}}",
            )
        )
        .height(8)
        .span(12),
        timeseries.Panel()
        .title("Last sync duration")
        .datasource(PROMETHEUS)
        .with_target(
            _promql(
                f"{APP_LAST_SYNC_DURATION.sample}{{{_SELECTOR}}}",
                "{{cluster}}/{{namespace}}/{{name}}",
            )
        )
        .unit("s")
        .height(8)
        .span(12),
    ]


def _dora_row() -> list[cogbuilder.Builder[Any]]:
    return [
        _dora_stat("Deployment days per week", DORA_DEPLOYMENT_DAYS_PER_WEEK.sample, "short"),
        _dora_stat("Lead time for changes", DORA_LEAD_TIME.sample, "s"),
        _dora_stat("Change failure rate", DORA_CHANGE_FAILURE_RATIO.sample, "percentunit"),
        _dora_stat("Recovery time", DORA_RECOVERY_TIME.sample, "s"),
        timeseries.Panel()
        .title("Production deployments and failed deployments")
        .datasource(PROMETHEUS)
        .with_target(
            _promql(
                f'sum(increase({DEPLOYMENTS.sample}{{environment="production", {_SELECTOR}}}'
                "[$__rate_interval]))",
                "deployments",
            )
        )
        .with_target(
            _promql(
                f"sum(increase({FAILED_DEPLOYMENTS.sample}"
                f'{{environment="production", {_SELECTOR}}}[$__rate_interval]))',
                "failed",
                "B",
            )
        )
        .height(8)
        .span(16),
        timeseries.Panel()
        .title("Webhook deliveries by status code")
        .datasource(PROMETHEUS)
        .with_target(
            _promql(
                f"sum by (source, code) (rate({INGEST_REQUESTS.sample}[$__rate_interval]))",
                "{{source}} {{code}}",
            )
        )
        .unit("reqps")
        .height(8)
        .span(8),
    ]


_DEPLOYMENTS_PER_DAY: Final = """\
SELECT date_trunc('day', d.finished_at) AS time, o.cluster AS metric, count(*) AS value
FROM deployments d JOIN objects o ON o.id = d.object_id
WHERE $__timeFilter(d.finished_at) AND o.cluster ~ '^($cluster)$'
GROUP BY 1, 2 ORDER BY 1"""

_SYNC_DURATIONS: Final = """\
SELECT date_trunc('hour', s.finished_at) AS time,
       avg(s.duration_seconds) AS "average", max(s.duration_seconds) AS "maximum"
FROM sync_operations s JOIN objects o ON o.id = s.object_id
WHERE $__timeFilter(s.finished_at) AND s.duration_seconds IS NOT NULL
  AND o.cluster ~ '^($cluster)$'
GROUP BY 1 ORDER BY 1"""

_SYNC_STATISTICS: Final = """\
SELECT o.tool, o.cluster, o.namespace, o.name,
       CASE WHEN s.phase = 'Succeeded' THEN 'Succeeded' ELSE 'Failed' END AS status,
       count(*) AS count, avg(s.duration_seconds) AS avg_seconds,
       min(s.duration_seconds) AS min_seconds, max(s.duration_seconds) AS max_seconds,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY s.duration_seconds) AS p95_seconds
FROM sync_operations s JOIN objects o ON o.id = s.object_id
WHERE $__timeFilter(s.finished_at) AND s.phase IN ('Succeeded', 'Failed', 'Error')
  AND o.cluster ~ '^($cluster)$'
GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5"""

_RECENT_DEPLOYMENTS: Final = """\
SELECT d.finished_at AS time, o.tool, o.cluster, o.namespace, o.name, d.revision,
       d.previous_revision
FROM deployments d JOIN objects o ON o.id = d.object_id
WHERE $__timeFilter(d.finished_at) AND o.cluster ~ '^($cluster)$'
ORDER BY d.finished_at DESC LIMIT 200"""


def _history_row() -> list[cogbuilder.Builder[Any]]:
    return [
        timeseries.Panel()
        .title("Deployments per day (store)")
        .datasource(POSTGRES)
        .with_target(SqlQuery(_DEPLOYMENTS_PER_DAY))
        .height(8)
        .span(12),
        timeseries.Panel()
        .title("Sync durations per hour (store)")
        .datasource(POSTGRES)
        .with_target(SqlQuery(_SYNC_DURATIONS))
        .unit("s")
        .height(8)
        .span(12),
        table.Panel()
        .title("Sync statistics (store)")
        .datasource(POSTGRES)
        .with_target(SqlQuery(_SYNC_STATISTICS).as_table())
        .height(10)
        .span(24),
        table.Panel()
        .title("Recent deployments (store)")
        .datasource(POSTGRES)
        .with_target(SqlQuery(_RECENT_DEPLOYMENTS).as_table())
        .height(10)
        .span(24),
        table.Panel()
        .title("Objects")
        .datasource(PROMETHEUS)
        .with_target(
            _promql(f"{APP_INFO.sample}{{{_SELECTOR}}}").format(PromQueryFormat.TABLE).instant()
        )
        .height(10)
        .span(24),
    ]


def grafana_dashboard(title: str = "GitOps history") -> dict[str, Any]:
    """The dashboard as Grafana's JSON model (a dict)."""
    board = (
        dash.Dashboard(title)
        .uid(UID)
        .tags(["gitops", "argocd", "flux", "dora"])
        .time("now-30d", "now")
        .refresh("1m")
        .timezone("utc")
        .with_variable(dash.DatasourceVariable("prometheus").label("Prometheus").type("prometheus"))
        .with_variable(
            dash.DatasourceVariable("postgres")
            .label("PostgreSQL")
            .type("grafana-postgresql-datasource")
        )
        .with_variable(
            dash.QueryVariable("cluster")
            .label("Cluster")
            .datasource(PROMETHEUS)
            .query(f"label_values({APP_INFO.sample}, cluster)")
            .multi(True)
            .include_all(True)
            .all_value(".*")
        )
        .with_variable(dash.CustomVariable("window").label("DORA window").values("30d"))
        .with_row(dash.Row("Sync and health"))
    )
    for panel in _sync_row():
        board = board.with_panel(panel)
    board = board.with_row(dash.Row("DORA (production)"))
    for panel in _dora_row():
        board = board.with_panel(panel)
    board = board.with_row(dash.Row("History"))
    for panel in _history_row():
        board = board.with_panel(panel)
    encoded: dict[str, Any] = json.loads(json.dumps(board.build(), cls=JSONEncoder))
    return encoded
