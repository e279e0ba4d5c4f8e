"""Known answers: the fixed history of ``history.py``, figures computed by hand, on SQLite and
on PostgreSQL (the ``db_url`` fixture runs each test on both)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from gitops_schema.analytics import reports, rollups, windowed
from gitops_schema.analytics.definitions import Scope, Window
from gitops_schema.store import db, migrate

from . import history


def _window() -> Window:
    start, end = (datetime.fromisoformat(t.replace("Z", "+00:00")) for t in history.WINDOW)
    return Window(start, end)


@pytest.fixture
def loaded(db_url: str, tmp_path: Path) -> Iterator[Engine]:
    engine = db.create(db_url)
    migrate.upgrade(engine)
    history.load(engine, tmp_path / "repo")
    rollups.ensure(engine)  # the reports read the rollups, as `report` and `serve` do
    yield engine
    engine.dispose()


def _run(engine: Engine, name: str, scope: Scope, **options: Any) -> dict[str, Any]:
    with engine.connect() as connection:
        if name == "sync-stats":
            return reports.sync_stats(connection, _window(), scope)
        if name == "deployments":
            return reports.deployments(connection, _window(), scope)
        return reports.dora(connection, _window(), scope, **options)


def row(
    tool: str,
    cluster: str,
    namespace: str,
    name: str,
    status: str,
    count: int,
    avg: float | None,
    low: float | None,
    high: float | None,
    p95: float | None,
) -> dict[str, Any]:
    figures = (count, avg, low, high, p95)
    return dict(
        zip(windowed.FIELDS, (tool, cluster, namespace, name, status, *figures), strict=True)
    )


def test_sync_statistics(loaded: Engine) -> None:
    # web-prod Succeeded in the window: op1 120 s, op3 60, op4 300, op5 30, op6 60 (op0 is
    # before it); avg 114; p95 at rank 0.95 * 4 = 3.8 of [30, 60, 60, 120, 300]: 120 + 0.8 * 180
    # api Succeeded: 25, 2, 90 ("finished in" of each message); p95 at 1.9: 25 + 0.9 * 65
    # api Failed: the error event (sent twice, stored once) has no duration
    assert _run(loaded, "sync-stats", Scope()) == {
        "rows": [
            row("argocd", "prod-eu", "argocd", "web-prod", "Failed", 1, 30.0, 30.0, 30.0, 30.0),
            row(
                "argocd", "prod-eu", "argocd", "web-prod", "Succeeded", 5, 114.0, 30.0, 300.0, 264.0
            ),
            row("argocd", "staging", "argocd", "web-staging", "Failed", 1, 10.0, 10.0, 10.0, 10.0),
            row(
                "argocd", "staging", "argocd", "web-staging", "Succeeded", 1, 40.0, 40.0, 40.0, 40.0
            ),
            row("flux", "prod-eu", "flux-system", "api", "Failed", 1, None, None, None, None),
            row("flux", "prod-eu", "flux-system", "api", "Succeeded", 3, 39.0, 2.0, 90.0, 83.5),
        ]
    }
    flux_only = _run(loaded, "sync-stats", Scope(tool="flux"))["rows"]
    assert {r["name"] for r in flux_only} == {"api"}


def test_deployments_and_failures(loaded: Engine, tmp_path: Path) -> None:
    shas = history.make_repo(tmp_path / "again")  # same commits, same times: same shas
    listed = _run(loaded, "deployments", Scope(env="production"))["deployments"]
    assert [(d["name"], d["revision"], d["finished_at"], d["failed"]) for d in listed] == [
        # failed: op2 (a Failed sync) came before the next deployment
        ("web-prod", shas["c3"], "2026-03-02T10:02:00Z", True),
        # failed: the error event of 03-09 06:30 came before api's next deployment
        ("api", shas["c3"], "2026-03-02T11:00:00Z", True),
        ("web-prod", shas["c4"], "2026-03-03T09:11:00Z", False),
        ("api", shas["c5"], "2026-03-09T06:45:00Z", False),
        # failed: health went Progressing -> Degraded at 08:00
        ("web-prod", shas["c5"], "2026-03-09T07:05:00Z", True),
        ("web-prod", shas["c6"], "2026-03-12T12:01:00Z", False),
    ]
    assert listed[0]["started_at"] == "2026-03-02T10:00:00Z"
    everything = _run(loaded, "deployments", Scope())["deployments"]
    staging = [d for d in everything if d["name"] == "web-staging"]
    assert [(d["finished_at"], d["failed"]) for d in staging] == [("2026-03-11T00:00:40Z", True)]


def test_dora_production(loaded: Engine) -> None:
    assert _run(loaded, "dora", Scope(env="production")) == {
        # 6 deployments on 03-02, 03-03, 03-09, 03-12: 2 days in week 10, 2 in week 11
        "deployments": 6,
        "deployment_days": 4,
        "deployment_frequency": {"median_days_per_week": 2.0, "level": "high"},
        # c2 122 min, c3 62, c4 71, c5 45 (api deployed it first), c6 3601; c1 was deployed
        # before the window, c7 never
        "lead_time": {"median_minutes": 71.0, "changes": 5, "level": "elite"},
        "change_failure_rate": {"value": 0.5, "failed": 3, "level": "low"},
        # web-prod c3: 09:00:30 -> 09:11:00 (10.5); api c3: 06:30 -> 06:45 (15);
        # web-prod c5: 08:00 -> op5's finish 10:00:30 (120.5)
        "recovery_time": {"median_minutes": 15.0, "recoveries": 3, "level": "elite"},
    }


def test_dora_by_cluster_and_team(loaded: Engine) -> None:
    by_cluster = _run(loaded, "dora", Scope(env="all"), by="cluster")
    assert by_cluster["deployments"] == 7
    staging = next(g for g in by_cluster["groups"] if g["cluster"] == "staging")
    # its one deployment failed (the Failed sync at 01:00:10) and never recovered
    assert staging["change_failure_rate"] == {"value": 1.0, "failed": 1, "level": "low"}
    assert staging["recovery_time"] == {"median_minutes": None, "recoveries": 0, "level": None}
    # staging's first deployment ships every commit reachable from c6: c1..c6 reach staging
    # at 03-11 00:00:40; the median of six is the mean of c4's (7 d 16 h) and c3's (8 d 15 h)
    assert staging["lead_time"]["changes"] == 6
    assert staging["lead_time"]["median_minutes"] == pytest.approx(
        ((7 * 24 + 16) * 60 + (8 * 24 + 15) * 60) / 2 + 40 / 60
    )
    by_team = _run(loaded, "dora", Scope(env="production"), by="team")
    # web-prod carries the label team=payments; the Flux event names no team
    assert [g["team"] for g in by_team["groups"]] == ["", "payments"]
    assert by_team["groups"][1]["deployments"] == 4
