"""A simulated delivery history: Argo CD webhook bodies and Flux events of a few apps over
a few days, with retries (exact duplicates), Running states, history entries arriving
before and after their operationState, failures and heartbeats."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def sha(*parts: object) -> str:
    return hashlib.sha1("/".join(map(str, parts)).encode()).hexdigest()


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Delivery:
    """One HTTP delivery: the tool ("argocd" or "flux"), its body and Flux's cluster."""

    tool: str
    body: dict[str, Any]
    cluster: str = ""


def application(
    name: str, status: dict[str, Any], *, cluster: str = "prod-eu", namespace: str = "argocd"
) -> dict[str, Any]:
    return {
        "app": {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Application",
            "metadata": {"name": name, "namespace": namespace, "uid": sha("uid", name)},
            "spec": {
                "project": "default",
                "source": {
                    "repoURL": "https://git.example/cfg",
                    "path": name,
                    "targetRevision": "main",
                },
                "destination": {"name": cluster, "namespace": name},
            },
            "status": status,
        }
    }


def flux_event(
    name: str, moment: datetime, *, revision: str, severity: str, reason: str, message: str
) -> dict[str, Any]:
    return {
        "involvedObject": {
            "kind": "Kustomization",
            "namespace": "flux-system",
            "name": name,
            "uid": sha("uid", name),
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
        },
        "severity": severity,
        "timestamp": stamp(moment),
        "message": message,
        "reason": reason,
        "metadata": {"kustomize.toolkit.fluxcd.io/revision": f"main@sha1:{revision}"},
        "reportingController": "kustomize-controller",
        "reportingInstance": "kustomize-controller-7f5d",
    }


def argocd_app_history(name: str, rng: random.Random, syncs: int) -> list[Delivery]:
    """The deliveries of one Argo CD app: per sync a Running and a final notification
    (Succeeded or Failed); history keeps the newest successful syncs (10 at most)."""
    deliveries: list[Delivery] = []
    history: list[dict[str, Any]] = []
    moment = START
    revision = sha(name, 0)
    for number in range(syncs):
        moment += timedelta(minutes=rng.randint(20, 600))
        if rng.random() < 0.6:
            revision = sha(name, number)
        started = moment
        finished = started + timedelta(seconds=rng.randint(5, 300))
        phase = "Failed" if rng.random() < 0.15 else "Succeeded"
        running = {
            "phase": "Running",
            "startedAt": stamp(started),
            "operation": {"sync": {"revision": revision}, "initiatedBy": {"automated": True}},
        }
        deliveries.append(
            Delivery(
                "argocd", application(name, {"operationState": running, "history": list(history)})
            )
        )
        final = {
            **running,
            "phase": phase,
            "message": "successfully synced"
            if phase == "Succeeded"
            else "one or more objects failed",
            "finishedAt": stamp(finished),
            "syncResult": {"revision": revision},
        }
        if phase == "Succeeded":
            entry = {
                "id": number,
                "revision": revision,
                "deployedAt": stamp(finished - timedelta(seconds=1)),
                "deployStartedAt": stamp(started),
            }
            history = [*history, entry][-10:]
        health = {
            "status": "Healthy" if phase == "Succeeded" else "Degraded",
            "lastTransitionTime": stamp(finished + timedelta(seconds=3)),
        }
        status = {
            "operationState": final,
            "history": list(history),
            "sync": {
                "status": "Synced" if phase == "Succeeded" else "OutOfSync",
                "revision": revision,
            },
            "health": health,
            "reconciledAt": stamp(finished + timedelta(seconds=5)),
        }
        deliveries.append(Delivery("argocd", application(name, status)))
    return deliveries


def flux_history(name: str, rng: random.Random, reconciles: int) -> list[Delivery]:
    deliveries: list[Delivery] = []
    moment = START
    revision = sha(name, 0)
    for number in range(reconciles):
        moment += timedelta(minutes=rng.randint(5, 300))
        if rng.random() < 0.3:
            revision = sha(name, number)
        if rng.random() < 0.15:
            event = flux_event(
                name, moment, revision=revision, severity="error", reason="HealthCheckFailed",
                message="health check failed after 30s: timeout waiting for Deployment/app",
            )  # fmt: skip
        else:
            seconds = rng.randint(1, 90)
            event = flux_event(
                name, moment, revision=revision, severity="info", reason="ReconciliationSucceeded",
                message=f"Reconciliation finished in {seconds}s, next run in 10m0s",
            )  # fmt: skip
        deliveries.append(Delivery("flux", event, cluster="prod-eu"))
    return deliveries


def history(seed: int = 7, *, apps: int = 3, syncs: int = 12) -> list[Delivery]:
    """Deliveries of ``apps`` Argo CD apps and ``apps`` Flux Kustomizations, in time order."""
    rng = random.Random(seed)
    deliveries: list[Delivery] = []
    for index in range(apps):
        deliveries += argocd_app_history(f"app-{index}", rng, syncs)
        deliveries += flux_history(f"kust-{index}", rng, syncs)
    return deliveries


def replayed(deliveries: list[Delivery], seed: int, duplicates: float = 0.1) -> list[Delivery]:
    """The deliveries with a share sent again (retries) and all shuffled (late arrivals)."""
    rng = random.Random(seed)
    again = [d for d in deliveries if rng.random() < duplicates]
    mixed = deliveries + again
    rng.shuffle(mixed)
    return mixed
