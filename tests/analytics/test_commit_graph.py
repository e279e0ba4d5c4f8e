"""Which commits a chain of deployments ships, and which deployment ships each first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gitops_schema.analytics.leadtime import CommitGraph, Deployed

START = datetime(2026, 6, 1, tzinfo=UTC)


def _at(hours: int) -> datetime:
    return START + timedelta(hours=hours)


def test_a_multi_source_revision_ships_what_each_source_reaches() -> None:
    # two repositories: app a1 <- a2, values v1 <- v2; the application has both as sources
    graph = CommitGraph(
        {"a1": [], "a2": ["a1"], "v1": [], "v2": ["v1"]},
        {"a1": _at(0), "a2": _at(1), "v1": _at(2), "v2": _at(3)},
    )
    first = graph.ship([Deployed(1, 7, "a1,v1", _at(4)), Deployed(2, 7, "a2,v2", _at(5))])
    assert {sha: change.deployment_id for sha, change in first.items()} == {
        "a1": 1,
        "v1": 1,
        "a2": 2,
        "v2": 2,
    }
    # lead time: from the commit to the finish of its first deployment
    assert first["v2"].lead_minutes == 120.0
