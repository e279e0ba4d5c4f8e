"""Every report through a running ``gitops-schema serve``, figures computed by hand.

An independent fixed history (not ``history.py``'s): a git repository recorded with ``record
git``, Argo CD and Flux deliveries POSTed to the service (retries and a late arrival
included), production told by ``serve --config`` (``production: [live]``), then each
report's JSON from ``GET /api/v1/reports/{name}`` compared with figures worked out below from
the definitions. On SQLite and on PostgreSQL (the ``db_url`` fixture).

Window ``[2026-05-04, 2026-05-18)``: ISO weeks 19 and 20. Objects: ``shop`` (Argo CD, cluster
``live-eu``: production), ``api`` (Flux Kustomization, cluster ``live-eu``: production),
``shop`` (Argo CD, cluster ``test``: not production).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from gitops_schema.store import db, migrate
from gitops_schema.store.tokens import Role, create_token

from .history import _event as event

WINDOW = {"from": "2026-05-04", "to": "2026-05-18"}
REPO_URL = "https://git.example/gitops"
# c1 is before the window, c6 after it and never deployed
COMMITS = {
    "c1": "2026-05-01T09:00:00Z",
    "c2": "2026-05-04T08:00:00Z",
    "c3": "2026-05-05T10:00:00Z",
    "c4": "2026-05-11T07:00:00Z",
    "c5": "2026-05-12T12:00:00Z",
    "c6": "2026-05-20T00:00:00Z",
}
APPLICATION = """apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: shop
  namespace: argocd
  labels: {{change: {change}}}
spec:
  project: default
  source: {{repoURL: {repo}, path: shop, targetRevision: main}}
  destination: {{name: live-eu, namespace: shop}}
{broken}"""
KUSTOMIZATION = """apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: api, namespace: flux-system, labels: {{change: {change}}}}}
spec:
  interval: 10m
  path: ./api
  prune: true
  sourceRef: {{kind: GitRepository, name: gitops}}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {{name: gitops, namespace: flux-system}}
spec: {{interval: 1m, url: https://git.example/gitops, ref: {{branch: main}}}}
"""


def _git(folder: Path, *args: str, when: str | None = None) -> str:
    people = {
        f"GIT_{who}_{what}": value
        for who in ("AUTHOR", "COMMITTER")
        for what, value in (("NAME", "Grace"), ("EMAIL", "grace@example.com"))
    }
    dates = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when} if when else {}
    done = subprocess.run(
        ["git", *args],
        cwd=folder,
        env={**os.environ, **people, **dates},
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def make_repo(folder: Path) -> dict[str, str]:
    """Application ``shop`` changed by every commit, Kustomization ``api`` by c1 and c4; c3
    gives ``shop`` a field its schema does not have (a ``check`` error)."""
    (folder / "apps").mkdir(parents=True)
    (folder / "flux").mkdir()
    _git(folder, "init", "-q", "-b", "main")
    _git(folder, "remote", "add", "origin", REPO_URL)
    shas = {}
    for name, when in COMMITS.items():
        broken = "  replicas: 3\n" if name == "c3" else ""
        (folder / "apps" / "shop.yaml").write_text(
            APPLICATION.format(change=name, repo=REPO_URL, broken=broken)
        )
        if name in ("c1", "c4"):
            (folder / "flux" / "api.yaml").write_text(KUSTOMIZATION.format(change=name))
        _git(folder, "add", "-A")
        _git(folder, "commit", "-q", "-m", f"change {name}", when=when)
        shas[name] = _git(folder, "rev-parse", "HEAD")
    return shas


def _op(started: str, finished: str, phase: str, sha: str) -> dict[str, Any]:
    return {
        "phase": phase,
        "startedAt": started,
        "finishedAt": finished,
        "message": "successfully synced" if phase == "Succeeded" else "one or more objects failed",
        "operation": {"sync": {"revision": sha}, "initiatedBy": {"automated": True}},
        "syncResult": {"revision": sha},
    }


def _app(
    cluster: str, op: dict[str, Any], history: list[dict[str, Any]], health: tuple[str, str]
) -> dict[str, Any]:
    sha = op["syncResult"]["revision"]
    return {
        "app": {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Application",
            "metadata": {"name": "shop", "namespace": "argocd", "uid": f"uid-shop-{cluster}"},
            "spec": {
                "project": "default",
                "source": {"repoURL": REPO_URL, "path": "shop", "targetRevision": "main"},
                "destination": {"name": cluster, "namespace": "shop"},
            },
            "status": {
                "operationState": op,
                "history": [
                    {
                        "id": index,
                        "revision": entry["syncResult"]["revision"],
                        "deployStartedAt": entry["startedAt"],
                        "deployedAt": entry["finishedAt"],
                    }
                    for index, entry in enumerate(history)
                ],
                "sync": {"status": "Synced", "revision": sha},
                "health": {"status": health[0], "lastTransitionTime": health[1]},
                "reconciledAt": op["finishedAt"],
            },
        }
    }


def deliveries(shas: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    """What Argo CD and Flux send, in the order it arrives."""
    a0 = _op("2026-05-01T10:00:00Z", "2026-05-01T10:01:00Z", "Succeeded", shas["c1"])
    a1 = _op("2026-05-04T09:00:00Z", "2026-05-04T09:02:00Z", "Succeeded", shas["c2"])
    a2 = _op("2026-05-05T11:00:00Z", "2026-05-05T11:00:40Z", "Failed", shas["c3"])
    a3 = _op("2026-05-05T11:30:00Z", "2026-05-05T11:31:00Z", "Succeeded", shas["c3"])
    a4 = _op("2026-05-12T13:00:00Z", "2026-05-12T13:05:00Z", "Succeeded", shas["c5"])
    a5 = _op("2026-05-12T16:00:00Z", "2026-05-12T16:00:20Z", "Succeeded", shas["c5"])
    healthy = ("Healthy", "2026-05-04T09:02:30Z")
    live = [
        _app("live-eu", a0, [a0], ("Healthy", "2026-05-01T10:01:30Z")),
        _app("live-eu", a1, [a0, a1], healthy),
        _app("live-eu", a2, [a0, a1], healthy),
        _app("live-eu", a3, [a0, a1, a3], healthy),
        _app("live-eu", a4, [a0, a1, a3, a4], ("Progressing", "2026-05-12T13:05:10Z")),
        _app("live-eu", a4, [a0, a1, a3, a4], ("Degraded", "2026-05-12T14:00:00Z")),
        _app("live-eu", a4, [a0, a1, a3, a4], ("Healthy", "2026-05-12T15:00:00Z")),
        _app("live-eu", a5, [a0, a1, a3, a4, a5], ("Healthy", "2026-05-12T15:00:00Z")),
    ]
    s1 = _op("2026-05-06T00:00:00Z", "2026-05-06T00:00:50Z", "Succeeded", shas["c3"])
    test = _app("test", s1, [s1], ("Healthy", "2026-05-06T00:01:00Z"))
    ok = "ReconciliationSucceeded"
    api = [  # the Flux Kustomization flux-system/api
        event("2026-05-04T12:00:00Z", "c2", "info", ok, "Reconciliation finished in 12s", shas),
        event("2026-05-04T12:10:00Z", "c2", "info", ok, "Reconciliation finished in 3s", shas),
        event(
            "2026-05-11T08:00:00Z",
            "c4",
            "error",
            "HealthCheckFailed",
            "health check failed after 2m0s: timeout waiting for Deployment/api/api",
            shas,
        ),
        event("2026-05-11T08:30:00Z", "c4", "info", ok, "Reconciliation finished in 1m5s", shas),
        event("2026-05-11T08:29:00Z", "c4", "info", "Progressing", "Deployment/api/api", shas),
    ]
    return [
        ("argocd", live[0]),
        ("flux", api[0]),
        ("argocd", live[2]),  # a1 arrives only at the end (late); a2 names it in its history
        ("argocd", live[3]),
        ("flux", api[2]),
        ("flux", api[1]),
        ("flux", api[2]),  # retried
        ("argocd", test),
        ("flux", api[4]),
        ("flux", api[3]),
        ("argocd", live[4]),
        ("argocd", live[5]),
        ("argocd", live[5]),  # retried
        ("argocd", live[6]),
        ("argocd", live[7]),
        ("argocd", live[1]),  # late
    ]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from gitops_schema.cli import main; main()", *args]
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)


@dataclass
class Served:
    base: str
    token: str
    shas: dict[str, str]
    db_url: str
    repo: Path


@pytest.fixture
def served(db_url: str, tmp_path: Path) -> Iterator[Served]:
    """``serve --config`` running over the history."""
    engine = db.create(db_url)
    migrate.upgrade(engine)
    ingest_token = create_token(engine, name="senders", role=Role.INGEST)
    read_token = create_token(engine, name="reader", role=Role.READ)
    engine.dispose()
    config = tmp_path / "gitops-schema.yaml"
    config.write_text("production: [live]\n")
    shas = make_repo(tmp_path / "repo")
    _cli("record", "git", str(tmp_path / "repo"), "--db", db_url)
    port = _free_port()
    command = [
        sys.executable, "-c", "from gitops_schema.cli import main; main()", "serve",
        "--db", db_url, "--port", str(port), "--spool-dir", str(tmp_path / "spool"),
        "--config", str(config),
    ]  # fmt: skip
    with (tmp_path / "serve.log").open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base, process)
        with httpx.Client(base_url=base, timeout=30) as client:
            for tool, body in deliveries(shas):
                if tool == "argocd":
                    headers = {"Authorization": f"Bearer {ingest_token}"}
                    answer = client.post("/api/v1/events/argocd", json=body, headers=headers)
                else:
                    answer = client.post("/api/v1/events/flux?cluster=live-eu", json=body)
                assert answer.status_code == 200, answer.text
        yield Served(base, read_token, shas, db_url, tmp_path / "repo")
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait(base: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError(f"serve did not start on {base}")


def _report(base: str, token: str, name: str, **params: str) -> Any:
    answer = httpx.get(
        f"{base}/api/v1/reports/{name}",
        params={**WINDOW, **params},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def _stat(tool: str, cluster: str, namespace: str, name: str, status: str, *figures: Any) -> Any:
    keys = ("count", "avg_seconds", "min_seconds", "max_seconds", "p95_seconds")
    names = {"tool": tool, "cluster": cluster, "namespace": namespace, "name": name}
    return {**names, "status": status, **dict(zip(keys, figures, strict=True))}


def test_every_report_through_serve(served: Served) -> None:
    base, token, shas = served.base, served.token, served.shas
    # shop@live-eu Succeeded in the window: a1 120 s, a3 60, a4 300, a5 20 (a0 is before it):
    # avg 125; p95 at rank 0.95 * 3 = 2.85 of [20, 60, 120, 300]: 120 + 0.85 * 180 = 273;
    # api Succeeded: 12, 3, 65 ("finished in"): avg 80 / 3; p95 at 1.9: 12 + 0.9 * 53 = 59.7;
    # api's error event (sent twice, stored once) has no duration; the progress event is none
    assert _report(base, token, "sync-stats") == {
        "rows": [
            _stat("argocd", "live-eu", "argocd", "shop", "Failed", 1, 40.0, 40.0, 40.0, 40.0),
            _stat("argocd", "live-eu", "argocd", "shop", "Succeeded", 4, 125.0, 20.0, 300.0, 273.0),
            _stat("argocd", "test", "argocd", "shop", "Succeeded", 1, 50.0, 50.0, 50.0, 50.0),
            _stat("flux", "live-eu", "flux-system", "api", "Failed", 1, None, None, None, None),
            _stat(
                "flux",
                "live-eu",
                "flux-system",
                "api",
                "Succeeded",
                3,
                26.666666667,
                3.0,
                65.0,
                59.7,
            ),
        ]
    }
    listed = _report(base, token, "deployments")["deployments"]
    found = [
        (d["cluster"], d["name"], d["revision"], d["finished_at"], d["failed"]) for d in listed
    ]
    assert found == [
        # failed: a2 (a Failed sync) came before shop's next deployment (a3)
        ("live-eu", "shop", shas["c2"], "2026-05-04T09:02:00Z", True),
        # failed: the error event of 05-11 08:00 came before api's next deployment (08:30)
        ("live-eu", "api", shas["c2"], "2026-05-04T12:00:00Z", True),
        ("live-eu", "shop", shas["c3"], "2026-05-05T11:31:00Z", False),
        ("test", "shop", shas["c3"], "2026-05-06T00:00:50Z", False),
        ("live-eu", "api", shas["c4"], "2026-05-11T08:30:00Z", False),
        # failed: health Progressing -> Degraded at 14:00 (a5 is the same revision: no deployment)
        ("live-eu", "shop", shas["c5"], "2026-05-12T13:05:00Z", True),
    ]  # fmt: skip
    assert [d["started_at"] for d in listed if d["tool"] == "argocd"] == [
        "2026-05-04T09:00:00Z",
        "2026-05-05T11:30:00Z",
        "2026-05-06T00:00:00Z",
        "2026-05-12T13:00:00Z",
    ]
    assert _report(base, token, "dora") == {
        # production: shop@live-eu and api (live-eu); 5 deployments on 05-04, 05-05 (week 19),
        # 05-11, 05-12 (week 20): 2 days a week
        "deployments": 5,
        "deployment_days": 4,
        "deployment_frequency": {"median_days_per_week": 2.0, "level": "high"},
        # c2 62 min (shop 05-04 09:02), c3 91 (shop 05-05 11:31), c4 90 (api 05-11 08:30),
        # c5 65 (shop 05-12 13:05); c1 first shipped on 05-01, c6 never: median (65 + 90) / 2
        "lead_time": {"median_minutes": 77.5, "changes": 4, "level": "elite"},
        "change_failure_rate": {"value": 0.6, "failed": 3, "level": "low"},
        # shop c2: 11:00:40 -> a3 11:31:00 (30 min 20 s); api c2: 08:00 -> 08:30 (30);
        # shop c5: Degraded 14:00 -> a5 16:00:20 (Healthy since 15:00; 120 min 20 s)
        "recovery_time": {"median_minutes": 30.333333333, "recoveries": 3, "level": "elite"},
    }
    everything = _report(base, token, "dora", env="all", by="cluster")
    test = next(group for group in everything["groups"] if group["cluster"] == "test")
    # its one deployment ships c1..c3 (all reachable from c3: its first); c1 and c2 were
    # committed 05-01 09:00 and 05-04 08:00, c3 05-05 10:00; reached 05-06 00:00:50
    assert test["lead_time"]["changes"] == 3
    assert test["lead_time"]["median_minutes"] == pytest.approx((40 * 60 + 50 / 60), abs=1e-6)
    assert test["change_failure_rate"] == {"value": 0.0, "failed": 0, "level": "elite"}
    # audit: the definitions changed in the window (c2..c5 change shop; c4 also api)
    revisions = _report(base, token, "audit")["revisions"]
    assert [(r["sha"], r["kind"], r["name"], r["change"]) for r in revisions] == [
        (shas["c2"], "Application", "shop", "modified"),
        (shas["c3"], "Application", "shop", "modified"),
        (shas["c4"], "Application", "shop", "modified"),
        (shas["c4"], "Kustomization", "api", "modified"),
        (shas["c5"], "Application", "shop", "modified"),
    ]
    assert {(r["author"], r["repo"], r["path"]) for r in revisions[:1]} == {
        ("Grace", REPO_URL, "apps/shop.yaml")
    }
    # compliance: nothing recorded yet; `report compliance --repo` checks and records
    assert _report(base, token, "compliance") == {"revisions": [], "findings": []}
    printed = _cli(
        "report", "compliance", "--db", served.db_url, "--from", WINDOW["from"],
        "--to", WINDOW["to"], "--repo", str(served.repo), "-o", "json",
    ).stdout  # fmt: skip
    compliance = json.loads(printed)
    assert _report(base, token, "compliance") == compliance  # the API returns the CLI's JSON
    # each revision of the window that changed a definition, checked as `check` would at it:
    # c3's Application has a field its schema does not know
    assert [(r["sha"], r["errors"], r["warnings"]) for r in compliance["revisions"]] == [
        (shas["c2"], 0, 0),
        (shas["c3"], 0, 1),
        (shas["c4"], 0, 0),
        (shas["c5"], 0, 0),
    ]
    findings = [(f["sha"], f["rule"], f["file"], f["line"]) for f in compliance["findings"]]
    assert findings == [(shas["c3"], "unknown-field", "apps/shop.yaml", 11)]
