"""Known answers for the definitions' edge cases, every figure worked out by hand below.

An independent fixed history (neither ``history.py``'s nor ``test_served_reports``'s): a git
repository with a merge, Argo CD and Flux deliveries POSTed to the service out of order
(retries and late arrivals), then every report read twice, through ``gitops-schema report
... -o json`` and ``GET /api/v1/reports/{name}``, and compared with the figures below. On
SQLite and on PostgreSQL, with the rollups installed before the deliveries (kept up to date by
their triggers) or after them (filled from the stored rows).

Window ``[2026-04-01T00:00Z, 2026-04-15T12:00Z)``: Wednesday of ISO week 14 to the middle of
Wednesday of ISO week 16, so weeks 14 and 16 are touched only in part.

Objects (production by the default globs ``prod``, ``prod[0-9]*``, ``production*``, ``prd``):
``shop-prod`` (Argo CD, cluster ``eu-1``: production by its name), ``billing`` (Argo CD,
cluster ``production-eu``: by its cluster), ``api`` (Flux Kustomization in namespace ``prd``,
cluster ``edge``: by its namespace), ``shop-staging`` (Argo CD, cluster ``stg``: not).

Commits (committer times): k1 03-25 12:00 (root), k2 03-31 20:00, k3 04-01 09:00, k4 04-02
10:00 (a branch from k3), k5 04-03 11:00 (main, from k3), k6 04-06 16:00 (merges k4 into k5),
k7 04-08 11:00, k8 04-15 10:00.

What happened (all times 2026, UTC):

- shop-prod: a0 03-26 10:00-10:01 k1 (before the window); a1 03-31 23:59-04-01 00:00 k2
  (finishes exactly at ``from``: in); a2 04-01 10:00:00-10:00:45 phase Error k3; a3 10:30-10:32
  k3, Healthy; health Degraded since 04-02 03:00 (lastTransitionTime); a4 04-02 05:00-05:01 k3
  again (no deployment), Healthy since 05:00:50; a5 04-07 08:00-08:03 k6; health Degraded with
  no lastTransitionTime, reconciledAt 04-07 09:00; a6 04-08 12:00-12:10 k7 with health
  Progressing (no lastTransitionTime), then Healthy since 12:15 (before any other sync); a7
  04-15 11:58-12:00 k8 (finishes exactly at ``to``: out); a8 04-15 13:00:00-13:00:20 Failed.
- billing: b1 04-03 14:00-14:02 k5 (its first deployment), Healthy; b2 04-10 09:00-09:01 Failed
  k6; b3 09:30-09:31 k6, Healthy.
- api (Flux events): c0 03-30 12:00 ReconciliationSucceeded k1 "finished in 10s"; c1 04-06
  10:00 ReconciliationSucceeded k5 "finished in 1m5s"; c2 04-06 11:00 severity error
  (ReconciliationFailed) k5, sent twice; c3 04-06 11:20 ReconciliationSucceeded k5 "finished in
  30s"; a Progressing event (no outcome); c4 04-13 00:00 ReconciliationSucceeded k6 with no
  duration in its message; c5 04-15 12:00 ReconciliationSucceeded k6 "finished in 5s" (at
  ``to``: out).
- shop-staging: d1 04-08 11:30:00-11:30:30 k7, Healthy.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from gitops_schema.analytics import reports, rollups
from gitops_schema.analytics.definitions import Scope, Window, read_objects
from gitops_schema.analytics.syncstats import sync_statistics
from gitops_schema.server.app import create_app
from gitops_schema.server.settings import Settings
from gitops_schema.store import db, migrate
from gitops_schema.store.tables import UtcTime
from gitops_schema.store.tokens import Role, create_token

from . import history
from .test_served_reports import _git

FROM, TO = "2026-04-01T00:00:00Z", "2026-04-15T12:00:00Z"
REPO_URL = "https://git.example/shop-config"


def make_repo(folder: Path) -> dict[str, str]:
    """k1..k8 as the module's docstring says (k4 on a branch merged by k6); name -> sha."""
    folder.mkdir(parents=True)
    _git(folder, "init", "-q", "-b", "main")
    shas: dict[str, str] = {}

    def commit(name: str, when: str) -> None:
        (folder / f"{name}.txt").write_text(name)
        _git(folder, "add", "-A")
        _git(folder, "commit", "-q", "-m", name, when=when)
        shas[name] = _git(folder, "rev-parse", "HEAD")

    commit("k1", "2026-03-25T12:00:00Z")
    commit("k2", "2026-03-31T20:00:00Z")
    commit("k3", "2026-04-01T09:00:00Z")
    _git(folder, "checkout", "-q", "-b", "feature")
    commit("k4", "2026-04-02T10:00:00Z")
    _git(folder, "checkout", "-q", "main")
    commit("k5", "2026-04-03T11:00:00Z")
    when = "2026-04-06T16:00:00Z"
    _git(folder, "merge", "-q", "--no-ff", "-m", "k6", "feature", when=when)
    shas["k6"] = _git(folder, "rev-parse", "HEAD")
    commit("k7", "2026-04-08T11:00:00Z")
    commit("k8", "2026-04-15T10:00:00Z")
    return shas


@dataclass(frozen=True)
class Op:
    started: str
    finished: str
    phase: str
    rev: str


def _app(
    name: str,
    cluster: str,
    op: Op,
    history: list[Op],
    health: dict[str, str],
    shas: dict[str, str],
    reconciled: str | None = None,
) -> dict[str, Any]:
    """An Argo CD notification body: the Application as it stood."""
    revision = shas[op.rev]
    return {
        "app": {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Application",
            "metadata": {"name": name, "namespace": "argocd", "uid": f"uid-{name}"},
            "spec": {
                "project": "default",
                "source": {"repoURL": REPO_URL, "path": name, "targetRevision": "main"},
                "destination": {"name": cluster, "namespace": name},
            },
            "status": {
                "operationState": {
                    "phase": op.phase,
                    "startedAt": op.started,
                    "finishedAt": op.finished,
                    "message": "successfully synced" if op.phase == "Succeeded" else "failed",
                    "operation": {"sync": {"revision": revision}},
                    "syncResult": {"revision": revision},
                },
                "history": [
                    {
                        "id": index,
                        "revision": shas[entry.rev],
                        "deployStartedAt": entry.started,
                        "deployedAt": entry.finished,
                    }
                    for index, entry in enumerate(history)
                ],
                "sync": {"status": "Synced", "revision": revision},
                "health": health,
                "reconciledAt": reconciled or op.finished,
            },
        }
    }


def _event(
    moment: str, rev: str, severity: str, reason: str, message: str, shas: dict[str, str]
) -> dict[str, Any]:
    """A notification-controller event of the Kustomization prd/api."""
    event = history._event(moment, rev, severity, reason, message, shas)
    event["involvedObject"]["namespace"] = "prd"
    return event


def _healthy(since: str) -> dict[str, str]:
    return {"status": "Healthy", "lastTransitionTime": since}


def deliveries(shas: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    """Every delivery in the order it arrives (out of time order, retries included)."""
    a0 = Op("2026-03-26T10:00:00Z", "2026-03-26T10:01:00Z", "Succeeded", "k1")
    a1 = Op("2026-03-31T23:59:00Z", "2026-04-01T00:00:00Z", "Succeeded", "k2")
    a2 = Op("2026-04-01T10:00:00Z", "2026-04-01T10:00:45Z", "Error", "k3")
    a3 = Op("2026-04-01T10:30:00Z", "2026-04-01T10:32:00Z", "Succeeded", "k3")
    a4 = Op("2026-04-02T05:00:00Z", "2026-04-02T05:01:00Z", "Succeeded", "k3")
    a5 = Op("2026-04-07T08:00:00Z", "2026-04-07T08:03:00Z", "Succeeded", "k6")
    a6 = Op("2026-04-08T12:00:00Z", "2026-04-08T12:10:00Z", "Succeeded", "k7")
    a7 = Op("2026-04-15T11:58:00Z", "2026-04-15T12:00:00Z", "Succeeded", "k8")
    a8 = Op("2026-04-15T13:00:00Z", "2026-04-15T13:00:20Z", "Failed", "k8")
    first = _healthy("2026-03-26T10:01:30Z")
    again = _healthy("2026-04-02T05:00:50Z")
    h = [a0, a1, a3, a4, a5, a6, a7]

    def shop(op: Op, seen: int, health: dict[str, str], at: str | None = None) -> Any:
        return _app("shop-prod", "eu-1", op, h[:seen], health, shas, at)

    degraded_since = {"status": "Degraded", "lastTransitionTime": "2026-04-02T03:00:00Z"}
    progressing = {"status": "Progressing"}
    later = _healthy("2026-04-08T12:15:00Z")
    shop_prod = [
        shop(a0, 1, first),  # 0
        shop(a1, 2, first),  # 1
        shop(a2, 2, first),  # 2
        shop(a3, 3, first),  # 3
        shop(a3, 3, degraded_since, "2026-04-02T03:00:00Z"),  # 4
        shop(a4, 4, again),  # 5
        shop(a5, 5, again),  # 6
        shop(a5, 5, {"status": "Degraded"}, "2026-04-07T09:00:00Z"),  # 7
        shop(a6, 6, progressing),  # 8
        shop(a6, 6, later, "2026-04-08T12:15:00Z"),  # 9
        shop(a7, 7, later),  # 10
        shop(a8, 7, later),  # 11
    ]
    b1 = Op("2026-04-03T14:00:00Z", "2026-04-03T14:02:00Z", "Succeeded", "k5")
    b2 = Op("2026-04-10T09:00:00Z", "2026-04-10T09:01:00Z", "Failed", "k6")
    b3 = Op("2026-04-10T09:30:00Z", "2026-04-10T09:31:00Z", "Succeeded", "k6")
    fine = _healthy("2026-04-03T14:02:30Z")
    billing = [
        _app("billing", "production-eu", b1, [b1], fine, shas),
        _app("billing", "production-eu", b2, [b1], fine, shas),
        _app("billing", "production-eu", b3, [b1, b3], fine, shas),
    ]
    d1 = Op("2026-04-08T11:30:00Z", "2026-04-08T11:30:30Z", "Succeeded", "k7")
    staging = _app("shop-staging", "stg", d1, [d1], _healthy("2026-04-08T11:30:40Z"), shas)
    ok = "ReconciliationSucceeded"
    api = [
        _event("2026-03-30T12:00:00Z", "k1", "info", ok, "Reconciliation finished in 10s", shas),
        _event("2026-04-06T10:00:00Z", "k5", "info", ok, "Reconciliation finished in 1m5s", shas),
        _event(
            "2026-04-06T11:00:00Z",
            "k5",
            "error",
            "ReconciliationFailed",
            "Deployment/prd/api dry-run failed: field is immutable",
            shas,
        ),
        _event("2026-04-06T11:20:00Z", "k5", "info", ok, "Reconciliation finished in 30s", shas),
        _event("2026-04-12T23:59:00Z", "k6", "info", "Progressing", "Deployment/prd/api", shas),
        _event("2026-04-13T00:00:00Z", "k6", "info", ok, f"Applied revision: {shas['k6']}", shas),
        _event("2026-04-15T12:00:00Z", "k6", "info", ok, "Reconciliation finished in 5s", shas),
    ]  # fmt: skip
    return [
        ("argocd", shop_prod[0]),
        ("flux", api[0]),
        ("argocd", shop_prod[3]),  # a3 before a1 and a2 (late)
        ("argocd", shop_prod[2]),
        ("flux", api[3]),  # c3 before c1 and c2 (late)
        ("flux", api[2]),
        ("flux", api[1]),
        ("flux", api[2]),  # retried
        ("argocd", shop_prod[4]),
        ("argocd", billing[0]),
        ("argocd", shop_prod[5]),
        ("argocd", shop_prod[4]),  # retried after the recovery
        ("argocd", shop_prod[6]),
        ("argocd", shop_prod[7]),
        ("argocd", staging),
        ("argocd", shop_prod[9]),
        ("argocd", shop_prod[8]),  # the Progressing sample arrives after the Healthy one
        ("argocd", billing[2]),
        ("argocd", billing[1]),  # late
        ("flux", api[4]),
        ("flux", api[5]),
        ("flux", api[6]),
        ("argocd", shop_prod[10]),
        ("argocd", shop_prod[11]),
        ("argocd", shop_prod[1]),  # a1's own notification, last
    ]


@dataclass
class Served:
    client: TestClient
    read: str
    url: str

    def report(self, name: str, **params: str) -> Any:
        answer = self.client.get(
            f"/api/v1/reports/{name}",
            params={"from": FROM, "to": TO, **params},
            headers={"Authorization": f"Bearer {self.read}"},
        )
        assert answer.status_code == 200, answer.text
        return answer.json()


@pytest.fixture(params=["rollups-first", "rollups-after"])
def served(
    request: pytest.FixtureRequest, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Served]:
    """The service over the history, POSTed to it; rollups installed before or after."""
    monkeypatch.chdir(tmp_path)  # no .gitops-schema.yaml above: the default production globs
    engine = db.create(db_url)
    migrate.upgrade(engine)
    if request.param == "rollups-first":
        rollups.ensure(engine)
    sender = create_token(engine, name="argocd", role=Role.INGEST)
    reader = create_token(engine, name="reader", role=Role.READ)
    shas = make_repo(tmp_path / "repo")
    app = create_app(Settings(db_url=db_url, spool_dir=tmp_path / "spool"))
    try:
        with TestClient(app) as client:
            served = Served(client, reader, db_url)
            for index, (tool, body) in enumerate(deliveries(shas)):
                if tool == "argocd":
                    auth = {"Authorization": f"Bearer {sender}"}
                    answer = client.post("/api/v1/events/argocd", json=body, headers=auth)
                else:
                    answer = client.post("/api/v1/events/flux?cluster=edge", json=body)
                assert answer.status_code == 200, answer.text
                if index in (12, 18):  # reports in between: what they kept must not go stale
                    served.report("dora", env="all")
            yield served
    finally:
        engine.dispose()


# --- the figures, by hand ----------------------------------------------------------------

SYNC_STATS = [
    # shop-prod Failed: a2 (phase Error) 45 s; a8 is after the window
    ("argocd", "eu-1", "argocd", "shop-prod", "Failed", 1, 45.0, 45.0, 45.0, 45.0),
    # shop-prod Succeeded: a1 60 (at `from`: in), a3 120, a4 60, a5 180, a6 600 (a0 before,
    # a7 at `to`: out); avg 1020 / 5 = 204; p95 at rank 0.95 * 4 = 3.8 of [60, 60, 120, 180,
    # 600]: 180 + 0.8 * 420 = 516
    ("argocd", "eu-1", "argocd", "shop-prod", "Succeeded", 5, 204.0, 60.0, 600.0, 516.0),
    ("argocd", "production-eu", "argocd", "billing", "Failed", 1, 60.0, 60.0, 60.0, 60.0),
    # billing Succeeded: b1 120, b3 60; p95 at rank 0.95 of [60, 120]: 60 + 0.95 * 60 = 117
    ("argocd", "production-eu", "argocd", "billing", "Succeeded", 2, 90.0, 60.0, 120.0, 117.0),
    ("argocd", "stg", "argocd", "shop-staging", "Succeeded", 1, 30.0, 30.0, 30.0, 30.0),
    # api Failed: the error event, sent twice, stored once; a Flux failure has no duration
    ("flux", "edge", "prd", "api", "Failed", 1, None, None, None, None),
    # api Succeeded: c1 65 s, c3 30 s, c4 unknown (its message says no duration); c0 before,
    # c5 at `to`; figures over the two known: avg 47.5, p95 30 + 0.95 * 35 = 63.25
    ("flux", "edge", "prd", "api", "Succeeded", 3, 47.5, 30.0, 65.0, 63.25),
]
_STAT_KEYS = (
    "tool", "cluster", "namespace", "name", "status",
    "count", "avg_seconds", "min_seconds", "max_seconds", "p95_seconds",
)  # fmt: skip

# production deployments in the window, in finish order: (name, commit, finished, failed)
DEPLOYMENTS = [
    # failed: a2 (phase Error) at 04-01 10:00:45, before a3
    ("shop-prod", "k2", "2026-04-01T00:00:00Z", True),
    # failed: Degraded at 04-02 03:00 (its lastTransitionTime), before a5
    ("shop-prod", "k3", "2026-04-01T10:32:00Z", True),
    # failed: b2 Failed at 04-10 09:01, before b3
    ("billing", "k5", "2026-04-03T14:02:00Z", True),
    # failed: the error event at 04-06 11:00 (c3 at 11:20 is the same commit: no deployment)
    ("api", "k5", "2026-04-06T10:00:00Z", True),
    # failed: Degraded at 04-07 09:00 (no lastTransitionTime: reconciledAt)
    ("shop-prod", "k6", "2026-04-07T08:03:00Z", True),
    # not failed: a8 Failed after a7, the next deployment (at `to`)
    ("shop-prod", "k7", "2026-04-08T12:10:00Z", False),
    ("billing", "k6", "2026-04-10T09:31:00Z", False),
    ("api", "k6", "2026-04-13T00:00:00Z", False),
]

DORA_PRODUCTION = {
    # deployment days 04-01, 04-03 (week 14: 2), 04-06, 04-07, 04-08, 04-10 (week 15: 4),
    # 04-13 (week 16: 1): median of [2, 4, 1] = 2
    "deployments": 8,
    "deployment_days": 7,
    "deployment_frequency": {"median_days_per_week": 2.0, "level": "high"},
    # first production deployment of each commit: k2 a1 240 min; k3 a3 92; k5 b1 182 (before
    # api's c1 and a5, whose ranges hold it too); k4 and k6 a5 (the range of k6 not reachable
    # from k3: k4, k5, k6) 7083 and 963; k7 a6 70 (shop-staging's earlier d1 is not
    # production); k1 first on 03-26, k8 at `to`: median of [70, 92, 182, 240, 963, 7083]
    "lead_time": {"median_minutes": 211.0, "changes": 6, "level": "elite"},
    "change_failure_rate": {"value": 0.625, "failed": 5, "level": "low"},
    # a1: 10:00:45 -> a3 10:32:00 (31.25); a3: Degraded 03:00 -> a4 05:01 (121, a re-sync
    # of k3, Healthy since 05:00:50); b1: 09:01 -> b3 09:31 (30); api: 11:00 -> c3 11:20 (20);
    # a5: 04-07 09:00 -> a6 04-08 12:10 (1630: a6 Succeeded and the health it reached next,
    # before any other sync, was Healthy): median of [20, 30, 31.25, 121, 1630]
    "recovery_time": {"median_minutes": 31.25, "recoveries": 5, "level": "elite"},
}

DORA_ALL = {
    # shop-staging's d1 (04-08, a day already counted) too: 9 deployments, 5 failed
    "deployments": 9,
    "deployment_days": 7,
    "deployment_frequency": {"median_days_per_week": 2.0, "level": "high"},
    # k7 first deployed by d1 at 11:30:30: 30.5 min; the median stays (182 + 240) / 2
    "lead_time": {"median_minutes": 211.0, "changes": 6, "level": "elite"},
    "change_failure_rate": {"value": 5 / 9, "failed": 5, "level": "low"},
    "recovery_time": {"median_minutes": 31.25, "recoveries": 5, "level": "elite"},
}

DORA_FLUX = {
    # api only: c1 04-06 (week 15), c4 04-13 (week 16), none in week 14: median of [0, 1, 1]
    "deployments": 2,
    "deployment_days": 2,
    "deployment_frequency": {"median_days_per_week": 1.0, "level": "high"},
    # the first deployment within the scope: c1 ships k2, k3, k5 (not reachable from k1) at
    # 04-06 10:00: 8040, 7260, 4260 min; c4 ships k4, k6 at 04-13 00:00: 15240, 9120;
    # median 8040 (5 d 14 h): under 7 days
    "lead_time": {"median_minutes": 8040.0, "changes": 5, "level": "high"},
    "change_failure_rate": {"value": 0.5, "failed": 1, "level": "low"},
    "recovery_time": {"median_minutes": 20.0, "recoveries": 1, "level": "elite"},
}

# --by application: each group's figures over its own deployments; a change counts at its
# first deployment within the group
BY_APPLICATION = [
    {
        "tool": "argocd", "cluster": "eu-1", "namespace": "argocd", "name": "shop-prod",
        # a1, a3 (04-01, week 14), a5, a6 (04-07, 04-08, week 15), none in week 16
        "deployments": 4,
        "deployment_days": 3,
        "deployment_frequency": {"median_days_per_week": 1.0, "level": "high"},
        # k2 240, k3 92, k7 70; a5 ships k4 7083, k6 963 and k5 (04-03 11:00 -> 04-07
        # 08:03) 5583: median (240 + 963) / 2
        "lead_time": {"median_minutes": 601.5, "changes": 6, "level": "elite"},
        "change_failure_rate": {"value": 0.75, "failed": 3, "level": "low"},
        # 31.25, 121, 1630
        "recovery_time": {"median_minutes": 121.0, "recoveries": 3, "level": "high"},
    },
    {
        "tool": "argocd", "cluster": "production-eu", "namespace": "argocd", "name": "billing",
        # b1 04-03 (week 14), b3 04-10 (week 15), week 16 none: median of [1, 1, 0]
        "deployments": 2,
        "deployment_days": 2,
        "deployment_frequency": {"median_days_per_week": 1.0, "level": "high"},
        # b1, its first deployment, ships all it reaches at 04-03 14:02: k1 13082, k2 3962,
        # k3 3182, k5 182; b3 ships k4 11491 and k6 5371 (04-10 09:31):
        # median (3962 + 5371) / 2 = 4666.5 (3 d 5 h 46 min 30 s)
        "lead_time": {"median_minutes": 4666.5, "changes": 6, "level": "high"},
        "change_failure_rate": {"value": 0.5, "failed": 1, "level": "low"},
        "recovery_time": {"median_minutes": 30.0, "recoveries": 1, "level": "elite"},
    },
    {"tool": "flux", "cluster": "edge", "namespace": "prd", "name": "api", **DORA_FLUX},
]  # fmt: skip

# [04-14, 04-15 12:00): nothing finished (a7 finishes at `to`)
DORA_EMPTY = {
    "deployments": 0,
    "deployment_days": 0,
    "deployment_frequency": {"median_days_per_week": 0.0, "level": "low"},
    "lead_time": {"median_minutes": None, "changes": 0, "level": None},
    "change_failure_rate": {"value": None, "failed": 0, "level": None},
    "recovery_time": {"median_minutes": None, "recoveries": 0, "level": None},
}


def _cli_json(cli: Callable[..., Any], url: str, name: str, *options: str) -> Any:
    done = cli("report", name, "--db", url, "--from", FROM, "--to", TO, *options, "-o", "json")
    assert done.code == 0, done.err
    return json.loads(done.out)


def test_hand_figures_through_the_api_and_the_cli(
    served: Served, cli: Callable[..., Any], tmp_path: Path
) -> None:
    # before git is recorded, no change is known; recording it later changes the figures
    assert served.report("dora")["lead_time"] == {
        "median_minutes": None,
        "changes": 0,
        "level": None,
    }
    recorded = cli("record", "git", str(tmp_path / "repo"), "--db", served.url)
    assert recorded.code == 0, recorded.err
    shas = make_repo(tmp_path / "again")  # the same commits at the same times: the same shas

    stats = served.report("sync-stats")
    assert stats == {"rows": [dict(zip(_STAT_KEYS, row, strict=True)) for row in SYNC_STATS]}
    assert _cli_json(cli, served.url, "sync-stats") == stats

    listed = served.report("deployments", env="production")["deployments"]
    found = [(d["name"], d["revision"], d["finished_at"], d["failed"]) for d in listed]
    assert found == [(name, shas[k], at, failed) for name, k, at, failed in DEPLOYMENTS]
    assert listed[0]["started_at"] == "2026-03-31T23:59:00Z"
    assert _cli_json(cli, served.url, "deployments", "--env", "production")["deployments"] == listed

    for params, expected in (
        ({}, DORA_PRODUCTION),
        ({"env": "all"}, DORA_ALL),
        ({"tool": "flux"}, DORA_FLUX),
    ):
        report = served.report("dora", **params)
        assert report == expected, params
        options = [f"--{key}={value}" for key, value in params.items()]
        assert _cli_json(cli, served.url, "dora", *options) == report

    grouped = served.report("dora", by="application")
    assert grouped == {**DORA_PRODUCTION, "by": "application", "groups": BY_APPLICATION}
    assert _cli_json(cli, served.url, "dora", "--by", "application") == grouped

    empty = served.report("dora", **{"from": "2026-04-14T00:00:00Z"})
    assert empty == DORA_EMPTY
    # [04-09, 05-09): b3 04-10, c4 04-13, a7 04-15 12:00 (in now); ISO weeks 15 (from 04-09)
    # to 19 (to 05-08): [1, 2, 0, 0, 0], median 0, under weekly; days per month: April 3,
    # May 0, median 1.5: at least monthly
    monthly = served.report("dora", **{"from": "2026-04-09", "to": "2026-05-09"})
    assert (monthly["deployments"], monthly["deployment_days"]) == (3, 3)
    assert monthly["deployment_frequency"] == {"median_days_per_week": 0.0, "level": "medium"}
    _cut_at_finishes_as_the_raw_rows(served)
    _metrics_count_every_deployment(served)


def _cut_at_finishes_as_the_raw_rows(served: Served) -> None:
    """Windows starting or ending exactly at an operation's finish, inside a day or at its
    midnight: the rollup's sync statistics (PostgreSQL) equal the raw rows' figures."""
    engine = db.create(served.url)
    try:
        with engine.connect() as connection:
            objects = {row.id: row for row in read_objects(connection)}
            finishes = connection.execute(
                text("SELECT DISTINCT finished_at FROM sync_operations").columns(
                    finished_at=UtcTime()
                )
            ).scalars()
            for moment in sorted(finishes):
                for window in (
                    Window(moment, moment + timedelta(days=1, hours=7)),
                    Window(moment - timedelta(days=2, hours=3), moment),
                    Window(moment - timedelta(microseconds=1), moment + timedelta(microseconds=1)),
                ):
                    raw = sync_statistics(connection, window, None)
                    assert reports.sync_stats(connection, window, Scope()) == {
                        "rows": reports.sync_stat_rows(objects, raw)
                    }, window
    finally:
        engine.dispose()


def _metrics_count_every_deployment(served: Served) -> None:
    """``/metrics`` counts deployments and failed ones of all time, by environment."""
    answer = served.client.get("/metrics", headers={"Authorization": f"Bearer {served.read}"})
    assert answer.status_code == 200, answer.text
    counted = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            if sample.name in (
                "gitops_schema_deployments_total",
                "gitops_schema_failed_deployments_total",
            ):
                key = (
                    sample.name.split("_")[2],
                    sample.labels["name"],
                    sample.labels["environment"],
                )
                counted[key] = sample.value
    assert counted == {
        # shop-prod: a0, a1, a3, a5, a6, a7; failed a1, a3, a5 and a7 (a8 Failed after it)
        ("deployments", "shop-prod", "production"): 6,
        ("failed", "shop-prod", "production"): 4,
        ("deployments", "billing", "production"): 2,
        ("failed", "billing", "production"): 1,
        # api: c0, c1, c4; c1 failed
        ("deployments", "api", "production"): 3,
        ("failed", "api", "production"): 1,
        ("deployments", "shop-staging", "other"): 1,
        ("failed", "shop-staging", "other"): 0,
    }
