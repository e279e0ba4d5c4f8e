"""Which Argo CD syncs are a sign of health: Succeeded, with health Healthy before the next sync.

A sync that fixes a failure usually rolls out: the health Argo CD reports after it finishes is
Progressing for a while, then Healthy (its on-deployed notification). That sync is the
recovery, at its finishedAt, even though the first health after it was not yet Healthy.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from gitops_schema.analytics import outcomes, reports, rollups
from gitops_schema.analytics.definitions import Scope, Window
from gitops_schema.store import db, migrate
from gitops_schema.store.ingest import ingest
from gitops_schema.store.records import Origin
from gitops_schema.store.sources import argocd

from .test_hand_figures import Op, _app, _healthy

SHAS = {"k1": "1" * 40, "k2": "2" * 40}
WINDOW = Window(datetime(2026, 5, 4, tzinfo=UTC), datetime(2026, 5, 11, tzinfo=UTC))


def _load(engine: Engine, *, rolled_out: bool) -> None:
    """s1 deploys k1 and turns Degraded at 12:00; s2 deploys k2 at 13:02, then s3 re-syncs.

    ``rolled_out``: s2's rollout is seen, Progressing from 13:02:05 and Healthy from 13:04;
    else the health stays Degraded until s3, Healthy from 05-05 09:00:30.
    """
    s1 = Op("2026-05-04T10:00:00Z", "2026-05-04T10:01:00Z", "Succeeded", "k1")
    s2 = Op("2026-05-04T13:00:00Z", "2026-05-04T13:02:00Z", "Succeeded", "k2")
    s3 = Op("2026-05-05T09:00:00Z", "2026-05-05T09:01:00Z", "Succeeded", "k2")
    degraded = {"status": "Degraded", "lastTransitionTime": "2026-05-04T12:00:00Z"}
    healthy = _healthy("2026-05-04T13:04:00Z" if rolled_out else "2026-05-05T09:00:30Z")
    bodies = [
        _app("shop-prod", "eu-1", s1, [s1], _healthy("2026-05-04T10:01:30Z"), SHAS),
        _app("shop-prod", "eu-1", s1, [s1], degraded, SHAS),
        _app("shop-prod", "eu-1", s3, [s1, s2, s3], healthy, SHAS),
    ]
    if rolled_out:
        progressing = {"status": "Progressing", "lastTransitionTime": "2026-05-04T13:02:05Z"}
        bodies[2:2] = [
            _app("shop-prod", "eu-1", s2, [s1, s2], progressing, SHAS),
            _app("shop-prod", "eu-1", s2, [s1, s2], healthy, SHAS),
        ]
    else:
        bodies[2:2] = [_app("shop-prod", "eu-1", s2, [s1, s2], degraded, SHAS)]
    for body in bodies:
        ingest(engine, [argocd.parse_webhook(body)], origin=Origin.WEBHOOK)


@pytest.mark.parametrize("rolled_out", [True, False])
def test_a_rolled_out_fix_is_the_recovery(db_url: str, rolled_out: bool) -> None:
    engine = db.create(db_url)
    try:
        migrate.upgrade(engine)
        _load(engine, rolled_out=rolled_out)
        with engine.connect() as connection:
            raw = outcomes.derive(connection, WINDOW, None)
        rollups.ensure(engine)
        with engine.connect() as connection:
            kept = outcomes.deployments(connection, WINDOW, None)
            recovery = reports.dora(connection, WINDOW, Scope())["recovery_time"]
    finally:
        engine.dispose()
    assert raw == kept
    # s1 failed at 12:00 (Degraded); s2 (13:02) turned Healthy before any other sync: 62 min.
    # When s2 stayed Degraded, s3 (05-05 09:01, Healthy) is the first sign: 21 h 1 min.
    minutes = 62.0 if rolled_out else 21 * 60 + 1.0
    assert [(d.revision, d.failed) for d in raw] == [(SHAS["k1"], True), (SHAS["k2"], False)]
    assert recovery == {"median_minutes": minutes, "recoveries": 1, "level": "high"}
