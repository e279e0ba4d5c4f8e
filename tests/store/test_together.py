"""Deliveries of Flux events written together (one transaction for the deliveries that waited
for the same writer's turn): the same store as writing them one by one, each delivery's own
counts and time of arrival, and one refused delivery refusing no other."""

from __future__ import annotations

import random
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, select

from gitops_schema.store import db, migrate
from gitops_schema.store import ingest as module
from gitops_schema.store.ingest import ingest, ingest_together
from gitops_schema.store.records import Observation, Origin
from gitops_schema.store.sources import flux
from gitops_schema.store.tables import sync_operations

from .dump import dump
from .simulate import flux_history

ARRIVED = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)


def _reference(tmp_path: Any) -> Engine:
    reference = db.create(f"sqlite:///{tmp_path}/reference.db")
    migrate.upgrade(reference)
    return reference


def _deliveries(seed: int, size: int) -> list[list[Observation]]:
    """Flux event deliveries of three objects, a third retried, shuffled, ``size`` each."""
    rng = random.Random(seed)
    events = [
        flux.parse_event(delivery.body, cluster=delivery.cluster)
        for name in ("a", "b", "c")
        for delivery in flux_history(f"kust-{name}", rng, 10)
    ]
    mixed = events + [event for event in events if rng.random() < 0.3]
    rng.shuffle(mixed)
    return [mixed[start : start + size] for start in range(0, len(mixed), size)]


def test_written_together_equals_written_one_by_one(engine: Engine, tmp_path: Any) -> None:
    deliveries = _deliveries(seed=5, size=7)
    arrivals = [ARRIVED + timedelta(seconds=index) for index in range(len(deliveries))]
    counts = ingest_together(engine, deliveries, origin=Origin.WEBHOOK, received_at=arrivals)
    reference = _reference(tmp_path)
    alone = [
        ingest(reference, delivery, origin=Origin.WEBHOOK, received_at=arrived)
        for delivery, arrived in zip(deliveries, arrivals, strict=True)
    ]
    assert dump(engine) == dump(reference)
    # Each delivery has its own counts: what it sent, inserted or already there.
    for together, one_by_one, delivery in zip(counts, alone, deliveries, strict=True):
        assert together.objects == len(delivery)
        sent = sum(len(observation.operations) for observation in delivery)
        assert together.operations_inserted + together.operations_unchanged == sent
        assert together.operations_inserted == one_by_one.operations_inserted
    assert sum(c.deployments for c in counts) > 0
    # A row keeps the time of arrival of the delivery that brought it first.
    with engine.connect() as connection:
        arrived = {
            (row.digest, row.received_at) for row in connection.execute(select(sync_operations))
        }
    first: dict[str, datetime] = {}
    for delivery, moment in zip(deliveries, arrivals, strict=True):
        for observation in delivery:
            for operation in observation.operations:
                first.setdefault(operation.digest, moment)
    assert arrived == set(first.items())
    reference.dispose()


def test_concurrent_writers_store_everything_once(engine: Engine, tmp_path: Any) -> None:
    deliveries = _deliveries(seed=9, size=5)
    start = threading.Barrier(len(deliveries))
    failures: list[BaseException] = []

    def send(delivery: list[Observation]) -> None:
        start.wait()
        try:
            ingest(engine, delivery, origin=Origin.WEBHOOK, received_at=ARRIVED)
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=send, args=(delivery,)) for delivery in deliveries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    reference = _reference(tmp_path)
    for delivery in deliveries:
        ingest(reference, delivery, origin=Origin.WEBHOOK, received_at=ARRIVED)
    assert dump(engine) == dump(reference)
    reference.dispose()


def test_one_refused_delivery_refuses_no_other(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    good, bad, other = _deliveries(seed=3, size=4)[:3]
    real = module.ingest_together

    def refusing(engine: Engine, deliveries: Any, **options: Any) -> Any:
        if any(delivery is bad for delivery in deliveries):
            raise ValueError("refused")
        return real(engine, deliveries, **options)

    monkeypatch.setattr(module, "ingest_together", refusing)
    taken = [module._Delivery(d, Origin.WEBHOOK, ARRIVED) for d in (good, bad, other)]
    module._write_taken(engine, taken)
    assert all(delivery.done.is_set() for delivery in taken)
    assert isinstance(taken[1].error, ValueError)
    assert taken[0].error is None and taken[2].error is None
    assert taken[0].counts is not None and taken[2].counts is not None
    with engine.connect() as connection:
        stored = {row.digest for row in connection.execute(select(sync_operations))}
    expected = {op.digest for o in good + other for op in o.operations}
    assert stored == expected


def test_a_writer_takes_the_oldest_waiting_deliveries_of_one_origin_that_fit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(module, "TOGETHER_EVENTS", 10)

    def event(minute: int) -> Observation:
        return flux.parse_event(
            {
                "involvedObject": {"kind": "Kustomization", "name": "a", "namespace": "n"},
                "severity": "info",
                "timestamp": f"2026-03-02T10:{minute:02d}:00Z",
                "reason": "ReconciliationSucceeded",
                "message": "ok",
            },
            cluster="c",
        )

    def delivery(minute: int, size: int, origin: Origin = Origin.WEBHOOK) -> Any:
        return module._Delivery([event(minute + i) for i in range(size)], origin, ARRIVED)

    newest, polled, large, oldest, middle = (
        delivery(50, 3), delivery(5, 1, Origin.POLL), delivery(30, 8), delivery(10, 4),
        delivery(20, 3),
    )  # fmt: skip
    waiting = [newest, polled, large, oldest, middle]
    # The oldest is the polled one: its origin only.
    assert module._take(waiting) == [polled]
    # Then the oldest of the webhooks and the next ones while 10 events at most.
    assert module._take(waiting) == [oldest, middle]
    assert waiting == [newest, large]
    assert module._take(waiting) == [large]  # 8 + 3 > 10
    assert module._take(waiting) == [newest]
    assert module._take(waiting) == []


def _success(name: str, minute: int, revision: str) -> Observation:
    return flux.parse_event(
        {
            "involvedObject": {"kind": "Kustomization", "name": name, "namespace": "flux"},
            "severity": "info",
            "timestamp": f"2026-03-02T10:{minute:02d}:00Z",
            "reason": "ReconciliationSucceeded",
            "message": "Reconciliation finished in 2s, next run in 10m0s",
            "metadata": {"kustomize.toolkit.fluxcd.io/revision": f"main@sha1:{revision * 40}"},
        },
        cluster="c",
    )


def test_a_late_batch_moves_changes_and_drops_deployments(engine: Engine, tmp_path: Any) -> None:
    # x: A, C (deployed after A) then B late: B is deployed, C's previous revision changes.
    # y: A, B, B then a late B between the two Bs' predecessor and them: the deployment
    # moves to the late one.
    early = [_success("x", 1, "a"), _success("x", 5, "c"), _success("y", 1, "a")]
    early += [_success("y", 5, "b"), _success("y", 7, "b")]
    late = [_success("x", 3, "b"), _success("y", 3, "b"), _success("y", 6, "b")]
    ingest(engine, early, origin=Origin.WEBHOOK, received_at=ARRIVED)
    counts = ingest(engine, late, origin=Origin.WEBHOOK, received_at=ARRIVED)
    assert counts.deployments == 2  # x's B and y's moved one
    reference = _reference(tmp_path)
    for observation in sorted(early + late, key=lambda o: o.operations[0].started_at):
        ingest(reference, [observation], origin=Origin.WEBHOOK, received_at=ARRIVED)
    assert dump(engine) == dump(reference)
    reference.dispose()


def test_parsers_wait_while_the_writer_runs_python(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = module.PARSERS_MAY_RUN
    seen: dict[str, list[bool]] = {"python": [], "statement": []}
    real = module.write_events

    def write_events(*args: Any) -> None:
        seen["python"].append(gate.is_set())
        real(*args)

    monkeypatch.setattr(module, "write_events", write_events)
    module._turn(engine)  # its listeners first, then this one

    def statement(*_: Any) -> None:
        seen["statement"].append(gate.is_set())

    event.listen(engine, "before_cursor_execute", statement)
    ingest(engine, _deliveries(seed=4, size=6)[0], origin=Origin.WEBHOOK)
    event.remove(engine, "before_cursor_execute", statement)
    assert seen["python"] == [False]  # parsers wait while the writer runs Python...
    assert seen["statement"] and all(seen["statement"])  # ...and run while it waits
    assert gate.is_set()
    started = time.monotonic()
    module.give_way()  # no writer: no wait
    assert time.monotonic() - started < module.PARSER_WAIT_SECONDS


def _transactions(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of deliveries each transaction of events writes, as they are written."""
    calls: list[int] = []
    real = module.ingest_together

    def counting(engine: Engine, deliveries: Any, **options: Any) -> Any:
        calls.append(len(deliveries))
        return real(engine, deliveries, **options)

    monkeypatch.setattr(module, "ingest_together", counting)
    return calls


def test_a_writer_waits_for_the_deliveries_being_parsed(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "GATHER_SECONDS", 5.0)
    first, second = _deliveries(seed=6, size=5)[:2]
    calls = _transactions(monkeypatch)
    parsing = threading.Event()

    def parser() -> None:
        with module.arriving():  # being parsed while the other delivery's writer waits
            parsing.set()
            time.sleep(0.2)
            ingest(engine, second, origin=Origin.WEBHOOK, received_at=ARRIVED)

    thread = threading.Thread(target=parser)
    thread.start()
    parsing.wait()
    ingest(engine, first, origin=Origin.WEBHOOK, received_at=ARRIVED)
    thread.join()
    assert calls == [2]  # one transaction for both
    with module.arriving():  # a refused delivery is never waited for
        pass
    started = time.monotonic()
    ingest(engine, first, origin=Origin.WEBHOOK, received_at=ARRIVED)
    assert time.monotonic() - started < 1


def test_a_writer_waits_for_deliveries_still_being_received(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "GATHER_SECONDS", 5.0)
    first, second = _deliveries(seed=7, size=5)[:2]
    calls = _transactions(monkeypatch)
    ticket = module.expect()  # its body is being read: nothing parsed yet

    def parser() -> None:
        time.sleep(0.2)
        with module.arriving(ticket):
            ingest(engine, second, origin=Origin.WEBHOOK, received_at=ARRIVED)

    thread = threading.Thread(target=parser)
    thread.start()
    ingest(engine, first, origin=Origin.WEBHOOK, received_at=ARRIVED)
    thread.join()
    assert calls == [2]  # one transaction for both
    refused = module.expect()
    module.received(refused)  # refused before parsing: never waited for
    module.received(refused)  # (given up twice: the request's own end and its parser's)
    started = time.monotonic()
    ingest(engine, first, origin=Origin.WEBHOOK, received_at=ARRIVED)
    assert time.monotonic() - started < 1
