"""A realistic simulated history of the ``examples/`` repository, for the demo and the dashboard.

The Applications are those the ApplicationSets of ``examples/`` generate (expanded offline, as
``appset generate`` does), the Flux Kustomizations those of ``examples/flux``. Over six weeks
of working days, commits land on ``main``; development environments follow within minutes,
staging once a day, production twice a week. Some syncs fail and are retried, some production
deployments turn Degraded and recover, Argo CD notifications arrive twice (its webhook
retries) and out of order. Every delivery goes through the store's own payload parsers and
idempotent ingest, exactly as webhooks would; the commits go to the store's ``commits``.
The simulation is seeded: the same call records the same history.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

import yaml
from sqlalchemy import Engine

from gitops_schema.appset import OfflineInputs, generate
from gitops_schema.desired.environments import DEFAULT_ENVIRONMENTS, environment_words
from gitops_schema.errors import UsageError
from gitops_schema.store.ingest import ingest
from gitops_schema.store.records import Origin
from gitops_schema.store.sources import argocd, flux
from gitops_schema.store.tables import commits

REPO_URL: Final = "https://git.example.org/platform/gitops-examples.git"
DAYS: Final = 42
FLUX_CLUSTERS: Final = {
    "dev": "dev-eu-west-1",
    "test": "dev-eu-west-1",
    "staging": "staging-eu-west-1",
    "prod": "prod-eu-central-1",
}
AUTHORS: Final = ("ada", "grace", "linus", "margaret", "ken")


def _sha(*parts: object) -> str:
    return hashlib.sha1("/".join(map(str, parts)).encode()).hexdigest()


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Target:
    """One GitOps object of the demo: an Argo CD Application or a Flux Kustomization."""

    tool: str
    name: str
    environment: str
    cluster: str
    definition: dict[str, Any]
    deployed: str | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    syncs: int = 0

    def remember(self, revision: str, started: datetime, finished: datetime) -> None:
        """A successful sync in ``status.history``, which keeps the newest ten."""
        self.history = [
            *self.history,
            {
                "id": self.syncs,
                "revision": revision,
                "deployStartedAt": _stamp(started),
                "deployedAt": _stamp(finished),
            },
        ][-10:]
        self.syncs += 1


def _cluster_names(examples: Path) -> dict[str, str]:
    names = {}
    for path in sorted((examples / "argocd" / "clusters").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        secret = data.get("stringData") or {}
        if secret.get("server") and secret.get("name"):
            names[str(secret["server"])] = str(secret["name"])
    return names


def targets(examples: Path) -> tuple[list[Target], dict[str, str]]:
    """The objects of ``examples/`` to simulate, and Argo CD's server -> cluster names."""
    if not (examples / "argocd").is_dir():
        raise UsageError(f"{examples}: not the examples/ repository (no argocd/ folder)")
    names = _cluster_names(examples)
    offline = examples / "offline"
    inputs = OfflineInputs(
        repo=examples,
        scm_data=(offline / "pull-requests.json", offline / "scm-repos.json"),
        resources=(offline / "placement-decision.yaml",),
    )
    result = generate([examples / "argocd", examples / "case3"], inputs)
    found = []
    for expansion in result.expansions:
        for generated in expansion.applications:
            app = generated.application
            destination = app.get("spec", {}).get("destination", {})
            cluster = destination.get("name") or names.get(destination.get("server", ""), "")
            environment = environment_words(app["metadata"]["name"], DEFAULT_ENVIRONMENTS)
            environment = environment or environment_words(cluster, DEFAULT_ENVIRONMENTS)
            if environment is None or not cluster:
                continue  # previews and the like: no environment to deploy to on a cadence
            found.append(Target("argocd", app["metadata"]["name"], environment, cluster, app))
    for path in sorted((examples / "flux" / "kustomizations").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        name = str(data.get("metadata", {}).get("name", ""))
        environment = environment_words(name, FLUX_CLUSTERS)
        if environment is not None:
            found.append(Target("flux", name, environment, FLUX_CLUSTERS[environment], data))
    return found, names


@dataclass(frozen=True)
class Commit:
    """A simulated commit on ``main``."""

    sha: str
    parent: str | None
    author: str
    at: datetime
    message: str


def _commits(rng: random.Random, start: datetime) -> list[Commit]:
    made: list[Commit] = []
    for day in range(DAYS):
        moment = start + timedelta(days=day)
        if moment.weekday() >= 5:
            continue
        for _ in range(rng.randint(2, 6)):
            at = moment + timedelta(hours=rng.uniform(8, 18))
            author = rng.choice(AUTHORS)
            parent = made[-1].sha if made else None
            made.append(
                Commit(_sha("commit", len(made)), parent, author, at, f"change {len(made)}")
            )
    made.sort(key=lambda c: c.at)
    # parents follow time order after sorting
    return [
        Commit(c.sha, made[i - 1].sha if i else None, c.author, c.at, c.message)
        for i, c in enumerate(made)
    ]


def _head(history: list[Commit], moment: datetime) -> Commit | None:
    before = [c for c in history if c.at <= moment]
    return before[-1] if before else None


def _sync_times(target: Target, rng: random.Random, start: datetime) -> Iterator[datetime]:
    """When the object syncs: dev after most pushes, staging daily, production Tue and Thu."""
    for day in range(DAYS):
        moment = start + timedelta(days=day)
        if moment.weekday() >= 5:
            continue
        if target.environment in ("dev", "test", "qa"):
            for hour in (10, 15):
                if rng.random() < 0.6:
                    yield moment + timedelta(hours=hour, minutes=rng.uniform(0, 50))
        elif target.environment == "staging":
            yield moment + timedelta(hours=17, minutes=rng.uniform(0, 30))
        elif moment.weekday() in (1, 3):
            yield moment + timedelta(hours=10, minutes=rng.uniform(0, 40))


@dataclass
class Delivery:
    """One webhook body as its sender posts it (Flux also names its cluster)."""

    tool: str
    body: dict[str, Any]
    cluster: str = ""


def _argocd_body(target: Target, status: dict[str, Any]) -> dict[str, Any]:
    app = dict(target.definition)
    app["status"] = status
    return {"app": app}


def _argocd_syncs(
    target: Target, history: list[Commit], rng: random.Random, start: datetime
) -> Iterator[Delivery]:
    health_since = start
    for moment in _sync_times(target, rng, start):
        head = _head(history, moment)
        if head is None:
            continue
        attempts = [("Failed" if rng.random() < 0.08 else "Succeeded")]
        if attempts[0] == "Failed":
            attempts.append("Succeeded")
        begin = moment
        for phase in attempts:
            seconds = rng.randint(5, 30) if phase == "Failed" else rng.randint(8, 95)
            end = begin + timedelta(seconds=seconds)
            operation = {
                "phase": phase,
                "startedAt": _stamp(begin),
                "finishedAt": _stamp(end),
                "message": "successfully synced (all tasks run)"
                if phase == "Succeeded"
                else "one or more synchronization tasks completed unsuccessfully",
                "operation": {"sync": {"revision": head.sha}, "initiatedBy": {"automated": True}},
                "syncResult": {"revision": head.sha},
            }
            if phase == "Succeeded":
                target.remember(head.sha, begin, end)
            health = "Healthy"
            if phase == "Succeeded" and target.deployed != head.sha:
                health_since = end + timedelta(seconds=20)
                target.deployed = head.sha
            status = {
                "operationState": operation,
                "history": list(target.history),
                "sync": {
                    "status": "Synced" if phase == "Succeeded" else "OutOfSync",
                    "revision": head.sha,
                },
                "health": {"status": health, "lastTransitionTime": _stamp(health_since)},
                "reconciledAt": _stamp(end),
            }
            delivery = Delivery("argocd", _argocd_body(target, status))
            yield delivery
            if rng.random() < 0.05:
                yield delivery  # the notification webhook retried
            begin = end + timedelta(minutes=rng.uniform(2, 10))
        if target.environment == "prod" and rng.random() < 0.07:
            yield from _degraded(target, status, end, rng)


def _degraded(
    target: Target, status: dict[str, Any], synced: datetime, rng: random.Random
) -> Iterator[Delivery]:
    """A production deployment that turns Degraded and recovers with a new sync."""
    broken = synced + timedelta(minutes=rng.uniform(5, 30))
    yield Delivery(
        "argocd",
        _argocd_body(
            target,
            {
                **status,
                "health": {
                    "status": "Degraded",
                    "lastTransitionTime": _stamp(broken),
                    "message": "Deployment exceeded its progress deadline",
                },
            },
        ),
    )
    fixed = broken + timedelta(minutes=rng.uniform(15, 120))
    revision = status["sync"]["revision"]
    operation = {
        "phase": "Succeeded",
        "startedAt": _stamp(fixed),
        "finishedAt": _stamp(fixed + timedelta(seconds=40)),
        "message": "successfully synced (all tasks run)",
        "operation": {"sync": {"revision": revision}, "initiatedBy": {"username": "oncall"}},
        "syncResult": {"revision": revision},
    }
    target.remember(revision, fixed, fixed + timedelta(seconds=40))
    yield Delivery(
        "argocd",
        _argocd_body(
            target,
            {
                **status,
                "operationState": operation,
                "history": list(target.history),
                "health": {
                    "status": "Healthy",
                    "lastTransitionTime": _stamp(fixed + timedelta(seconds=60)),
                },
            },
        ),
    )


def _flux_event(target: Target, moment: datetime, revision: str, **fields: str) -> Delivery:
    body = {
        "involvedObject": {
            "kind": "Kustomization",
            "namespace": "flux-system",
            "name": target.name,
            "uid": _sha("uid", target.name),
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
        },
        "timestamp": _stamp(moment),
        "metadata": {"kustomize.toolkit.fluxcd.io/revision": f"main@sha1:{revision}"},
        "reportingController": "kustomize-controller",
        **fields,
    }
    return Delivery("flux", body, target.cluster)


def _flux_reconciles(
    target: Target, history: list[Commit], rng: random.Random, start: datetime
) -> Iterator[Delivery]:
    for moment in _sync_times(target, rng, start):
        head = _head(history, moment)
        if head is None:
            continue
        if rng.random() < 0.08:
            yield _flux_event(
                target,
                moment,
                head.sha,
                severity="error",
                reason="HealthCheckFailed",
                message="health check failed after 2m0s: timeout waiting for: "
                "[Deployment/payment-service status: 'InProgress']",
            )
            moment += timedelta(minutes=rng.uniform(5, 15))
        seconds = rng.uniform(3, 60)
        delivery = _flux_event(
            target,
            moment,
            head.sha,
            severity="info",
            reason="ReconciliationSucceeded",
            message=f"Reconciliation finished in {seconds:.1f}s, next run in 10m0s",
        )
        yield delivery
        if rng.random() < 0.05:
            yield delivery  # notification-controller retried


def simulate(
    examples: Path, *, end: datetime, seed: int = 7
) -> tuple[list[Commit], list[Delivery], dict[str, str]]:
    """The commits and deliveries of the six weeks before ``end``, in arrival order."""
    rng = random.Random(seed)
    start = (end - timedelta(days=DAYS)).replace(hour=0, minute=0, second=0, microsecond=0)
    found, names = targets(examples)
    history = _commits(rng, start)
    deliveries: list[Delivery] = []
    for target in found:
        if target.tool == "argocd":
            deliveries.extend(_argocd_syncs(target, history, rng, start))
        else:
            deliveries.extend(_flux_reconciles(target, history, rng, start))
    # late arrivals: a few deliveries are held back by a few positions
    for index in range(len(deliveries) - 1, 0, -1):
        if rng.random() < 0.03:
            swap = max(0, index - rng.randint(1, 5))
            deliveries[index], deliveries[swap] = deliveries[swap], deliveries[index]
    return history, deliveries, names


def record_demo(engine: Engine, examples: Path, *, end: datetime, seed: int = 7) -> int:
    """Record the simulated history of ``examples/`` into ``engine``'s store.

    Returns how many deliveries were ingested.
    """
    history, deliveries, names = simulate(examples, end=end, seed=seed)
    with engine.begin() as connection:
        connection.execute(
            commits.insert(),
            [
                {
                    "repo": REPO_URL,
                    "sha": c.sha,
                    "parents": [c.parent] if c.parent else [],
                    "author_name": c.author,
                    "author_email": f"{c.author}@example.org",
                    "authored_at": c.at,
                    "committer_name": c.author,
                    "committer_email": f"{c.author}@example.org",
                    "committed_at": c.at,
                    "message": c.message,
                    "files": [],
                }
                for c in history
            ],
        )
    batch = []
    for delivery in deliveries:
        if delivery.tool == "argocd":
            batch.append(argocd.parse_webhook(delivery.body, cluster_names=names))
        else:
            batch.append(flux.parse_event(delivery.body, cluster=delivery.cluster))
        if len(batch) == 500:
            ingest(engine, batch, origin=Origin.WEBHOOK)
            batch = []
    if batch:
        ingest(engine, batch, origin=Origin.WEBHOOK)
    return len(deliveries)
