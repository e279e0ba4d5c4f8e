"""Flux events in batches: the objects' derived state and deployments whatever the order.

The batch path writes an object's revision (its newest success's) and sync status (its
newest outcome's) with its state in one statement; on PostgreSQL they are derived from the
newest stored rows and the inserted ones. Here the stored columns are checked against their
definition read back from the operations, after shuffled batches with retries, ties in time,
failures newer than successes, and progress events that carry no outcome.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select

from gitops_schema.store import db, event_sql, migrate
from gitops_schema.store.ingest import ingest
from gitops_schema.store.records import Origin
from gitops_schema.store.sources import flux
from gitops_schema.store.tables import objects, sync_operations

from .dump import dump
from .simulate import START, flux_event, sha


def _events(seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    found = []
    for index in range(60):
        name = f"k{rng.randrange(3)}"
        moment = START + timedelta(minutes=rng.randrange(20))  # ties in time happen
        outcome = rng.choice(["ok", "ok", "failed", "progress"])
        severity, reason, message = {
            "ok": ("info", "ReconciliationSucceeded", f"Reconciliation finished in {index}s"),
            "failed": ("error", "ReconciliationFailed", f"apply failed {index}"),
            "progress": ("info", "Progressing", f"applying {index}"),
        }[outcome]
        revision = sha(name, rng.randrange(4))
        found.append(
            flux_event(
                name, moment, revision=revision, severity=severity, reason=reason, message=message
            )
        )
    return found


def _feed(engine: Engine, events: list[dict[str, Any]], batch: int) -> None:
    for start in range(0, len(events), batch):
        chunk = [flux.parse_event(event, cluster="c") for event in events[start : start + batch]]
        ingest(engine, chunk, origin=Origin.WEBHOOK)


def _definition(engine: Engine) -> dict[str, tuple[Any, ...]]:
    """Per object: (stored revision, stored status) and the same read from the operations."""
    ops = sync_operations.c
    found = {}
    with engine.connect() as connection:
        for row in connection.execute(select(objects)):
            mine = [
                r
                for r in connection.execute(select(sync_operations).where(ops.object_id == row.id))
            ]
            newest = max(mine, key=lambda r: (r.finished_at, r.started_at, r.digest))
            successes = [r for r in mine if r.phase == "Succeeded"]
            revision = (
                max(successes, key=lambda r: (r.finished_at, r.started_at, r.digest)).revision
                if successes
                else None
            )
            status = "Ready" if newest.phase == "Succeeded" else "NotReady"
            found[row.name] = ((row.revision, row.sync_status), (revision, status))
    return found


def test_revision_and_status_are_the_newest_outcomes_whatever_the_order(
    db_url: str, tmp_path: object
) -> None:
    events = _events(seed=7)
    engine = db.create(db_url)
    migrate.upgrade(engine)
    shuffled = random.Random(3).sample(events + events[:15], len(events) + 15)
    _feed(engine, shuffled, batch=9)
    for name, (stored, defined) in _definition(engine).items():
        assert stored == defined, name
    reference = db.create(f"sqlite:///{tmp_path}/reference.db")  # type: ignore[str-bytes-safe]
    migrate.upgrade(reference)
    _feed(reference, sorted(events, key=lambda e: e["timestamp"]), batch=1)
    assert dump(engine) == dump(reference)
    engine.dispose()
    reference.dispose()


def test_a_deadlock_while_inserting_is_retried_like_any_other(
    postgres_server: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = db.create(postgres_server.create_database())  # type: ignore[attr-defined]
    migrate.upgrade(engine)
    real = event_sql._insert_postgres
    failures = ["40P01"]

    def insert(ctx: Any, origin: str, rows: Any) -> Any:
        if failures:  # the first attempt's INSERT fails as a deadlock would
            raise_deadlock = "DO $$ BEGIN RAISE EXCEPTION 'deadlock' USING ERRCODE = '{}'; END $$"
            ctx.connection.exec_driver_sql(raise_deadlock.format(failures.pop()))
        return real(ctx, origin, rows)

    monkeypatch.setattr(event_sql, "_insert_postgres", insert)
    events = _events(seed=2)
    _feed(engine, events, batch=len(events))
    assert not failures
    with engine.connect() as connection:
        stored = connection.execute(select(sync_operations)).all()
    outcomes = [flux.parse_event(event, cluster="c").operations for event in events]
    assert len(stored) == len({operations[0].digest for operations in outcomes if operations})
    engine.dispose()
