"""The chain an event batch extends is read from the database unless this process knows it
(:mod:`gitops_schema.store.chain_heads`): known while the object's row is the version this
process left, whoever writes in between (another process, a poll of the same object), and
then the store is the one written in order by one writer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, event

from gitops_schema.store import db, migrate
from gitops_schema.store.ingest import ingest
from gitops_schema.store.records import Observation, Origin
from gitops_schema.store.sources import flux

from .dump import dump
from .simulate import flux_event, sha, stamp

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _events(first: int, revisions: dict[str, int]) -> list[Observation]:
    """Two reconciles of each object from minute ``first`` on, at the given revisions."""
    return [
        flux.parse_event(
            flux_event(
                name,
                START + timedelta(minutes=first + step),
                revision=sha(revision),
                severity="info",
                reason="ReconciliationSucceeded",
                message=f"Reconciliation finished in {step + 1}s, next run in 10m0s",
            ),
            cluster="prod",
        )
        for step in range(2)
        for name, revision in revisions.items()
    ]


def _polled(name: str, minute: int, revision: int) -> Observation:
    """The Kustomization as the cluster poller reads it: Ready since ``minute``."""
    applied = f"main@sha1:{sha(revision)}"
    since = stamp(START + timedelta(minutes=minute))
    return flux.parse_object(
        {
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
            "kind": "Kustomization",
            "metadata": {"name": name, "namespace": "flux-system", "uid": sha("uid", name)},
            "status": {
                "lastAppliedRevision": applied,
                "conditions": [
                    {"type": "Ready", "status": "True", "lastTransitionTime": since,
                     "reason": "ReconciliationSucceeded", "message": f"Applied {applied}"},
                ],
            },
        },
        cluster="prod",
    )  # fmt: skip


# (writer, observations): "a" and "b" are two processes (two engines, each its own memory).
# Each revision is the previous one's again at the next step, so that a writer deriving
# from a chain it remembers wrongly adds a deployment the single writer does not.
_STEPS: list[tuple[str, list[Observation]]] = [
    ("a", _events(0, {"x": 1, "y": 1})),
    ("a", _events(10, {"x": 2, "y": 2})),
    ("b", _events(20, {"x": 3, "y": 2})),
    ("a", _events(30, {"x": 3, "y": 2})),
    ("b", [_polled("x", 40, 4)]),
    ("a", _events(50, {"x": 4, "y": 2})),
    ("a", _events(60, {"x": 4, "y": 5})),
]


def _helm_events(minute: int, version: str) -> list[Observation]:
    body = {
        "involvedObject": {"kind": "HelmRelease", "namespace": "apps", "name": "web",
                           "apiVersion": "helm.toolkit.fluxcd.io/v2"},
        "severity": "info",
        "timestamp": stamp(START + timedelta(minutes=minute)),
        "message": f"Helm upgrade succeeded for release apps/web with chart web@{version}",
        "reason": "UpgradeSucceeded",
        "metadata": {"helm.toolkit.fluxcd.io/revision": version},
    }  # fmt: skip
    return [flux.parse_event(body, cluster="prod")]


def _polled_release(ready_minute: int, deployed_minute: int, version: str) -> Observation:
    """A poll whose Ready condition is older than the events (the object's state is not
    written) but whose newest release is newer than them."""
    ready = stamp(START + timedelta(minutes=ready_minute))
    return flux.parse_object(
        {
            "apiVersion": "helm.toolkit.fluxcd.io/v2",
            "kind": "HelmRelease",
            "metadata": {"name": "web", "namespace": "apps"},
            "status": {
                "conditions": [{"type": "Ready", "status": "True", "reason": "Succeeded",
                                "lastTransitionTime": ready}],
                "history": [{"name": "web", "namespace": "apps", "version": 3,
                             "chartName": "web", "chartVersion": version, "status": "deployed",
                             "lastDeployed": stamp(START + timedelta(minutes=deployed_minute))}],
            },
        },
        cluster="prod",
    )  # fmt: skip


def test_a_poll_that_leaves_the_state_as_it_was_still_makes_the_chain_read_again(
    db_url: str, tmp_path: Any
) -> None:
    steps = [
        ("a", _helm_events(10, "1.0.0")),
        ("a", _helm_events(20, "1.0.0")),
        ("b", [_polled_release(1, 30, "2.0.0")]),
        ("a", _helm_events(40, "2.0.0")),
    ]
    _same_as_one_writer(db_url, tmp_path, steps)


def _same_as_one_writer(db_url: str, tmp_path: Any, steps: list[tuple[str, Any]]) -> None:
    """Writers ``a`` and ``b`` of one database taking ``steps`` store what one writer of
    another database stores."""
    writers = {name: db.create(db_url) for name in ("a", "b")}
    migrate.upgrade(writers["a"])
    reference = db.create(f"sqlite:///{tmp_path}/reference.db")
    migrate.upgrade(reference)
    try:
        for writer, observations in steps:
            ingest(writers[writer], observations, origin=Origin.WEBHOOK)
            ingest(reference, observations, origin=Origin.WEBHOOK)
        assert dump(writers["a"]) == dump(reference)
    finally:
        for engine in (*writers.values(), reference):
            engine.dispose()


def _chain_reads(engine: Engine) -> list[str]:
    reads: list[str] = []

    def seen(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "LEFT JOIN LATERAL" in statement or "AS b LEFT JOIN" in statement:
            reads.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    return reads


def test_two_writers_and_a_poll_between_batches_store_what_one_writer_does(
    db_url: str, tmp_path: Any
) -> None:
    _same_as_one_writer(db_url, tmp_path, _STEPS)


def test_the_chain_is_read_again_only_when_not_known(engine: Engine, db_url: str) -> None:
    ingest(engine, _events(0, {"x": 1, "y": 1}), origin=Origin.WEBHOOK)
    reads = _chain_reads(engine)
    ingest(engine, _events(10, {"x": 2, "y": 1}), origin=Origin.WEBHOOK)
    assert reads == []  # the rows are as this writer left them
    ingest(engine, _events(5, {"x": 3, "y": 1}), origin=Origin.WEBHOOK)  # late: read
    assert len(reads) == 1
    ingest(engine, _events(20, {"x": 3, "y": 1}), origin=Origin.WEBHOOK)  # after a late one
    assert len(reads) == 1
    other = db.create(db_url)  # another process (its own memory) writes
    try:
        ingest(other, _events(30, {"x": 4, "y": 1}), origin=Origin.WEBHOOK)
    finally:
        other.dispose()
    ingest(engine, _events(40, {"x": 4, "y": 1}), origin=Origin.WEBHOOK)
    assert len(reads) == 2
