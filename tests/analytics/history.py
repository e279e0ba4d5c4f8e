"""A fixed history for known-answer tests: a git repository of seven commits and the Argo CD
and Flux deliveries of two weeks (2026-03-02 .. 2026-03-16, ISO weeks 10 and 11), with
retries, late arrivals and a staging app. The expected figures below were computed by hand
from the definitions (see the comments), not by running the code.

Objects: ``web-prod`` (Argo CD, cluster prod-eu: production), ``api`` (Flux Kustomization,
cluster prod-eu: production), ``web-staging`` (Argo CD, cluster staging: not production).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from gitops_schema.store.ingest import ingest
from gitops_schema.store.records import Origin
from gitops_schema.store.sources import argocd, flux

WINDOW = ("2026-03-02T00:00:00Z", "2026-03-16T00:00:00Z")

# committer times of c1..c7 (c7 is never deployed)
COMMITS = {
    "c1": "2026-02-27T10:00:00Z",
    "c2": "2026-03-02T08:00:00Z",
    "c3": "2026-03-02T09:00:00Z",
    "c4": "2026-03-03T08:00:00Z",
    "c5": "2026-03-09T06:00:00Z",
    "c6": "2026-03-10T00:00:00Z",
    "c7": "2026-03-16T01:00:00Z",
}


def make_repo(folder: Path) -> dict[str, str]:
    """A linear git history c1..c7 with the committer times above; name -> sha."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Ada",
        "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada",
        "GIT_COMMITTER_EMAIL": "ada@example.com",
    }

    def git(*args: str, when: str | None = None) -> str:
        extra = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when} if when else {}
        return subprocess.run(
            ["git", *args],
            cwd=folder,
            env={**env, **extra},
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    git("init", "-q", "-b", "main")
    shas = {}
    for name, when in COMMITS.items():
        (folder / "apps").mkdir(exist_ok=True)
        (folder / "apps" / "web.yaml").write_text(
            f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: web}}\ndata: {{change: {name}}}\n"
        )
        git("add", "-A")
        git("commit", "-q", "-m", f"change {name}", when=when)
        shas[name] = git("rev-parse", "HEAD")
    return shas


def _app(name: str, cluster: str, status: dict[str, Any]) -> dict[str, Any]:
    return {
        "app": {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Application",
            "metadata": {
                "name": name,
                "namespace": "argocd",
                "uid": f"uid-{name}",
                "labels": {"team": "payments"},
            },
            "spec": {
                "project": "shop",
                "source": {
                    "repoURL": "https://git.example/gitops",
                    "path": "apps",
                    "targetRevision": "main",
                },
                "destination": {"name": cluster, "namespace": "web"},
            },
            "status": status,
        }
    }


@dataclass
class Sync:
    started: str
    finished: str
    phase: str
    revision: str


def _status(
    op: Sync,
    history: list[Sync],
    health: str,
    since: str,
    shas: dict[str, str],
    sync_status: str = "Synced",
) -> dict[str, Any]:
    return {
        "operationState": {
            "phase": op.phase,
            "startedAt": op.started,
            "finishedAt": op.finished,
            "message": "successfully synced"
            if op.phase == "Succeeded"
            else "one or more objects failed",
            "operation": {
                "sync": {"revision": shas[op.revision]},
                "initiatedBy": {"automated": True},
            },
            "syncResult": {"revision": shas[op.revision]},
        },
        "history": [
            {
                "id": index,
                "revision": shas[h.revision],
                "deployStartedAt": h.started,
                "deployedAt": h.finished,
            }
            for index, h in enumerate(history)
        ],
        "sync": {"status": sync_status, "revision": shas[op.revision]},
        "health": {"status": health, "lastTransitionTime": since},
        "reconciledAt": op.finished,
    }


def _event(
    moment: str, revision: str, severity: str, reason: str, message: str, shas: dict[str, str]
) -> dict[str, Any]:
    return {
        "involvedObject": {
            "kind": "Kustomization",
            "namespace": "flux-system",
            "name": "api",
            "uid": "uid-api",
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
        },
        "severity": severity,
        "timestamp": moment,
        "message": message,
        "reason": reason,
        "metadata": {"kustomize.toolkit.fluxcd.io/revision": f"main@sha1:{shas[revision]}"},
        "reportingController": "kustomize-controller",
    }


def deliveries(shas: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    """Every delivery, in the (scrambled) order they arrive: ("argocd"|"flux", body)."""
    op0 = Sync("2026-02-28T00:00:00Z", "2026-02-28T00:01:00Z", "Succeeded", "c1")
    op1 = Sync("2026-03-02T10:00:00Z", "2026-03-02T10:02:00Z", "Succeeded", "c3")
    op2 = Sync("2026-03-03T09:00:00Z", "2026-03-03T09:00:30Z", "Failed", "c4")
    op3 = Sync("2026-03-03T09:10:00Z", "2026-03-03T09:11:00Z", "Succeeded", "c4")
    op4 = Sync("2026-03-09T07:00:00Z", "2026-03-09T07:05:00Z", "Succeeded", "c5")
    op5 = Sync("2026-03-09T10:00:00Z", "2026-03-09T10:00:30Z", "Succeeded", "c5")
    op6 = Sync("2026-03-12T12:00:00Z", "2026-03-12T12:01:00Z", "Succeeded", "c6")
    web = [
        _app("web-prod", "prod-eu", _status(op0, [op0], "Healthy", "2026-02-28T00:01:30Z", shas)),
        _app(
            "web-prod",
            "prod-eu",
            _status(op2, [op0, op1], "Healthy", "2026-03-02T10:02:30Z", shas, "OutOfSync"),
        ),
        _app(
            "web-prod",
            "prod-eu",
            _status(op3, [op0, op1, op3], "Healthy", "2026-03-02T10:02:30Z", shas),
        ),
        _app(
            "web-prod",
            "prod-eu",
            _status(op4, [op0, op1, op3, op4], "Progressing", "2026-03-09T07:05:10Z", shas),
        ),
        _app(
            "web-prod",
            "prod-eu",
            _status(op4, [op0, op1, op3, op4], "Degraded", "2026-03-09T08:00:00Z", shas),
        ),
        _app(
            "web-prod",
            "prod-eu",
            _status(op4, [op0, op1, op3, op4], "Healthy", "2026-03-09T09:00:00Z", shas),
        ),
        _app(
            "web-prod",
            "prod-eu",
            _status(op5, [op0, op1, op3, op4, op5], "Healthy", "2026-03-09T09:00:00Z", shas),
        ),
        _app(
            "web-prod",
            "prod-eu",
            _status(op6, [op0, op1, op3, op4, op5, op6], "Healthy", "2026-03-12T12:01:30Z", shas),
        ),
        # late arrival: op1's own notification comes after everything else
        _app(
            "web-prod", "prod-eu", _status(op1, [op0, op1], "Healthy", "2026-03-02T10:02:30Z", shas)
        ),
    ]
    staging_ok = Sync("2026-03-11T00:00:00Z", "2026-03-11T00:00:40Z", "Succeeded", "c6")
    staging_failed = Sync("2026-03-11T01:00:00Z", "2026-03-11T01:00:10Z", "Failed", "c6")
    staging = [
        _app(
            "web-staging",
            "staging",
            _status(staging_ok, [staging_ok], "Healthy", "2026-03-11T00:00:45Z", shas),
        ),
        _app(
            "web-staging",
            "staging",
            _status(staging_failed, [staging_ok], "Healthy", "2026-03-11T00:00:45Z", shas),
        ),
    ]
    ok = "ReconciliationSucceeded"
    api = [
        _event(
            "2026-03-02T11:00:00Z",
            "c3",
            "info",
            ok,
            "Reconciliation finished in 25s, next run in 10m0s",
            shas,
        ),
        _event(
            "2026-03-02T11:10:00Z",
            "c3",
            "info",
            ok,
            "Reconciliation finished in 2s, next run in 10m0s",
            shas,
        ),
        _event(
            "2026-03-09T06:30:00Z",
            "c5",
            "error",
            "HealthCheckFailed",
            "health check failed after 30s: timeout waiting for Deployment/web/api",
            shas,
        ),
        _event(
            "2026-03-09T06:45:00Z",
            "c5",
            "info",
            ok,
            "Reconciliation finished in 1m30s, next run in 10m0s",
            shas,
        ),
        # progress events are no outcome
        _event(
            "2026-03-09T06:44:00Z",
            "c5",
            "info",
            "Progressing",
            "Deployment/web/api configured",
            shas,
        ),
    ]
    order: list[tuple[str, dict[str, Any]]] = []
    order += [("argocd", web[0]), ("flux", api[0]), ("argocd", web[2]), ("argocd", web[1])]
    order += [("flux", api[2]), ("flux", api[1]), ("flux", api[2])]  # retried error event
    order += [("argocd", web[3]), ("flux", api[4]), ("flux", api[3]), ("argocd", web[4])]
    order += [("argocd", web[2])]  # retried notification
    order += [
        ("argocd", staging[1]),
        ("argocd", web[5]),
        ("argocd", web[6]),
        ("argocd", staging[0]),
        ("argocd", web[7]),
        ("argocd", web[8]),
    ]
    return order


def record_commits(engine: Engine, repo: Path) -> None:
    """The repository's commits into the store's ``commits`` table."""
    from gitops_schema.store.tables import commits

    log = subprocess.run(
        ["git", "log", "--format=%H%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%s"],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    rows = []
    for line in log:
        sha, parents, an, ae, ad, cn, ce, cd, subject = line.split("\x00")
        rows.append(
            {
                "repo": "https://git.example/gitops",
                "sha": sha,
                "parents": parents.split(),
                "author_name": an,
                "author_email": ae,
                "authored_at": datetime.fromisoformat(ad).astimezone(UTC),
                "committer_name": cn,
                "committer_email": ce,
                "committed_at": datetime.fromisoformat(cd).astimezone(UTC),
                "message": subject,
                "files": ["apps/web.yaml"],
            }
        )
    with engine.begin() as connection:
        connection.execute(commits.insert(), rows)


def load(engine: Engine, repo: Path) -> dict[str, str]:
    """Record the repository and every delivery; name -> sha."""
    shas = make_repo(repo)
    record_commits(engine, repo)
    for tool, body in deliveries(shas):
        if tool == "argocd":
            observation = argocd.parse_webhook(body)
        else:
            observation = flux.parse_event(body, cluster="prod-eu")
        ingest(engine, [observation], origin=Origin.WEBHOOK)
    return shas
