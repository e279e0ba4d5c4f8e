"""Random Argo CD timelines, delivered shuffled and retried: the reports equal the definitions.

Each seed makes a true timeline (an Argo CD application's sync operations of every phase and
health transitions, a Flux Kustomization's reconcile outcomes, the commits both deploy) and the
notifications Argo CD and Flux would send along it (at every operation's start and finish, at
every health change, at every reconcile), delivers them in a random order with retries,
and compares the reports with the definitions applied to the true timeline in plain Python
below (not with the store's or the analytics' code).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from gitops_schema.analytics import reports, rollups
from gitops_schema.analytics.definitions import Scope, Window
from gitops_schema.store import db, migrate, tables
from gitops_schema.store.ingest import ingest
from gitops_schema.store.records import Origin
from gitops_schema.store.sources import argocd, flux

START = datetime(2026, 7, 1, tzinfo=UTC)
WINDOW = Window(START, START + timedelta(days=60))
COMMITS = 8


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@dataclass
class Op:
    started: datetime
    finished: datetime
    phase: str
    commit: int


@dataclass
class Flux:
    """A reconcile outcome of the Kustomization prd/api (``seconds``: its "finished in")."""

    at: datetime
    phase: str
    commit: int
    seconds: int | None


@dataclass
class Timeline:
    """One application's true history."""

    commit_times: list[datetime]
    ops: list[Op] = field(default_factory=list)
    health: list[tuple[datetime, str]] = field(default_factory=list)
    flux: list[Flux] = field(default_factory=list)

    def health_at(self, moment: datetime) -> str:
        current = ""
        for at, status in self.health:
            if at <= moment:
                current = status
        return current


def make_timeline(rng: random.Random) -> Timeline:
    """Operations one after another, health changing between and during them."""
    times = [START + timedelta(hours=6 * i, minutes=rng.randrange(60)) for i in range(COMMITS)]
    line = Timeline(times, health=[(START - timedelta(days=1), "Healthy")])
    moment = times[0] + timedelta(minutes=30)
    commit = 0
    for _ in range(rng.randrange(6, 13)):
        phase = rng.choices(["Succeeded", "Failed", "Error"], [6, 2, 1])[0]
        if commit < COMMITS - 1 and (phase != "Succeeded" or rng.random() < 0.6):
            commit += 1
        started = moment
        moment += timedelta(seconds=rng.randrange(5, 600))
        line.ops.append(Op(started, moment, phase, commit))
        moment = max(moment, line.health[-1][0])
        # what the health does after the operation: a rollout (Progressing, then Healthy or
        # Degraded), a later degradation, a recovery, or nothing
        for status in rng.choice([[], ["Progressing", "Healthy"], ["Progressing", "Degraded"],
                                  ["Degraded"], ["Healthy"], ["Degraded", "Healthy"]]):  # fmt: skip
            moment += timedelta(seconds=rng.randrange(1, 900))
            if status != line.health[-1][1]:
                line.health.append((moment, status))
        # the next operation may start before the last of these changes
        moment += timedelta(seconds=rng.randrange(-300, 3600))
        moment = max(moment, line.ops[-1].finished + timedelta(seconds=1))
        if line.health[-1][0] >= moment:
            moment = line.health[-1][0] - timedelta(seconds=rng.randrange(0, 60))
            moment = max(moment, line.ops[-1].finished + timedelta(seconds=1))
    moment, commit = times[0] + timedelta(minutes=10), 0
    for _ in range(rng.randrange(5, 12)):
        moment += timedelta(seconds=rng.randrange(600, 4 * 3600))
        commit = min(commit + rng.choice([0, 0, 1, 2]), COMMITS - 1)
        if rng.random() < 0.3:
            line.flux.append(Flux(moment, "Failed", commit, None))
        else:
            seconds = rng.choice([None, *range(1, 120)])
            line.flux.append(Flux(moment, "Succeeded", commit, seconds))
    return line


def _sha(commit: int) -> str:
    return f"{commit + 1:x}" * 40


def _body(line: Timeline, op: Op, running: bool, at: datetime) -> dict[str, Any]:
    """The Application as it stood at ``at`` (``op`` its latest operation)."""
    succeeded = [o for o in line.ops if o.phase == "Succeeded" and o.finished <= at]
    state: dict[str, Any] = {
        "phase": "Running" if running else op.phase,
        "startedAt": _iso(op.started),
        "operation": {"sync": {"revision": _sha(op.commit)}},
    }
    if not running:
        state["finishedAt"] = _iso(op.finished)
        state["syncResult"] = {"revision": _sha(op.commit)}
    since = max(t for t, _ in line.health if t <= at)
    return {
        "app": {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Application",
            "metadata": {"name": "gen-prod", "namespace": "argocd", "uid": "uid-gen"},
            "spec": {
                "project": "default",
                "source": {"repoURL": "https://git.example/gen", "path": "gen"},
                "destination": {"name": "eu", "namespace": "gen"},
            },
            "status": {
                "operationState": state,
                "history": [
                    {
                        "id": index,
                        "revision": _sha(o.commit),
                        "deployStartedAt": _iso(o.started),
                        "deployedAt": _iso(o.finished),
                    }
                    for index, o in enumerate(succeeded[-10:])
                ],
                "health": {"status": line.health_at(at), "lastTransitionTime": _iso(since)},
                "reconciledAt": _iso(at),
            },
        }
    }


def _event(outcome: Flux) -> dict[str, Any]:
    """The notification-controller event of a reconcile outcome."""
    if outcome.phase == "Failed":
        severity, reason, message = "error", "HealthCheckFailed", "health check failed"
    elif outcome.seconds is None:
        severity, reason, message = "info", "ReconciliationSucceeded", "Applied revision"
    else:
        severity, reason = "info", "ReconciliationSucceeded"
        message = f"Reconciliation finished in {outcome.seconds}s, next run in 10m0s"
    return {
        "involvedObject": {
            "kind": "Kustomization",
            "namespace": "prd",
            "name": "api",
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
        },
        "severity": severity,
        "timestamp": _iso(outcome.at),
        "message": message,
        "reason": reason,
        "metadata": {"kustomize.toolkit.fluxcd.io/revision": f"main@sha1:{_sha(outcome.commit)}"},
        "reportingController": "kustomize-controller",
    }


def deliveries(line: Timeline, rng: random.Random) -> list[tuple[str, dict[str, Any]]]:
    """A notification at each start, finish, health change and reconcile; shuffled, retried."""
    sent: list[tuple[str, dict[str, Any]]] = [("flux", _event(outcome)) for outcome in line.flux]
    for index, op in enumerate(line.ops):
        sent.append(("argocd", _body(line, op, True, op.started)))
        sent.append(("argocd", _body(line, op, False, op.finished)))
        ends = line.ops[index + 1].started if index + 1 < len(line.ops) else WINDOW.end
        for at, _ in line.health:
            if op.finished <= at < ends:
                sent.append(("argocd", _body(line, op, False, at)))
            elif op.started <= at < op.finished:
                sent.append(("argocd", _body(line, op, True, at)))
    sent += rng.sample(sent, len(sent) // 5)
    rng.shuffle(sent)
    return sent


# --- the definitions, on the true timeline -----------------------------------------------


def _median(values: list[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    rank = 0.95 * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _stats(durations: list[float | None]) -> tuple[Any, ...]:
    known = [value for value in durations if value is not None]
    if not known:
        return (len(durations), None, None, None, None)
    average = sum(known) / len(known)
    return (len(durations), average, min(known), max(known), _p95(known))


@dataclass
class Deployed:
    tool: str
    commit: int
    finished: datetime
    failed_at: datetime | None = None


def _argocd(line: Timeline) -> tuple[list[Deployed], list[datetime], list[datetime]]:
    """The application's deployments, failure signals and signs of health."""
    deployed: list[Deployed] = []
    for op in line.ops:
        if op.phase == "Succeeded" and (not deployed or deployed[-1].commit != op.commit):
            deployed.append(Deployed("argocd", op.commit, op.finished))
    signals = [o.finished for o in line.ops if o.phase != "Succeeded"]
    signals += [
        at
        for (at, status), (_, before) in zip(line.health[1:], line.health, strict=False)
        if status == "Degraded" and before != "Degraded"
    ]

    def sign(index: int, op: Op) -> bool:
        # Succeeded, and Healthy at its finish or before the next operation started
        if op.phase != "Succeeded":
            return False
        if line.health_at(op.finished) == "Healthy":
            return True
        ends = line.ops[index + 1].started if index + 1 < len(line.ops) else None
        later = [at for at, status in line.health if at > op.finished and status == "Healthy"]
        return bool(later) and (ends is None or min(later) < ends)

    return deployed, signals, [op.finished for index, op in enumerate(line.ops) if sign(index, op)]


def _flux(line: Timeline) -> tuple[list[Deployed], list[datetime], list[datetime]]:
    """The Kustomization's deployments, failure signals and signs of health."""
    deployed: list[Deployed] = []
    for outcome in line.flux:
        if outcome.phase == "Succeeded" and (not deployed or deployed[-1].commit != outcome.commit):
            deployed.append(Deployed("flux", outcome.commit, outcome.at))
    signals = [o.at for o in line.flux if o.phase == "Failed"]
    return deployed, signals, [o.at for o in line.flux if o.phase == "Succeeded"]


def expected(line: Timeline) -> dict[str, Any]:
    """Sync statistics, deployments and the DORA figures, from the definitions."""
    stats = {}
    for status, phases in (("Failed", ("Failed", "Error")), ("Succeeded", ("Succeeded",))):
        took = [(o.finished - o.started).total_seconds() for o in line.ops if o.phase in phases]
        if took:
            stats[("argocd", status)] = _stats(list(took))
        reconciled = [float(o.seconds) if o.seconds else None for o in line.flux]
        if any(o.phase in phases for o in line.flux):
            stats[("flux", status)] = _stats(
                [r for r, o in zip(reconciled, line.flux, strict=True) if o.phase in phases]
            )
    everything, recoveries = [], []
    for deployed, signals, signs in (_argocd(line), _flux(line)):
        for index, item in enumerate(deployed):
            following = deployed[index + 1].finished if index + 1 < len(deployed) else None
            after = [s for s in signals if s > item.finished and (not following or s < following)]
            item.failed_at = min(after, default=None)
            healed = [s for s in signs if item.failed_at and s > item.failed_at]
            if item.failed_at and healed:
                recoveries.append((min(healed) - item.failed_at).total_seconds() / 60)
        everything += deployed
    everything.sort(key=lambda item: item.finished)
    leads, shipped = [], 0
    for item in everything:
        for commit in range(shipped, item.commit + 1):
            leads.append((item.finished - line.commit_times[commit]).total_seconds() / 60)
        shipped = max(shipped, item.commit + 1)
    failed = sum(1 for item in everything if item.failed_at)
    return {
        "stats": stats,
        "deployments": [
            (i.tool, _sha(i.commit), _iso(i.finished), bool(i.failed_at)) for i in everything
        ],
        "lead": (_median(leads), len(leads)),
        "failure": (failed / len(everything) if everything else None, failed),
        "recovery": (_median(recoveries), len(recoveries)),
    }


def _record(engine: Engine, line: Timeline, rng: random.Random) -> None:
    rows = [
        {
            "repo": "https://git.example/gen",
            "sha": _sha(i),
            "parents": [_sha(i - 1)] if i else [],
            "author_name": "Kim",
            "author_email": "kim@example.com",
            "authored_at": at,
            "committer_name": "Kim",
            "committer_email": "kim@example.com",
            "committed_at": at,
            "message": f"change {i}",
            "files": ["gen/app.yaml"],
        }
        for i, at in enumerate(line.commit_times)
    ]
    with engine.begin() as connection:
        connection.execute(tables.commits.insert(), rows)
    for tool, body in deliveries(line, rng):
        if tool == "argocd":
            observation = argocd.parse_webhook(body)
        else:
            observation = flux.parse_event(body, cluster="eu")
        ingest(engine, [observation], origin=Origin.WEBHOOK)


@pytest.mark.parametrize("seed", range(6))
def test_reports_follow_the_definitions(db_url: str, seed: int) -> None:
    rng = random.Random(seed)
    line = make_timeline(rng)
    engine = db.create(db_url)
    try:
        migrate.upgrade(engine)
        if seed % 2:
            rollups.ensure(engine)  # kept up to date while the deliveries arrive
        _record(engine, line, rng)
        rollups.ensure(engine)
        with engine.connect() as connection:
            stats = reports.sync_stats(connection, WINDOW, Scope())["rows"]
            listed = reports.deployments(connection, WINDOW, Scope())["deployments"]
            dora = reports.dora(connection, WINDOW, Scope())
    finally:
        engine.dispose()
    want = expected(line)
    found = {
        (row["tool"], row["status"]): (
            row["count"],
            row["avg_seconds"],
            row["min_seconds"],
            row["max_seconds"],
            row["p95_seconds"],
        )
        for row in stats
    }
    assert found.keys() == want["stats"].keys()
    for status, figures in want["stats"].items():
        assert found[status] == pytest.approx(figures), status
    found_deployments = [(d["tool"], d["revision"], d["finished_at"], d["failed"]) for d in listed]
    assert found_deployments == want["deployments"]
    lead, changes = want["lead"]
    assert (dora["lead_time"]["median_minutes"], dora["lead_time"]["changes"]) == (
        pytest.approx(lead),
        changes,
    )
    rate, failed = want["failure"]
    assert dora["change_failure_rate"]["failed"] == failed
    assert dora["change_failure_rate"]["value"] == pytest.approx(rate)
    median, recovered = want["recovery"]
    assert dora["recovery_time"]["recoveries"] == recovered
    assert dora["recovery_time"]["median_minutes"] == pytest.approx(median)
