from __future__ import annotations

import itertools
import socket
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import OperationalError

from gitops_schema.store import db, migrate
from gitops_schema.store.ingest import ingest
from gitops_schema.store.records import Observation, Origin
from gitops_schema.store.sources import argocd, flux
from gitops_schema.store.tables import deployments, health_transitions, sync_operations

from .dump import dump
from .simulate import Delivery, application, flux_event, history, replayed, sha, stamp
from .test_sources import helm_event


def observe(delivery: Delivery) -> Observation:
    if delivery.tool == "argocd":
        return argocd.parse_webhook(delivery.body)
    return flux.parse_event(delivery.body, cluster=delivery.cluster)


def feed(engine: Engine, deliveries: list[Delivery], batch: int = 1) -> None:
    for start in range(0, len(deliveries), batch):
        chunk = [observe(d) for d in deliveries[start : start + batch]]
        ingest(engine, chunk, origin=Origin.WEBHOOK)


def at(text_time: str) -> datetime:
    return datetime.fromisoformat(text_time.replace("Z", "+00:00")).astimezone(UTC)


def test_replay_in_any_order_with_duplicates_stores_the_same(
    engine: Engine, tmp_path: object
) -> None:
    deliveries = history(seed=3, apps=2, syncs=10)
    feed(engine, deliveries)
    expected = dump(engine)
    assert expected["deployments"], "the simulated history has deployments"
    # Once more, shuffled with retries, in batches: nothing changes.
    feed(engine, replayed(deliveries, seed=5), batch=7)
    assert dump(engine) == expected


def test_shuffled_store_equals_time_ordered_store_on_both_engines(
    engine: Engine, tmp_path: object, postgres_server: object
) -> None:
    deliveries = history(seed=11, apps=2, syncs=10)
    feed(engine, replayed(deliveries, seed=1, duplicates=0.2), batch=5)
    reference = db.create(f"sqlite:///{tmp_path}/reference.db")  # type: ignore[str-bytes-safe]
    migrate.upgrade(reference)
    feed(reference, deliveries)
    assert dump(engine) == dump(reference)


def test_deployments_are_revision_changes_of_successful_operations(engine: Engine) -> None:
    deliveries = history(seed=4, apps=2, syncs=14)
    feed(engine, replayed(deliveries, seed=9), batch=3)
    # The definition, as one window query: the revision differs from the previous success.
    definition = text(
        """
        SELECT object_id, revision, started_at FROM (
            SELECT object_id, revision, started_at, LAG(revision) OVER (
                PARTITION BY object_id ORDER BY finished_at, started_at, digest
            ) AS previous
            FROM sync_operations WHERE phase = 'Succeeded'
        ) ordered WHERE previous IS NULL OR previous <> revision
        """
    )
    with engine.connect() as connection:
        expected = sorted(
            (row.object_id, row.revision, str(row.started_at)[:19])
            for row in connection.execute(definition)
        )
        stored = sorted(
            (row.object_id, row.revision, row.started_at.strftime("%Y-%m-%d %H:%M:%S"))
            for row in connection.execute(select(deployments))
        )
    assert stored == expected


def test_history_entry_and_operation_state_are_one_deployment(engine: Engine) -> None:
    revision = sha("one")
    operation = {
        "phase": "Succeeded",
        "startedAt": "2026-03-02T10:00:00Z",
        "finishedAt": "2026-03-02T10:01:00Z",
        "syncResult": {"revision": revision},
    }
    # Old Argo CD: no deployStartedAt, deployedAt a second before finishedAt.
    entry = {"id": 1, "revision": revision, "deployedAt": "2026-03-02T10:00:59Z"}
    with_history = application("one", {"history": [entry]})
    with_state = application("one", {"operationState": operation})
    for order in ([with_history, with_state], [with_state, with_history]):
        url = engine.url
        ingest(engine, [argocd.parse_webhook(order[0])], origin=Origin.WEBHOOK)
        ingest(engine, [argocd.parse_webhook(order[1])], origin=Origin.WEBHOOK)
        with engine.connect() as connection:
            rows = connection.execute(select(sync_operations)).all()
            deployed = connection.execute(select(deployments)).all()
        assert len(rows) == 1 and len(deployed) == 1, url
        row = rows[0]
        assert row.started_at == at("2026-03-02T10:00:00Z")
        assert row.finished_at == at("2026-03-02T10:01:00Z")
        assert row.deployed_at == at("2026-03-02T10:00:59Z")
        assert row.duration_seconds == 60.0
        with engine.begin() as connection:
            connection.execute(deployments.delete())
            connection.execute(sync_operations.delete())


def test_an_entry_naming_two_stored_rows_folds_them_into_one(engine: Engine) -> None:
    # An unpaired operationState and a history entry without deployStartedAt, then an entry
    # with both deployedAt and deployStartedAt: by the natural keys all three are one sync.
    revision = sha("fold")
    operation = {
        "phase": "Succeeded",
        "startedAt": "2020-01-01T00:00:00Z",
        "finishedAt": "2020-01-01T00:00:00Z",
        "syncResult": {"revision": revision},
    }
    old_entry = {"id": 1, "revision": revision, "deployedAt": "2020-01-01T02:00:00Z"}
    new_entry = {**old_entry, "deployStartedAt": "2020-01-01T00:00:00Z"}
    payloads = [
        application("db", {"operationState": operation}),
        application("db", {"history": [old_entry]}),
        application("db", {"history": [new_entry]}),
    ]
    for order in itertools.permutations(payloads):
        for payload in order:
            ingest(engine, [argocd.parse_webhook(payload)], origin=Origin.WEBHOOK)
        with engine.connect() as connection:
            rows = connection.execute(select(sync_operations)).all()
            deployed = connection.execute(select(deployments)).all()
        assert len(rows) == 1 and len(deployed) == 1
        assert rows[0].started_at == at("2020-01-01T00:00:00Z")
        assert rows[0].deployed_at == at("2020-01-01T02:00:00Z")
        with engine.begin() as connection:
            connection.execute(deployments.delete())
            connection.execute(sync_operations.delete())


def test_running_then_succeeded_in_either_order(engine: Engine) -> None:
    revision = sha("r")
    running = {"phase": "Running", "startedAt": "2026-03-02T10:00:00Z"}
    done = {**running, "phase": "Succeeded", "finishedAt": "2026-03-02T10:00:40Z",
            "syncResult": {"revision": revision}}  # fmt: skip
    ingest(engine, [argocd.parse_webhook(application("a", {"operationState": done}))],
           origin=Origin.WEBHOOK)  # fmt: skip
    ingest(engine, [argocd.parse_webhook(application("a", {"operationState": running}))],
           origin=Origin.WEBHOOK)  # fmt: skip
    with engine.connect() as connection:
        (row,) = connection.execute(select(sync_operations)).all()
        assert connection.execute(select(func.count()).select_from(deployments)).scalar() == 1
    assert (row.phase, row.revision, row.duration_seconds) == ("Succeeded", revision, 40.0)


def test_a_late_operation_moves_the_deployment_to_it(engine: Engine) -> None:
    a, b = sha("a"), sha("b")

    def event(minute: int, revision: str) -> Observation:
        body = flux_event(
            "k", at(f"2026-03-02T10:{minute:02d}:00Z"), revision=revision, severity="info",
            reason="ReconciliationSucceeded", message="Reconciliation finished in 2s",
        )  # fmt: skip
        return flux.parse_event(body, cluster="c")

    for minute, revision in ((0, a), (30, b)):
        ingest(engine, [event(minute, revision)], origin=Origin.WEBHOOK)
    # The reconcile of b at 10:20 arrives last: the deployment of b is then at 10:20.
    ingest(engine, [event(20, b)], origin=Origin.WEBHOOK)
    with engine.connect() as connection:
        rows = connection.execute(select(deployments).order_by(deployments.c.finished_at)).all()
    assert [(r.revision, r.previous_revision, r.finished_at.minute) for r in rows] == [
        (a, None, 0),
        (b, a, 20),
    ]


def _health(status: str, time_of_day: str, *, exact: bool) -> Observation:
    """An Application whose health is ``status``: since then (exact) or seen then."""
    stamped = stamp(at(f"2026-03-02T{time_of_day}Z"))
    if exact:
        return argocd.parse_webhook(
            application("h", {"health": {"status": status, "lastTransitionTime": stamped}})
        )
    return argocd.parse_webhook(
        application("h", {"health": {"status": status}, "reconciledAt": stamped})
    )


@pytest.mark.parametrize(
    "samples",
    [
        # Degraded at 11:00, Healthy at 12:00, seen Degraded again at 13:00
        [("Degraded", "11:00:00", True), ("Healthy", "12:00:00", True),
         ("Degraded", "13:00:00", False)],
        # Healthy from 10:01, Degraded at 11:00, seen Healthy at 12:00 and 12:30
        [("Healthy", "10:01:00", True), ("Degraded", "11:00:00", True),
         ("Healthy", "12:00:00", False), ("Healthy", "12:30:00", False)],
        # seen Healthy twice, then Degraded: the second look is no change, yet kept
        [("Healthy", "10:05:00", False), ("Healthy", "10:10:00", False),
         ("Degraded", "10:20:00", False)],
    ],
)  # fmt: skip
def test_health_samples_stored_alike_in_every_order_of_arrival(
    engine: Engine, samples: list[tuple[str, str, bool]]
) -> None:
    """Each order of arrival stores every sample, so no transition hangs on the order."""
    stored = set()
    for order in itertools.permutations(samples):
        with engine.begin() as connection:
            connection.execute(health_transitions.delete())
        for status, time_of_day, exact in order:
            ingest(engine, [_health(status, time_of_day, exact=exact)], origin=Origin.POLL)
        with engine.connect() as connection:
            rows = connection.execute(
                select(health_transitions).order_by(health_transitions.c.transitioned_at)
            ).all()
        stored.add(tuple((r.status, r.transitioned_at.strftime("%H:%M:%S"), r.exact) for r in rows))
    assert stored == {tuple(sorted(samples, key=lambda sample: sample[1]))}


def test_an_exact_health_sample_replaces_one_seen_at_its_time(engine: Engine) -> None:
    for exact in (False, True, False):
        ingest(engine, [_health("Degraded", "11:00:00", exact=exact)], origin=Origin.POLL)
    with engine.connect() as connection:
        rows = connection.execute(select(health_transitions)).all()
    assert [(r.status, r.exact) for r in rows] == [("Degraded", True)]


def test_seed_views_answer_the_seed_queries(engine: Engine) -> None:
    feed(engine, history(seed=2, apps=1, syncs=6))
    with engine.connect() as connection:
        stats = connection.execute(
            text(
                "SELECT status, COUNT(*) AS n, AVG(duration_seconds) AS avg_s "
                "FROM argocd_sync_history GROUP BY status ORDER BY status"
            )
        ).all()
        apps = connection.execute(
            text("SELECT name, sync_status, health_status FROM argocd_applications")
        ).all()
        flux_rows = connection.execute(
            text("SELECT config_name, COUNT(*) FROM flux_sync_history GROUP BY config_name")
        ).all()
        configs = connection.execute(text("SELECT name, type FROM flux_configs")).all()
    assert {row.status for row in stats} <= {"Succeeded", "Failed"}
    assert sum(row.n for row in stats) == 6
    assert [row.name for row in apps] == ["app-0"]
    assert flux_rows == [("kust-0", 6)]
    assert configs == [("kust-0", "Kustomization")]


def test_helm_releases_are_deployments_as_helm_controller_reports_them(engine: Engine) -> None:
    start = datetime(2026, 3, 2, 10, tzinfo=UTC)
    events = [
        (0, "InstallSucceeded", "6.6.0", "info"),
        (5, "TestSucceeded", "6.6.0", "info"),
        (60, "UpgradeFailed", "6.6.1", "error"),
        (90, "UpgradeSucceeded", "6.6.1", "info"),
        (120, "RollbackSucceeded", "6.6.0", "info"),
    ]
    bodies = [
        helm_event(start + timedelta(minutes=minutes), reason, version, severity)
        for minutes, reason, version, severity in events
    ]
    observations = [flux.parse_event(body, cluster="c") for body in reversed(bodies)]
    ingest(engine, observations, origin=Origin.WEBHOOK)
    with engine.connect() as connection:
        made = deployments.c
        chosen = (made.revision, made.previous_revision, made.finished_at)
        rows = connection.execute(select(*chosen).order_by(made.finished_at)).all()
        phases = connection.execute(
            select(sync_operations.c.phase).order_by(sync_operations.c.finished_at)
        ).scalars().all()  # fmt: skip
    assert [tuple(row) for row in rows] == [
        ("6.6.0", None, start),
        ("6.6.1", "6.6.0", start + timedelta(minutes=90)),
        ("6.6.0", "6.6.1", start + timedelta(minutes=120)),
    ]
    assert phases == ["Succeeded", "Succeeded", "Failed", "Succeeded", "Succeeded"]


def test_a_writer_stuck_in_its_turn_does_not_stop_the_others(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gitops_schema.store import ingest as module

    monkeypatch.setattr(module, "TURN_SECONDS", 0.05)
    deliveries = history(seed=2, apps=1, syncs=2)
    with module._writer_turn(engine):  # held, as by a writer waiting on a dead database
        counts = ingest(engine, [observe(d) for d in deliveries], origin=Origin.WEBHOOK)
    assert counts.operations_inserted > 0


def test_a_postgresql_server_that_never_answers_times_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(db, "CONNECT_SECONDS", 2)  # libpq's smallest
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        engine = db.create(f"postgresql://nobody@127.0.0.1:{port}/history")
        started = time.monotonic()
        with pytest.raises(OperationalError):
            engine.connect()
        assert time.monotonic() - started < 10
        engine.dispose()
