"""End to end, as the acceptance history is checked: a small git repository and three days
of Argo CD and Flux deliveries (retries, late arrivals, a batch) POSTed over real HTTP to a
running ``serve`` on SQLite and on PostgreSQL, then ``report deployments -o json`` against
expectations worked out by hand from the payloads."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from .serving import start_server

DAY1 = datetime(2026, 3, 2, tzinfo=UTC)
KEY = b"e2e-flux-key"


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def at(day: int, clock: str) -> datetime:
    hours, minutes, seconds = (int(part) for part in clock.split(":"))
    return DAY1 + timedelta(days=day - 1, hours=hours, minutes=minutes, seconds=seconds)


def git_repository(folder: Path) -> list[str]:
    """Three commits of a config repository; their full shas."""
    folder.mkdir()
    who = {"NAME": "Ada", "EMAIL": "ada@example.com"}
    environment = {**os.environ, **{f"GIT_{role}_{key}": value for role in ("AUTHOR", "COMMITTER")
                                    for key, value in who.items()}}  # fmt: skip
    subprocess.run(["git", "init", "-q", "-b", "main", str(folder)], check=True)
    shas = []
    for number, when in enumerate((at(1, "07:00:00"), at(2, "08:00:00"), at(3, "08:00:00"))):
        app = folder / "apps" / "web" / "deployment.yaml"
        app.parent.mkdir(parents=True, exist_ok=True)
        app.write_text(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
            f"spec: {{replicas: {number + 1}}}\n"
        )
        dated = {**environment, "GIT_AUTHOR_DATE": when.isoformat(),
                 "GIT_COMMITTER_DATE": when.isoformat()}  # fmt: skip
        subprocess.run(["git", "-C", str(folder), "add", "-A"], check=True, env=dated)
        subprocess.run(["git", "-C", str(folder), "commit", "-qm", f"web: {number + 1} replicas"],
                       check=True, env=dated)  # fmt: skip
        head = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], check=True,
                              capture_output=True, text=True)  # fmt: skip
        shas.append(head.stdout.strip())
    return shas


def application(status: dict[str, Any]) -> dict[str, Any]:
    return {
        "app": {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Application",
            "metadata": {"name": "web", "namespace": "argocd", "uid": "4f1c"},
            "spec": {
                "project": "default",
                "source": {"repoURL": "https://git.example/cfg", "path": "apps/web",
                           "targetRevision": "main"},
                "destination": {"name": "prod-eu", "namespace": "web"},
            },
            "status": status,
        }
    }  # fmt: skip


def sync(revision: str, phase: str, started: datetime, finished: datetime | None) -> dict[str, Any]:
    state: dict[str, Any] = {
        "phase": phase,
        "startedAt": stamp(started),
        "operation": {"sync": {"revision": revision}, "initiatedBy": {"automated": True}},
        "syncResult": {"revision": revision},
    }
    if finished is not None:
        state["finishedAt"] = stamp(finished)
    return state


def entry(number: int, revision: str, started: datetime, deployed: datetime) -> dict[str, Any]:
    return {"id": number, "revision": revision, "deployStartedAt": stamp(started),
            "deployedAt": stamp(deployed)}  # fmt: skip


def argocd_deliveries(a: str, b: str, c: str) -> dict[str, dict[str, Any]]:
    """The notifications of app ``web``: A deployed, B failed then deployed, B synced again
    (no deployment), C deployed then Degraded."""
    h1 = entry(1, a, at(1, "10:00:00"), at(1, "10:01:29"))
    h2 = entry(2, b, at(2, "09:10:00"), at(2, "09:10:59"))
    h3 = entry(3, b, at(3, "12:00:00"), at(3, "12:00:44"))
    h4 = entry(4, c, at(3, "15:00:00"), at(3, "15:02:59"))

    def status(state: dict[str, Any], history: list[Any], health: str, since: str,
               day: int) -> dict[str, Any]:  # fmt: skip
        return application({
            "operationState": state, "history": history,
            "sync": {"status": "Synced", "revision": state["syncResult"]["revision"]},
            "health": {"status": health, "lastTransitionTime": stamp(at(day, since))},
        })  # fmt: skip

    return {
        "running-a": application(
            {"operationState": sync(a, "Running", at(1, "10:00:00"), None), "history": []}
        ),
        "a": status(sync(a, "Succeeded", at(1, "10:00:00"), at(1, "10:01:30")), [h1],
                    "Healthy", "10:01:33", 1),
        "failed-b": status(sync(b, "Failed", at(2, "09:00:00"), at(2, "09:02:00")), [h1],
                           "Degraded", "09:02:05", 2),
        "b": status(sync(b, "Succeeded", at(2, "09:10:00"), at(2, "09:11:00")), [h1, h2],
                    "Healthy", "09:11:04", 2),
        "b-again": status(sync(b, "Succeeded", at(3, "12:00:00"), at(3, "12:00:45")),
                          [h1, h2, h3], "Healthy", "09:11:04", 2),
        "c": status(sync(c, "Succeeded", at(3, "15:00:00"), at(3, "15:03:00")),
                    [h1, h2, h3, h4], "Healthy", "15:03:02", 3),
        "c-degraded": status(sync(c, "Succeeded", at(3, "15:00:00"), at(3, "15:03:00")),
                             [h1, h2, h3, h4], "Degraded", "16:00:00", 3),
    }  # fmt: skip


def flux_event(moment: datetime, revision: str, severity: str, reason: str,
               message: str) -> dict[str, Any]:  # fmt: skip
    return {
        "involvedObject": {"kind": "Kustomization", "namespace": "flux-system", "name": "infra",
                           "uid": "77aa", "apiVersion": "kustomize.toolkit.fluxcd.io/v1"},
        "severity": severity, "timestamp": stamp(moment), "message": message, "reason": reason,
        "metadata": {"kustomize.toolkit.fluxcd.io/revision": f"main@sha1:{revision}"},
        "reportingController": "kustomize-controller",
    }  # fmt: skip


def flux_deliveries(a: str, b: str, c: str) -> dict[str, dict[str, Any]]:
    """The events of Kustomization ``infra``: A applied (and a heartbeat), a failed health
    check on B, B applied, C applied."""
    ok = "ReconciliationSucceeded"
    return {
        "a": flux_event(at(1, "08:00:00"), a, "info", ok,
                        "Reconciliation finished in 25s, next run in 10m0s"),
        "a-heartbeat": flux_event(at(1, "08:10:00"), a, "info", ok,
                                  "Reconciliation finished in 3s, next run in 10m0s"),
        "failed-b": flux_event(at(2, "14:00:00"), b, "error", "HealthCheckFailed",
                               "health check failed after 30s: timeout waiting for Deployment"),
        "b": flux_event(at(2, "14:30:00"), b, "info", ok,
                        "Reconciliation finished in 40s, next run in 10m0s"),
        "c": flux_event(at(3, "09:00:00"), c, "info", ok,
                        "Reconciliation finished in 1m5s, next run in 10m0s"),
    }  # fmt: skip


def expected(a: str, b: str, c: str) -> list[dict[str, Any]]:
    web = {"tool": "argocd", "cluster": "prod-eu", "namespace": "argocd", "name": "web"}
    infra = {"tool": "flux", "cluster": "prod-us", "namespace": "flux-system", "name": "infra"}
    return [
        # A: 25 s before its event; failed: the health check of B failed before B was applied.
        {**infra, "revision": a, "started_at": "2026-03-02T07:59:35Z",
         "finished_at": "2026-03-02T08:00:00Z", "failed": True},
        # A: from operationState (finishedAt, not the history entry's deployedAt); failed: the
        # sync of B failed before B was deployed.
        {**web, "revision": a, "started_at": "2026-03-02T10:00:00Z",
         "finished_at": "2026-03-02T10:01:30Z", "failed": True},
        {**web, "revision": b, "started_at": "2026-03-03T09:10:00Z",
         "finished_at": "2026-03-03T09:11:00Z", "failed": False},
        {**infra, "revision": b, "started_at": "2026-03-03T14:29:20Z",
         "finished_at": "2026-03-03T14:30:00Z", "failed": False},
        {**infra, "revision": c, "started_at": "2026-03-04T08:58:55Z",
         "finished_at": "2026-03-04T09:00:00Z", "failed": False},
        # C: Degraded an hour after it finished.
        {**web, "revision": c, "started_at": "2026-03-04T15:00:00Z",
         "finished_at": "2026-03-04T15:03:00Z", "failed": True},
    ]  # fmt: skip


def test_a_delivered_history_gives_the_deployments_worked_out_by_hand(
    run: Callable[..., str], db_url: str, tmp_path: Path
) -> None:
    """The commands run in-process; ``serve`` is a real process answering real HTTP."""

    a, b, c = git_repository(tmp_path / "config")
    run("db", "upgrade", "--db", db_url)
    token = run("token", "create", "--db", db_url, "--role", "ingest", "--name", "argocd")
    token = token.strip().splitlines()[-1]
    run("record", "git", str(tmp_path / "config"), "--db", db_url)
    (tmp_path / "hmac").write_bytes(KEY + b"\n")
    process, base = start_server(
        db_url, tmp_path / "spool", "--flux-hmac-key-file", str(tmp_path / "hmac")
    )
    apps, events = argocd_deliveries(a, b, c), flux_deliveries(a, b, c)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:

            def argocd(name: str) -> None:
                answer = client.post("/api/v1/events/argocd", json=apps[name],
                                     headers={"Authorization": f"Bearer {token}"})  # fmt: skip
                assert answer.status_code == 200, answer.text

            def flux(*names: str) -> None:
                document = [events[n] for n in names] if len(names) > 1 else events[names[0]]
                body = json.dumps(document).encode()
                signature = hmac.new(KEY, body, hashlib.sha256).hexdigest()
                answer = client.post("/api/v1/events/flux?cluster=prod-us", content=body,
                                     headers={"X-Signature": f"sha256={signature}",
                                              "Content-Type": "application/json"})  # fmt: skip
                assert answer.status_code == 200, answer.text

            # Late arrivals (A after B's failure), retries (the same body again), a batch.
            flux("a-heartbeat")
            argocd("running-a")
            argocd("failed-b")
            flux("b")
            argocd("a")
            argocd("a")
            flux("a")
            flux("failed-b")
            argocd("b")
            flux("a")
            argocd("c")
            argocd("b-again")
            argocd("b")
            flux("c", "b", "a-heartbeat")
            argocd("c-degraded")
            argocd("failed-b")
    finally:
        process.terminate()
        process.wait(timeout=30)
    report = run("report", "deployments", "--db", db_url, "--from", "2026-03-02",
                 "--to", "2026-03-05", "--env", "all", "-o", "json")  # fmt: skip
    assert json.loads(report)["deployments"] == expected(a, b, c)
