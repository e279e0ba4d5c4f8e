"""What the dashboard at ``/`` draws, in one JSON document.

The DORA keys, per-day series, weekly change failure rates, recoveries, per-application
history and the environment consistency matrix.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from gitops_schema.analytics import definitions as d
from gitops_schema.analytics import reports
from gitops_schema.analytics.consistency import consistency_matrix
from gitops_schema.analytics.outcomes import Deployment
from gitops_schema.analytics.syncstats import SyncDay, sync_days


def _days(window: d.Window) -> list[date]:
    first = window.start.astimezone(UTC).date()
    last = (window.end - timedelta(microseconds=1)).astimezone(UTC).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def dashboard_data(connection: Connection, window: d.Window, scope: d.Scope) -> dict[str, Any]:
    """The dashboard's data over the window and scope."""
    objects = {row.id: row for row in d.scoped_objects(d.read_objects(connection), scope)}
    ids = sorted(objects)
    deployed = reports.deployments_in(connection, window, ids)
    changes = reports.changes_in(connection, window, ids)
    syncs = sync_days(connection, window, ids)
    days = _days(window)

    per_day: dict[str, Counter[date]] = {
        "deployments": Counter(x.finished_at.astimezone(UTC).date() for x in deployed),
        "failed_deployments": Counter(
            x.finished_at.astimezone(UTC).date() for x in deployed if x.failed
        ),
        "succeeded_syncs": Counter({s.day: s.count for s in syncs if s.status == "Succeeded"}),
        "failed_syncs": Counter({s.day: s.count for s in syncs if s.status == "Failed"}),
    }
    durations = {(s.day, s.status): s for s in syncs}
    lead: dict[date, list[float]] = {}
    for change in changes:
        lead.setdefault(change.deployed_at.astimezone(UTC).date(), []).append(change.lead_minutes)

    weeks: dict[tuple[int, int], list[Deployment]] = {w: [] for w in d.iso_weeks(window)}
    for item in deployed:
        year, week, _ = item.finished_at.astimezone(UTC).date().isocalendar()
        weeks.setdefault((year, week), []).append(item)

    history: dict[int, list[Deployment]] = {}
    for item in deployed:
        history.setdefault(item.object_id, []).append(item)
    applications = [
        {
            "object_id": object_id,
            **reports.names(objects[object_id]),
            "deployments": len(items),
            "failed": sum(1 for x in items if x.failed),
            "last_revision": items[-1].revision,
            "last_deployed_at": reports.iso(items[-1].finished_at),
        }
        for object_id, items in sorted(history.items(), key=lambda pair: objects[pair[0]].key)
    ]
    return {
        "window": {"from": reports.iso(window.start), "to": reports.iso(window.end)},
        "dora": reports.dora(connection, window, scope),
        "days": [_epoch(day) for day in days],
        "series": {
            **{name: [counts.get(day, 0) for day in days] for name, counts in per_day.items()},
            "avg_sync_seconds": [_avg(durations, day) for day in days],
            "max_sync_seconds": [_max(durations, day) for day in days],
            "lead_time_minutes": [d.rounded(d.median(lead.get(day, []))) for day in days],
        },
        "weeks": [
            {
                "week": f"{year}-W{week:02d}",
                "start": _epoch(date.fromisocalendar(year, week, 1)),
                "deployments": len(items),
                "failed": sum(1 for x in items if x.failed),
                "change_failure_rate": (
                    sum(1 for x in items if x.failed) / len(items) if items else None
                ),
            }
            for (year, week), items in sorted(weeks.items())
        ],
        "recoveries": [
            {
                **reports.names(objects[x.object_id]),
                "failed_at": reports.iso(x.failed_at),
                "recovered_at": reports.iso(x.recovered_at),
                "minutes": d.rounded(x.recovery_minutes),
            }
            for x in deployed
            if x.failed
        ],
        "applications": applications,
        "consistency": consistency_matrix(connection),
    }


def _avg(durations: dict[tuple[date, str], SyncDay], day: date) -> float | None:
    known = [durations[(day, s)] for s in ("Succeeded", "Failed") if (day, s) in durations]
    timed = [(x.avg_seconds, x.count) for x in known if x.avg_seconds is not None]
    if not timed:
        return None
    # the per-status averages are over timed operations only; weight them by their counts
    return d.rounded(sum(a * n for a, n in timed) / sum(n for _, n in timed))


def _max(durations: dict[tuple[date, str], SyncDay], day: date) -> float | None:
    known = [
        durations[(day, s)].max_seconds for s in ("Succeeded", "Failed") if (day, s) in durations
    ]
    values = [v for v in known if v is not None]
    return max(values) if values else None
