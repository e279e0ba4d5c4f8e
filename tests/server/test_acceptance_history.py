"""An audit of issue 13 as its acceptance history checks it, written from the issue's text.

A git repository of four commits; three days of Argo CD notifications (two Applications: a
retried delivery, a late one arriving after a newer one, a Running state arriving after the
Succeeded one, history entries repeated by every later delivery, a Failed and an Error
operation) and of Flux events (heartbeats, an error, a duplicate, an event out of order, a
batch) sent through a real ``serve`` on SQLite and PostgreSQL; then ``report deployments``,
the object state and the seed's own queries, exactly as its document writes them, against
figures worked out by hand from the payloads (in the comments).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from gitops_schema.store import db

from .serving import start_server

KEY = b"audit-flux-key"
D1, D2, D3 = "2026-04-06", "2026-04-07", "2026-04-08"


def commits(folder: Path) -> list[str]:
    """Four commits (c1..c4) of a config repository; their full shas."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(folder)], check=True)
    shas = []
    for number in range(1, 5):
        (folder / "apps").mkdir(exist_ok=True)
        (folder / "apps" / "shop.yaml").write_text(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shop}\n"
            f"data: {{release: '{number}'}}\n"
        )
        when = f"{D1}T0{number}:00:00+00:00"
        env = {"GIT_AUTHOR_NAME": "Grace", "GIT_AUTHOR_EMAIL": "grace@example.com",
               "GIT_COMMITTER_NAME": "Grace", "GIT_COMMITTER_EMAIL": "grace@example.com",
               "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
               "PATH": "/usr/bin:/bin"}  # fmt: skip
        subprocess.run(["git", "-C", str(folder), "add", "-A"], check=True, env=env)
        subprocess.run(["git", "-C", str(folder), "commit", "-qm", f"release {number}"],
                       check=True, env=env)  # fmt: skip
        head = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"],
                              check=True, capture_output=True, text=True)  # fmt: skip
        shas.append(head.stdout.strip())
    return shas


def app(name: str, destination: dict[str, str], status: dict[str, Any]) -> dict[str, Any]:
    """What the shipped notification template sends: ``{"app": <Application>}``."""
    return {"app": {
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
        "metadata": {"name": name, "namespace": "argocd", "uid": f"uid-{name}"},
        "spec": {"project": "shop",
                 "source": {"repoURL": "https://git.example/config", "path": f"apps/{name}",
                            "targetRevision": "main",
                            "helm": {"parameters": [{"name": "db.password",
                                                     "value": "hunter2-very-secret"}]}},
                 "destination": {**destination, "namespace": name}},
        "status": status,
    }}  # fmt: skip


def state(sha: str, phase: str, started: str, finished: str | None) -> dict[str, Any]:
    found: dict[str, Any] = {
        "phase": phase, "startedAt": started, "message": f"sync {phase}",
        "operation": {"sync": {"revision": sha}, "initiatedBy": {"automated": True}},
        "syncResult": {"revision": sha, "resources": [
            {"kind": "Deployment", "name": "web", "status": "Synced"}]},
    }  # fmt: skip
    if finished is not None:
        found["finishedAt"] = finished
    return found


def entry(number: int, sha: str, started: str, deployed: str) -> dict[str, Any]:
    return {"id": number, "revision": sha, "deployStartedAt": started, "deployedAt": deployed}


def status(
    operation: dict[str, Any], history: list[dict[str, Any]], health: str, since: str
) -> dict[str, Any]:
    return {
        "operationState": operation,
        "history": history,
        "sync": {"status": "Synced" if operation["phase"] == "Succeeded" else "OutOfSync",
                 "revision": operation["syncResult"]["revision"]},
        "health": {"status": health, "lastTransitionTime": since},
        "reconciledAt": operation.get("finishedAt") or operation["startedAt"],
    }  # fmt: skip


def argocd_deliveries(c1: str, c2: str, c3: str) -> dict[str, dict[str, Any]]:
    """App ``shop`` (cluster prod-eu by its destination's name) and app ``api`` (in-cluster:
    its destination has only the in-cluster server)."""
    shop = {"name": "prod-eu", "server": "https://10.1.2.3:6443"}
    h1 = entry(1, c1, f"{D1}T10:00:00Z", f"{D1}T10:00:40Z")
    h2 = entry(2, c2, f"{D2}T09:30:00Z", f"{D2}T09:31:00Z")
    h3 = entry(3, c2, f"{D2}T15:00:00Z", f"{D2}T15:00:20Z")
    h4 = entry(4, c3, f"{D3}T11:00:00Z", f"{D3}T11:01:59Z")  # 1 s before its finishedAt
    s6 = state(c3, "Succeeded", f"{D3}T11:00:00Z", f"{D3}T11:02:00Z")
    inside = {"server": "https://kubernetes.default.svc"}
    a1 = entry(1, c1, f"{D1}T08:00:00Z", f"{D1}T08:00:30Z")
    a2 = entry(2, c3, f"{D3}T08:00:00Z", f"{D3}T08:00:45Z")
    return {
        "s1": app("shop", shop, status(state(c1, "Succeeded", f"{D1}T10:00:00Z",
                                             f"{D1}T10:00:40Z"), [h1], "Healthy",
                                       f"{D1}T10:00:50Z")),
        "s2-failed": app("shop", shop, status(state(c2, "Failed", f"{D1}T14:00:00Z",
                                                    f"{D1}T14:01:00Z"), [h1], "Degraded",
                                              f"{D1}T14:01:10Z")),
        "s3-error": app("shop", shop, status(state(c2, "Error", f"{D2}T09:00:00Z",
                                                   f"{D2}T09:00:05Z"), [h1], "Degraded",
                                             f"{D1}T14:01:10Z")),
        "s4": app("shop", shop, status(state(c2, "Succeeded", f"{D2}T09:30:00Z",
                                             f"{D2}T09:31:00Z"), [h1, h2], "Healthy",
                                       f"{D2}T09:31:10Z")),
        "s5-same-revision": app("shop", shop, status(
            state(c2, "Succeeded", f"{D2}T15:00:00Z", f"{D2}T15:00:20Z"), [h1, h2, h3],
            "Healthy", f"{D2}T09:31:10Z")),
        "s6-running": app("shop", shop, status(state(c3, "Running", f"{D3}T11:00:00Z", None),
                                               [h1, h2, h3], "Progressing", f"{D3}T11:00:05Z")),
        "s6": app("shop", shop, status(s6, [h1, h2, h3, h4], "Healthy", f"{D3}T11:02:10Z")),
        "api": app("api", inside, status(state(c3, "Succeeded", f"{D3}T08:00:00Z",
                                               f"{D3}T08:00:45Z"), [a1, a2], "Healthy",
                                         f"{D3}T08:00:50Z")),
    }  # fmt: skip


def flux_event(when: str, sha: str, severity: str, reason: str, message: str) -> dict[str, Any]:
    return {
        "involvedObject": {"apiVersion": "kustomize.toolkit.fluxcd.io/v1",
                           "kind": "Kustomization", "name": "infra",
                           "namespace": "flux-system", "uid": "uid-infra"},
        "severity": severity, "timestamp": when, "message": message, "reason": reason,
        "metadata": {"kustomize.toolkit.fluxcd.io/revision": f"main@sha1:{sha}"},
        "reportingController": "kustomize-controller", "reportingInstance": "kc-0",
    }  # fmt: skip


def flux_deliveries(c1: str, c2: str, c3: str) -> dict[str, dict[str, Any]]:
    ok = "ReconciliationSucceeded"
    return {
        "e1": flux_event(f"{D1}T07:00:00Z", c1, "info", ok,
                         "Reconciliation finished in 25s, next run in 10m0s"),
        "e2-heartbeat": flux_event(f"{D1}T07:10:00Z", c1, "info", ok,
                                   "Reconciliation finished in 2s, next run in 10m0s"),
        "e3-error": flux_event(f"{D2}T12:00:00Z", c2, "error", "HealthCheckFailed",
                               "health check failed: fetching https://bot:s3cr3t-pass@git.example"
                               "/config failed"),
        "e4": flux_event(f"{D2}T12:20:00Z", c2, "info", ok,
                         "Reconciliation finished in 1m30s, next run in 10m0s"),
        "e5": flux_event(f"{D3}T16:00:00Z", c3, "info", ok,
                         "Reconciliation finished in 45s, next run in 10m0s"),
    }  # fmt: skip


def expected_deployments(c1: str, c2: str, c3: str) -> list[dict[str, Any]]:
    shop = {"tool": "argocd", "cluster": "prod-eu", "namespace": "argocd", "name": "shop"}
    api = {"tool": "argocd", "cluster": "in-cluster", "namespace": "argocd", "name": "api"}
    infra = {"tool": "flux", "cluster": "prod-us", "namespace": "flux-system", "name": "infra"}
    return [
        # infra c1: e1 at 07:00:00 took 25 s; e3 (error) follows before c2: failed.
        {**infra, "revision": c1, "started_at": f"{D1}T06:59:35Z",
         "finished_at": f"{D1}T07:00:00Z", "failed": True},
        # api c1: its history entry (no operationState ever told of it).
        {**api, "revision": c1, "started_at": f"{D1}T08:00:00Z",
         "finished_at": f"{D1}T08:00:30Z", "failed": False},
        # shop c1: S2 Failed (and Degraded) before c2 was deployed: failed.
        {**shop, "revision": c1, "started_at": f"{D1}T10:00:00Z",
         "finished_at": f"{D1}T10:00:40Z", "failed": True},
        # shop c2: S4 (S5 synced c2 again: no deployment; S2 and S3 failed: none).
        {**shop, "revision": c2, "started_at": f"{D2}T09:30:00Z",
         "finished_at": f"{D2}T09:31:00Z", "failed": False},
        # infra c2: e4 at 12:20:00 took 1m30s.
        {**infra, "revision": c2, "started_at": f"{D2}T12:18:30Z",
         "finished_at": f"{D2}T12:20:00Z", "failed": False},
        {**api, "revision": c3, "started_at": f"{D3}T08:00:00Z",
         "finished_at": f"{D3}T08:00:45Z", "failed": False},
        # shop c3: the operationState's finishedAt (the entry's deployedAt is 1 s before).
        {**shop, "revision": c3, "started_at": f"{D3}T11:00:00Z",
         "finished_at": f"{D3}T11:02:00Z", "failed": False},
        {**infra, "revision": c3, "started_at": f"{D3}T15:59:15Z",
         "finished_at": f"{D3}T16:00:00Z", "failed": False},
    ]  # fmt: skip


# The seed document's own queries (its sync-service's get_sync_statistics and
# get_deployment_frequency), with named parameters.
SEED_STATISTICS = """
    SELECT sync_status, COUNT(*) as count, AVG(sync_duration) as avg_duration,
           MIN(sync_duration) as min_duration, MAX(sync_duration) as max_duration
    FROM {table}
    WHERE started_at BETWEEN :start AND :end
    GROUP BY sync_status
"""
SEED_FREQUENCY = """
    SELECT DATE(started_at) as date, COUNT(*) as deployments
    FROM {table}
    WHERE started_at BETWEEN :start AND :end AND sync_status = '{word}'
    GROUP BY DATE(started_at)
    ORDER BY date
"""


def seed_figures(url: str) -> dict[str, Any]:
    window = {"start": datetime(2026, 4, 6, tzinfo=UTC), "end": datetime(2026, 4, 9, tzinfo=UTC)}
    engine = db.create(url)
    figures: dict[str, Any] = {}
    with engine.connect() as connection:
        for table, word in (("argocd_sync_history", "Synced"), ("flux_sync_history", "Ready")):
            rows = connection.execute(text(SEED_STATISTICS.format(table=table)), window).all()
            figures[f"{table} statistics"] = {
                row.sync_status: (row.count, None if row.avg_duration is None
                                  else float(row.avg_duration), row.min_duration,
                                  row.max_duration)
                for row in rows
            }  # fmt: skip
            frequency = connection.execute(
                text(SEED_FREQUENCY.format(table=table, word=word)), window
            ).all()
            figures[f"{table} frequency"] = [(str(row.date), row.deployments) for row in frequency]
        figures["applications"] = sorted(
            tuple(row)
            for row in connection.execute(
                text("SELECT app_name, app_namespace, sync_status, health_status, sync_revision, "
                     "source_repo_url, target_revision FROM argocd_applications")
            )
        )  # fmt: skip
        figures["configs"] = [
            tuple(row)
            for row in connection.execute(
                text("SELECT config_name, config_type, config_namespace, sync_status, "
                     "last_applied_revision FROM flux_configs")
            )
        ]  # fmt: skip
        stored = connection.execute(
            text("SELECT app_definition FROM argocd_applications")
        ).scalars()
        figures["definitions"] = " ".join(json.dumps(value) for value in stored)
        messages = connection.execute(text("SELECT sync_message FROM flux_sync_history"))
        figures["messages"] = " ".join(str(value) for value in messages.scalars())
    engine.dispose()
    return figures


def test_the_acceptance_history_as_the_issue_describes_it(
    run: Callable[..., str], db_url: str, tmp_path: Path
) -> None:
    c1, c2, c3, c4 = commits(tmp_path / "config")
    run("db", "upgrade", "--db", db_url)
    ingest_token = run("token", "create", "--db", db_url, "--role", "ingest", "--name", "argo")
    read_token = run("token", "create", "--db", db_url, "--role", "read", "--name", "grafana")
    ingest_token, read_token = (t.strip().splitlines()[-1] for t in (ingest_token, read_token))
    run("record", "git", str(tmp_path / "config"), "--db", db_url)
    (tmp_path / "key").write_bytes(KEY + b"\n")
    process, base = start_server(db_url, tmp_path / "spool", "--flux-hmac-key-file",
                                 str(tmp_path / "key"))  # fmt: skip
    apps, events = argocd_deliveries(c1, c2, c3), flux_deliveries(c1, c2, c3)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:

            def argocd(name: str, token: str = ingest_token) -> httpx.Response:
                return client.post("/api/v1/events/argocd", json=apps[name],
                                   headers={"Authorization": f"Bearer {token}"})  # fmt: skip

            def flux(document: Any, key: bytes = KEY) -> httpx.Response:
                body = json.dumps(document).encode()
                signature = hmac.new(key, body, hashlib.sha256).hexdigest()
                return client.post("/api/v1/events/flux?cluster=prod-us", content=body,
                                   headers={"X-Signature": f"sha256={signature}",
                                            "Content-Type": "application/json"})  # fmt: skip

            # Refused, and nothing of them stored: no token, a read token, a bad signature,
            # not JSON, the wrong shape.
            assert client.post("/api/v1/events/argocd", json=apps["s6"]).status_code == 401
            assert argocd("s6", read_token).status_code == 403
            assert flux(events["e5"], key=b"other").status_code == 401
            broken = client.post("/api/v1/events/argocd", content=b"{not json",
                                 headers={"Authorization": f"Bearer {ingest_token}"})  # fmt: skip
            assert broken.status_code == 400
            assert flux({"reason": "x"}).status_code == 422
            assert client.get("/api/v1/reports/deployments").status_code == 401

            order = ["s1", "s1", "s4", "s2-failed", "s3-error", "s6", "s6-running",
                     "s5-same-revision", "api", "s4", "s6"]  # fmt: skip
            for name in order:
                answer = argocd(name)
                assert answer.status_code == 200, (name, answer.text)
            batch = [events["e5"], events["e2-heartbeat"]]
            for document in (events["e2-heartbeat"], events["e4"], events["e3-error"],
                             events["e1"], events["e1"], batch):  # fmt: skip
                answer = flux(document)
                assert answer.status_code == 200, answer.text
            served = client.get(
                "/api/v1/reports/deployments",
                params={"from": D1, "to": "2026-04-09", "env": "all"},
                headers={"Authorization": f"Bearer {read_token}"},
            )
            assert served.status_code == 200, served.text
    finally:
        process.terminate()
        process.wait(timeout=30)
    # The same Application exported by kubectl and imported: nothing new.
    export = {"apiVersion": "v1", "kind": "List", "items": [apps["api"]["app"]]}
    (tmp_path / "applications.json").write_text(json.dumps(export))
    imported = run("record", "import", str(tmp_path / "applications.json"), "--db", db_url)
    assert "0 operations inserted" in imported, imported

    report = run("report", "deployments", "--db", db_url, "--from", D1, "--to", "2026-04-09",
                 "--env", "all", "-o", "json")  # fmt: skip

    def by_finish(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(rows, key=lambda row: (row["finished_at"], row["tool"], row["name"]))

    expected = expected_deployments(c1, c2, c3)
    assert by_finish(json.loads(report)["deployments"]) == expected
    assert by_finish(served.json()["deployments"]) == expected

    figures = seed_figures(db_url)
    # Argo CD operations started in the window: Synced S1 40 s, S4 60, S5 20, S6 120 and
    # api's two 30 and 45 (avg 52.5); S2 Failed 60 s; S3 Error 5 s.
    assert figures["argocd_sync_history statistics"] == {
        "Synced": (6, 52.5, 20, 120), "Failed": (1, 60.0, 60, 60), "Error": (1, 5.0, 5, 5),
    }  # fmt: skip
    assert figures["argocd_sync_history frequency"] == [(D1, 2), (D2, 2), (D3, 2)]
    # Flux: e1 25 s, e2 2 s, e4 90 s, e5 45 s (avg 40.5); e3 failed, no duration.
    assert figures["flux_sync_history statistics"] == {
        "Ready": (4, 40.5, 2, 90), "NotReady": (1, None, None, None),
    }  # fmt: skip
    assert figures["flux_sync_history frequency"] == [(D1, 2), (D2, 1), (D3, 1)]
    # The late S5 and the late Running S6 did not overwrite S6's state.
    assert figures["applications"] == [
        ("api", "argocd", "Synced", "Healthy", c3, "https://git.example/config", "main"),
        ("shop", "argocd", "Synced", "Healthy", c3, "https://git.example/config", "main"),
    ]
    assert figures["configs"] == [("infra", "Kustomization", "flux-system", "Ready", c3)]
    assert "hunter2" not in figures["definitions"]
    assert "s3cr3t" not in figures["messages"]
    assert c4 not in report
