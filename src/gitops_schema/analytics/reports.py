"""The reports ``sync-stats``, ``dora``, ``deployments``, ``audit`` and ``compliance`` as data.

This is what ``gitops-schema report`` prints and ``GET /api/v1/reports/{name}`` returns.

Each report is one function ``(connection, window, scope, ...) -> dict`` over the definitions of
:mod:`gitops_schema.analytics.definitions`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final, Literal

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.types import String

from gitops_schema.analytics import definitions as d
from gitops_schema.analytics import leadtime, outcomes, rollups, syncstats, windowed
from gitops_schema.analytics.bulk import collections_paused
from gitops_schema.analytics.catalog import spec
from gitops_schema.analytics.leadtime import Change
from gitops_schema.analytics.levels import (
    change_failure_level,
    frequency_level,
    lead_time_level,
    recovery_level,
)
from gitops_schema.analytics.outcomes import Deployment
from gitops_schema.analytics.tables import ensure
from gitops_schema.store.tables import UtcTime

GroupBy = Literal["cluster", "application", "team"]
GROUP_BY: Final[tuple[GroupBy, ...]] = ("cluster", "application", "team")
TEAM_LABELS: Final = ("team", "app.kubernetes.io/team", "owner")
"""Labels that name an object's team, in order; else its Argo CD project."""


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z`` (``None`` stays ``None``)."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _scope_ids(
    connection: Connection,
    scope: d.Scope,
    *,
    labels: bool = False,
    objects: Sequence[d.ObjectRow] | None = None,
) -> tuple[dict[int, d.ObjectRow], list[int] | None]:
    """The objects of a scope by id, and their ids (``None``: every object)."""
    if objects is None:
        objects = d.read_objects(connection, labels=labels)
    scoped = d.scoped_objects(objects, scope)
    everything = len(scoped) == len(objects)
    return {row.id: row for row in scoped}, None if everything else [row.id for row in scoped]


def names(row: d.ObjectRow) -> dict[str, str]:
    """The fields that name an object in every report: tool, cluster, namespace, name."""
    return {"tool": row.tool, "cluster": row.cluster, "namespace": row.namespace, "name": row.name}


def deployments_in(
    connection: Connection, window: d.Window, ids: Collection[int] | None
) -> list[Deployment]:
    """The deployments with their outcomes: as kept up to date, else from the raw rows."""
    kept = rollups.installed(connection)
    return (outcomes.deployments if kept else outcomes.derive)(connection, window, ids)


def changes_in(
    connection: Connection, window: d.Window, ids: Collection[int] | None
) -> list[Change]:
    """The changes first deployed in the window: as kept up to date, else from the raw rows."""
    kept = rollups.installed(connection)
    return (leadtime.changes if kept else leadtime.derive)(connection, window, ids)


def sync_stats(connection: Connection, window: d.Window, scope: d.Scope) -> dict[str, Any]:
    """``{"rows": [...]}``: per object and status, the count and duration statistics."""
    # the rollup when this database has it (same figures, with the objects' names), else the
    # raw rows
    if connection.dialect.name == "postgresql" and rollups.installed(connection):
        everything = scope.env == "all" and scope.tool is None and scope.cluster is None
        ids = None if everything else _scope_ids(connection, scope)[1]
        rows = windowed.report_rows(connection, window, ids)
        if rows is not None:
            return {"rows": rows}
    objects, ids = _scope_ids(connection, scope)
    return {"rows": sync_stat_rows(objects, syncstats.sync_statistics(connection, window, ids))}


def sync_stat_rows(
    objects: Mapping[int, d.ObjectRow], stats: Iterable[syncstats.SyncStat]
) -> list[dict[str, Any]]:
    """The ``sync-stats`` rows of some statistics, in report order.

    That is by tool, cluster, namespace and name, then object (two kinds of object may share
    a name), then status.
    """
    ordered = sorted(stats, key=lambda s: (objects[s.object_id].key, s.object_id, s.status))
    return [
        {
            **names(objects[stat.object_id]),
            "status": stat.status,
            "count": stat.count,
            "avg_seconds": stat.avg_seconds,
            "min_seconds": stat.min_seconds,
            "max_seconds": stat.max_seconds,
            "p95_seconds": stat.p95_seconds,
        }
        for stat in ordered
    ]


def deployments(connection: Connection, window: d.Window, scope: d.Scope) -> dict[str, Any]:
    """``{"deployments": [...]}``: what was deployed in the window, and whether it failed."""
    objects, ids = _scope_ids(connection, scope)
    with collections_paused():
        return {"deployments": _deployments(objects, deployments_in(connection, window, ids))}


def _deployments(
    objects: Mapping[int, d.ObjectRow], deployed: Iterable[Deployment]
) -> list[dict[str, Any]]:
    listed = []
    for deployment in deployed:
        listed.append(
            {
                **names(objects[deployment.object_id]),
                "revision": deployment.revision,
                "started_at": iso(deployment.started_at),
                "finished_at": iso(deployment.finished_at),
                "failed": deployment.failed,
            }
        )
    return listed


@dataclass(frozen=True)
class _Figures:
    """What the four keys are computed from.

    The deployments' UTC days, their count, how many failed, their recoveries and the
    changes' lead times (minutes).
    """

    days: set[date]
    deployments: int
    failed: int
    recoveries: list[float]
    leads: list[float]

    @classmethod
    def of(cls, deployed: Sequence[Deployment], changes: Sequence[Change]) -> _Figures:
        """The figures of some deployments and changes."""
        return cls(
            d.deployment_days(item.finished_at for item in deployed),
            len(deployed),
            sum(1 for item in deployed if item.failed),
            [minutes for item in deployed if (minutes := item.recovery_minutes) is not None],
            [change.lead_minutes for change in changes],
        )


# PostgreSQL: the same figures from what is kept, without a row per deployment or change;
# durations as whole microseconds, divided as timedelta.total_seconds() does
_KEPT_DEPLOYMENTS: Final = """
SELECT COUNT(*), COUNT(k.failed_at),
       array_agg(DISTINCT CAST(d.finished_at AT TIME ZONE 'UTC' AS DATE)),
       array_agg(CAST(EXTRACT(EPOCH FROM k.recovered_at - k.failed_at) * 1000000 AS BIGINT))
           FILTER (WHERE k.recovered_at IS NOT NULL AND k.failed_at IS NOT NULL)
FROM deployments d JOIN analytics_deployment_outcomes k ON k.deployment_id = d.id
WHERE d.finished_at >= %(start)s AND d.finished_at < %(end)s AND {ids}"""


def _kept_figures(
    connection: Connection, window: d.Window, ids: Collection[int] | None
) -> _Figures:
    params: dict[str, Any] = {"start": window.start, "end": window.end}
    if ids is not None:
        params["ids"] = sorted(ids)
    scoped = "TRUE" if ids is None else "d.object_id = ANY(%(ids)s)"
    deployed = _KEPT_DEPLOYMENTS.replace("{ids}", scoped)
    total, failed, days, recoveries = connection.exec_driver_sql(deployed, params).one()
    leads = leadtime.kept_leads(connection, window, ids)
    return _Figures(
        set(days or ()),
        int(total),
        int(failed),
        [microseconds / 10**6 / 60 for microseconds in recoveries or ()],
        leads,
    )


def _dora_object(figures: _Figures, window: d.Window) -> dict[str, Any]:
    days = figures.days
    per_week = d.median_days_per_week(days, window)
    per_month = d.median_days_per_month(days, window)
    lead = d.median(figures.leads)
    failed, total = figures.failed, figures.deployments
    recovery = d.median(figures.recoveries)
    return {
        "deployments": total,
        "deployment_days": len(days),
        "deployment_frequency": {
            "median_days_per_week": per_week,
            "level": frequency_level(per_week, per_month),
        },
        "lead_time": {
            "median_minutes": d.rounded(lead),
            "changes": len(figures.leads),
            "level": lead_time_level(lead),
        },
        "change_failure_rate": {
            "value": failed / total if total else None,
            "failed": failed,
            "level": change_failure_level(failed, total),
        },
        "recovery_time": {
            "median_minutes": d.rounded(recovery),
            "recoveries": len(figures.recoveries),
            "level": recovery_level(recovery),
        },
    }


def team_of(row: d.ObjectRow) -> str:
    """The object's team: a team label, else its Argo CD project, else ``""``."""
    for label in TEAM_LABELS:
        if row.labels.get(label):
            return row.labels[label]
    return row.project or ""


_GROUP_KEYS: Final[dict[GroupBy, Callable[[d.ObjectRow], dict[str, str]]]] = {
    "cluster": lambda row: {"cluster": row.cluster},
    "application": names,
    "team": lambda row: {"team": team_of(row)},
}


def dora(
    connection: Connection,
    window: d.Window,
    scope: d.Scope,
    by: GroupBy | None = None,
    *,
    objects: Sequence[d.ObjectRow] | None = None,
) -> dict[str, Any]:
    """The four DORA keys over the scope's deployments in the window (and per group).

    ``objects``: the store's objects when the caller has read them already.
    """
    scoped, ids = _scope_ids(connection, scope, labels=by == "team", objects=objects)
    if by is None and connection.dialect.name == "postgresql" and rollups.installed(connection):
        return _dora_object(_kept_figures(connection, window, ids), window)
    deployed = deployments_in(connection, window, ids)
    report = _dora_object(_Figures.of(deployed, changes_in(connection, window, ids)), window)
    if by is None:
        return report
    key_of = _GROUP_KEYS[by]
    groups: dict[tuple[str, ...], list[int]] = {}
    for row in scoped.values():
        groups.setdefault(tuple(key_of(row).values()), []).append(row.id)
    listed = []
    for key in sorted(groups):
        members = set(groups[key])
        mine = [item for item in deployed if item.object_id in members]
        # a change's first deployment within the group: computed on the group alone
        shipped = changes_in(connection, window, sorted(members))
        if not mine and not shipped:
            continue
        figures = _Figures.of(mine, shipped)
        listed.append({**key_of(scoped[next(iter(members))]), **_dora_object(figures, window)})
    return {**report, "by": by, "groups": listed}


_AUDIT: Final = """
SELECT c.committed_at AS committed_at, c.author_name AS author_name,
       c.author_email AS author_email, c.repo AS repo, c.sha AS sha, c.path AS path,
       c.tool AS tool, c.kind AS kind, c.namespace AS namespace, c.name AS name,
       c.change AS change
FROM config_revisions c
WHERE c.committed_at >= :start AND c.committed_at < :end {tool}
ORDER BY c.committed_at, c.repo, c.sha, c.path, c.kind, c.namespace, c.name"""


def audit(connection: Connection, window: d.Window, scope: d.Scope) -> dict[str, Any]:
    """``{"revisions": [...]}``: who changed which GitOps definition when (from git)."""
    sql = _AUDIT.replace("{tool}", "AND c.tool = :tool" if scope.tool else "")
    clause = text(sql).bindparams(
        bindparam("start", type_=UtcTime()), bindparam("end", type_=UtcTime())
    )
    params: dict[str, Any] = {"start": window.start, "end": window.end}
    if scope.tool:
        clause = clause.bindparams(bindparam("tool", type_=String()))
        params["tool"] = scope.tool
    revisions = []
    for row in connection.execute(clause.columns(committed_at=UtcTime()), params):
        if scope.env == "production" and not d.is_production(
            d.ObjectRow(0, row.tool, "", row.namespace, row.name, row.kind, None, {}),
            scope.production,
        ):
            continue
        revisions.append(
            {
                "committed_at": iso(row.committed_at),
                "author": row.author_name,
                "author_email": row.author_email,
                "repo": row.repo,
                "sha": row.sha,
                "path": row.path,
                "tool": row.tool,
                "kind": row.kind,
                "namespace": row.namespace,
                "name": row.name,
                "change": row.change,
            }
        )
    return {"revisions": revisions}


_COMPLIANCE: Final = """
SELECT r.id AS id, r.repo AS repo, r.sha AS sha, r.committed_at AS committed_at,
       r.author_name AS author_name, r.errors AS errors, r.warnings AS warnings,
       f.rule AS rule, f.severity AS severity, f.file AS file, f.line AS line,
       f.message AS message
FROM analytics_compliance_runs r
LEFT JOIN analytics_compliance_findings f ON f.run_id = r.id
WHERE r.committed_at >= :start AND r.committed_at < :end
ORDER BY r.committed_at, r.sha, f.file, f.line, f.rule, f.id"""


def compliance(connection: Connection, window: d.Window, scope: d.Scope) -> dict[str, Any]:
    """``{"revisions": [...], "findings": [...]}``: ``check`` at each recorded revision.

    Revisions are recorded by :func:`~gitops_schema.analytics.compliance.record_compliance`;
    the scope's environment and tool do not apply (a revision is the whole repository).
    """
    ensure(connection)
    clause = (
        text(_COMPLIANCE)
        .bindparams(bindparam("start", type_=UtcTime()), bindparam("end", type_=UtcTime()))
        .columns(committed_at=UtcTime())
    )
    revisions: dict[int, dict[str, Any]] = {}
    findings = []
    for row in connection.execute(clause, {"start": window.start, "end": window.end}):
        common = {"repo": row.repo, "sha": row.sha, "committed_at": iso(row.committed_at)}
        revisions.setdefault(
            row.id,
            {**common, "author": row.author_name, "errors": row.errors, "warnings": row.warnings},
        )
        if row.rule is not None:
            findings.append(
                {
                    **common,
                    "rule": row.rule,
                    "severity": row.severity,
                    "file": row.file,
                    "line": row.line,
                    "message": row.message,
                }
            )
    return {"revisions": list(revisions.values()), "findings": findings}


RUNNERS: Final[dict[str, Callable[..., dict[str, Any]]]] = {
    "sync-stats": sync_stats,
    "dora": dora,
    "deployments": deployments,
    "audit": audit,
    "compliance": compliance,
}
"""Each report of :data:`gitops_schema.analytics.catalog.REPORTS`, by name."""


def rows_of(name: str, report: dict[str, Any]) -> Sequence[dict[str, Any]]:
    """The list of rows a report holds (for the table and CSV forms)."""
    key = spec(name).rows
    if key is not None:
        return list(report[key])
    return list(report.get("groups", [])) or [report]
