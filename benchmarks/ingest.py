"""Ingest speed: events per second through ``serve``'s HTTP batch endpoint against
PostgreSQL's ``COPY`` of the same rows, in the same run (goal: at least 30% of COPY); the
same on SQLite against a bulk ``executemany`` INSERT of the same rows.

The events are Flux notification events (one operation row each) of many Kustomizations,
as notification-controller sends them; batches of 500 are POSTed by 4 senders (``--senders``)
to one ``serve`` (``--workers`` processes). Every batch speaks about every object, so
concurrent batches queue on the objects' row locks (one writer per object at a time): with
one sender the batches arrive in order and each extends its objects' chains in one pass. The
baseline writes the already-parsed rows, so it measures the database alone.

With ``--rollups`` both stores have the analytics rollups installed first (their triggers
then run on every write, the baseline's too); the output says which.

Each measurement runs ``--repeat`` times (3), HTTP and baseline alternated on fresh
databases; the medians are compared, and each run's ratio is printed too.

    python benchmarks/ingest.py [--events 20000] [--senders 4] [--workers 1] [--rollups]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from sqlalchemy import Engine, insert, select  # noqa: E402
from tests import postgres  # noqa: E402
from tests.server.serving import start_server  # noqa: E402
from tests.store.simulate import flux_event, sha  # noqa: E402

from gitops_schema.store import db, migrate  # noqa: E402
from gitops_schema.store.ingest import ingest  # noqa: E402
from gitops_schema.store.records import Origin  # noqa: E402
from gitops_schema.store.sources import flux  # noqa: E402
from gitops_schema.store.tables import sync_operations  # noqa: E402

BATCH = 500
SENDERS = 4
START = datetime(2026, 3, 2, tzinfo=UTC)
COLUMNS = (
    "object_id", "digest", "revision", "phase", "reason", "message", "started_at",
    "started_at_exact", "finished_at", "duration_seconds", "origin", "received_at",
)  # fmt: skip


def events(count: int) -> list[dict[str, Any]]:
    objects = max(1, count // 50)
    return [
        flux_event(
            f"k-{i % objects}", START + timedelta(minutes=i // objects * 10),
            revision=sha(i % objects, i // objects // 5), severity="info",
            reason="ReconciliationSucceeded",
            message=f"Reconciliation finished in {1 + i % 50}s, next run in 10m0s",
        )
        for i in range(count)
    ]  # fmt: skip


def prepare(url: str, rollups: bool) -> Engine:
    """The migrated store of ``url``, with the analytics rollups when asked."""
    engine = db.create(url)
    migrate.upgrade(engine)
    if rollups:
        from gitops_schema.analytics import rollups as analytics_rollups

        analytics_rollups.ensure(engine)
    return engine


def through_http(
    url: str, bodies: list[dict[str, Any]], senders: int, workers: int, rollups: bool
) -> float:
    prepare(url, rollups).dispose()
    spool = Path(tempfile.mkdtemp(prefix="bench-spool-"))
    process, base = start_server(url, spool, "--workers", str(workers))
    # Encoded before the clock starts, as COPY's rows are prepared before it.
    batches = [json.dumps(bodies[i : i + BATCH]).encode() for i in range(0, len(bodies), BATCH)]
    failures: list[str] = []
    headers = {"content-type": "application/json"}

    def sender(mine: list[bytes]) -> None:
        with httpx.Client(timeout=300) as client:
            for batch in mine:
                answer = client.post(
                    f"{base}/api/v1/events/flux?cluster=bench", content=batch, headers=headers
                )
                if answer.status_code != 200:
                    failures.append(f"{answer.status_code} {answer.text[:200]}")

    try:
        started = time.perf_counter()
        threads = [
            threading.Thread(target=sender, args=(batches[i::senders],)) for i in range(senders)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=30)
    if failures:
        raise SystemExit(f"HTTP ingest failed: {failures[0]}")
    return len(bodies) / elapsed


def rows_for(engine: Engine, bodies: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The operation rows of the events, their objects created (ids as the store's)."""
    observations = [flux.parse_event(body, cluster="bench") for body in bodies]
    objects_only = [type(o)(o.state) for o in observations]
    ingest(engine, objects_only, origin=Origin.IMPORT)
    with engine.connect() as connection:
        from gitops_schema.store.tables import objects

        ids = {row.name: row.id for row in connection.execute(select(objects.c.id, objects.c.name))}
    now = datetime.now(UTC)
    rows = []
    for observation in observations:
        for op in observation.operations:
            rows.append((
                ids[observation.state.key.name], op.digest, op.revision, op.phase.value,
                op.reason, op.message, op.started_at, True, op.finished_at,
                op.duration_seconds, "import", now,
            ))  # fmt: skip
    return rows


def copy_baseline(url: str, bodies: list[dict[str, Any]], rollups: bool) -> float:
    engine = prepare(url, rollups)
    rows = rows_for(engine, bodies)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        started = time.perf_counter()
        with cursor.copy(f"COPY sync_operations ({', '.join(COLUMNS)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for row in rows:
                copy.write_row(row)
        raw.commit()
        elapsed = time.perf_counter() - started
    finally:
        raw.close()
        engine.dispose()
    return len(rows) / elapsed


def executemany_baseline(url: str, bodies: list[dict[str, Any]], rollups: bool) -> float:
    engine = prepare(url, rollups)
    rows = [dict(zip(COLUMNS, row, strict=True)) for row in rows_for(engine, bodies)]
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(insert(sync_operations), rows)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return len(rows) / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--senders", type=int, default=SENDERS, help="concurrent senders")
    parser.add_argument("--workers", type=int, default=1, help="serve --workers")
    parser.add_argument(
        "--rollups", action="store_true", help="install the analytics rollups (triggers) first"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each, alternated; medians are compared"
    )
    arguments = parser.parse_args()
    count, senders, workers = arguments.events, arguments.senders, arguments.workers
    rollups, repeat = arguments.rollups, arguments.repeat
    bodies = events(count)
    pg_runs: list[tuple[float, float]] = []
    server = postgres.start()
    try:
        for _ in range(repeat):
            http = through_http(server.create_database(), bodies, senders, workers, rollups)
            pg_runs.append((http, copy_baseline(server.create_database(), bodies, rollups)))
    finally:
        server.stop()
    sqlite_runs: list[tuple[float, float]] = []
    for _ in range(repeat):
        folder = Path(tempfile.mkdtemp(prefix="bench-sqlite-"))
        http = through_http(f"sqlite:///{folder / 'http.db'}", bodies, senders, workers, rollups)
        bulk = executemany_baseline(f"sqlite:///{folder / 'bulk.db'}", bodies, rollups)
        sqlite_runs.append((http, bulk))
    result = {
        "events": count,
        "senders": senders,
        "workers": workers,
        "rollup_triggers": "installed" if rollups else "not installed",
        "runs": repeat,
        **summary("postgresql", "copy_rows", pg_runs),
        **summary("sqlite", "executemany_rows", sqlite_runs),
        "goal_ratio": 0.3,
    }
    print(json.dumps(result, indent=2))
    return 0


def summary(engine: str, baseline: str, runs: list[tuple[float, float]]) -> dict[str, Any]:
    """Medians of the runs (the machine is shared: single runs vary) and each run's ratio."""
    http, base = median(r[0] for r in runs), median(r[1] for r in runs)
    return {
        f"{engine}_http_events_per_second": round(http),
        f"{engine}_{baseline}_per_second": round(base),
        f"{engine}_ratio": round(http / base, 3),
        f"{engine}_ratio_per_run": [round(h / b, 3) for h, b in runs],
    }


if __name__ == "__main__":
    sys.exit(main())
