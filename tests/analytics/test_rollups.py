"""The rollup gives the raw rows' sync statistics exactly: after its backfill, after ingest
through its triggers (inserts and the store's merges), for windows cut inside days."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from gitops_schema.analytics import definitions as d
from gitops_schema.analytics import leadtime, outcomes, rollups
from gitops_schema.analytics.syncstats import SyncStat, sync_statistics
from gitops_schema.store import db, migrate
from gitops_schema.store.ingest import ingest
from gitops_schema.store.records import Origin
from gitops_schema.store.sources import argocd, flux

from . import history


def _same(engine: Engine, window: d.Window) -> list[SyncStat]:
    rollups.ensure(engine)
    with engine.connect() as connection:
        assert rollups.installed(connection)
        raw = sorted(
            sync_statistics(connection, window, None), key=lambda s: (s.object_id, s.status)
        )
        rolled = sorted(
            rollups.sync_statistics_rolled(connection, window, None),
            key=lambda s: (s.object_id, s.status),
        )
        some = [raw[0].object_id] if raw else []
        assert rollups.sync_statistics_rolled(connection, window, some) == [
            s for s in raw if s.object_id in some
        ]
        assert rolled == raw
        # the all-time totals /metrics exports equal the raw counts
        totals = "SELECT object_id, status, operations FROM analytics_sync_totals"
        counted = (
            "SELECT object_id, CASE WHEN phase = 'Succeeded' THEN 'Succeeded' ELSE 'Failed' END, "
            "COUNT(*) FROM sync_operations WHERE phase IN ('Succeeded', 'Failed', 'Error') "
            "AND finished_at IS NOT NULL GROUP BY 1, 2"
        )
        assert sorted(connection.exec_driver_sql(totals).all()) == sorted(
            connection.exec_driver_sql(counted).all()
        )
        # the deployment outcomes and revision ranges kept up to date equal the raw rows'
        for ids in (None, some):
            assert outcomes.deployments(connection, window, ids) == outcomes.derive(
                connection, window, ids
            )
            assert leadtime.changes(connection, window, ids) == leadtime.derive(
                connection, window, ids
            )
    return raw


def test_rollup_equals_raw_rows(db_url: str, tmp_path: Path) -> None:
    engine = db.create(db_url)
    migrate.upgrade(engine)
    shas = history.load(engine, tmp_path / "repo")
    rollups.ensure(engine)  # backfill from what is stored
    start = datetime(2026, 2, 27, tzinfo=UTC)
    windows = [
        d.Window(start, start + timedelta(days=20)),
        d.Window(start + timedelta(hours=34, minutes=1), start + timedelta(days=12, hours=11)),
        d.Window(start + timedelta(days=4, hours=9), start + timedelta(days=4, hours=10)),
    ]
    assert len(_same(engine, windows[0])) == 6
    # now through the triggers: Flux outcomes with random durations, some sent twice
    rng = random.Random(3)
    for index in range(60):
        moment = start + timedelta(days=rng.uniform(3, 15))
        seconds = rng.choice([1, 2, 2, 5, 7.5, 30, 61])
        body = history._event(
            moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "c5",
            "info",
            "ReconciliationSucceeded",
            f"Reconciliation finished in {seconds}s, next run in {index}m",
            shas,
        )
        for _ in range(rng.choice([1, 1, 2])):
            ingest(engine, [flux.parse_event(body, cluster="prod-eu")], origin=Origin.WEBHOOK)
    # and the store's merges (updates): a Running operation completes, then its history entry
    # arrives and moves its finish
    running = history.Sync("2026-03-05T10:00:00Z", "", "Running", "c4")
    done = history.Sync("2026-03-05T10:00:00Z", "2026-03-05T10:03:00Z", "Succeeded", "c4")
    late = history.Sync("2026-03-05T10:00:00Z", "2026-03-05T10:02:59Z", "Succeeded", "c4")
    for op, kept in ((running, []), (done, [done]), (done, [late])):
        status = history._status(op, kept, "Healthy", "2026-03-05T10:04:00Z", shas)
        if not op.finished:
            del status["operationState"]["finishedAt"], status["reconciledAt"]
        body = history._app("web-prod", "prod-eu", status)
        ingest(engine, [argocd.parse_webhook(body)], origin=Origin.WEBHOOK)
    for window in windows:
        _same(engine, window)
    engine.dispose()


def test_whole_weeks_come_from_the_weekly_rollup() -> None:
    def window(start: str, end: str) -> d.Window:
        return d.Window(datetime.fromisoformat(start), datetime.fromisoformat(end))

    daily, weekly = "analytics_sync_daily", "analytics_sync_weekly"
    # Tuesday 10:00 to Thursday of the third week after: days, two whole weeks, days
    assert rollups._rolled(window("2025-12-02T10:00:00+00:00", "2025-12-25T00:00:00+00:00")) == [
        (daily, "2025-12-03", "2025-12-08"),
        (weekly, "2025-12-08", "2025-12-22"),
        (daily, "2025-12-22", "2025-12-25"),
    ]
    # Monday to Monday: weeks only
    assert rollups._rolled(window("2025-12-01T00:00:00+00:00", "2025-12-15T00:00:00+00:00")) == [
        (weekly, "2025-12-01", "2025-12-15")
    ]
    # no whole week: days only; no whole day: nothing rolled up
    assert rollups._rolled(window("2025-12-02T00:00:00+00:00", "2025-12-08T12:00:00+00:00")) == [
        (daily, "2025-12-02", "2025-12-08")
    ]
    assert rollups._rolled(window("2025-12-02T01:00:00+00:00", "2025-12-02T05:00:00+00:00")) == []
