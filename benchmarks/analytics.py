"""Reports at scale on PostgreSQL: each report against a naive query over the raw events.

A PostgreSQL server is started for the run (Debian's binaries, as the tests do). The store is
filled with ``--events`` sync operations (default 10 million) of 2,000 objects over a year,
generated inside the server (``generate_series``), with the deployments, health transitions,
commits and config revisions they imply. The naive queries run first, on the store as it is;
then the analytics rollups are installed (backfill and first refresh timed) and each report
is timed as ``gitops-schema report`` and ``GET /api/v1/reports`` run it (rollups brought up to
date, then read), with its figures checked against the naive ones:

- sync-stats over 30 days (and cut mid-day, and the whole year): the naive query groups the raw
  operations with ``percentile_cont(0.95)``; the report reads three rows of the running
  rollup per object and status, plus the raw rows of the partial days' smaller parts (counts,
  average, min and max equal; p95 within the histogram's 2%);
- deployments over 30 days: deployments and failures derived from the raw events by window
  functions vs the deployment outcomes kept up to date;
- dora over 30 days: the definitions over the raw rows (with the rollups' indexes) vs the kept
  outcomes and ranges;
- audit and compliance: listings of their own indexed tables (no naive variant);
- /metrics: a scrape's figures from the raw rows vs from the rollups.

Also printed: what keeping the rollups costs: per ingested row (the triggers: a statement
of many rows starting new days, and rows of the last day one statement each, as the store
writes them), and the refresh a report pays after new events arrived.

    python benchmarks/analytics.py [--events 10000000] [--objects 2000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Connection, text  # noqa: E402
from tests import postgres  # noqa: E402

from gitops_schema.analytics import definitions as d  # noqa: E402
from gitops_schema.analytics import outcomes, reports, rollups  # noqa: E402
from gitops_schema.analytics.materialize import ALL_TIME  # noqa: E402
from gitops_schema.analytics.snapshot import read_snapshot  # noqa: E402
from gitops_schema.store import db, migrate  # noqa: E402

START = datetime(2025, 1, 1, tzinfo=UTC)
YEAR = timedelta(days=365)
CLUSTERS = ("prod-eu", "prod-us", "staging", "dev")


def _fill(connection: Connection, events: int, objects: int) -> None:
    connection.exec_driver_sql("SELECT setseed(0.42)")
    rows = ", ".join(
        f"('{'argocd' if i % 4 else 'flux'}', '{CLUSTERS[i % len(CLUSTERS)]}', "
        f"'{'argocd' if i % 4 else 'flux-system'}', 'app-{i}', "
        f"'{'Application' if i % 4 else 'Kustomization'}', 'v1', '{{}}', 'Synced', 'Healthy', "
        f"'2025-01-01T00:00:00Z')"
        for i in range(objects)
    )
    connection.exec_driver_sql(
        "INSERT INTO objects (tool, cluster, namespace, name, kind, api_version, definition, "
        f"sync_status, health_status, updated_at) VALUES {rows}"
    )
    per_object = events // objects
    step = YEAR.total_seconds() / per_object
    # each object syncs every `step` seconds (jittered); its revision changes every 200
    # operations; 3% of operations fail; durations are whole seconds, as Argo CD's are
    connection.exec_driver_sql(f"""
        INSERT INTO sync_operations (object_id, digest, revision, phase, started_at,
            started_at_exact, finished_at, duration_seconds, origin, received_at)
        SELECT o, '', md5(o || '/' || (n / 200)), phase, ts, true,
               ts + make_interval(secs => dur), dur, 'webhook', ts
        FROM (
            SELECT 1 + mod(g, {objects}) AS o, g / {objects} AS n,
                   TIMESTAMPTZ '2025-01-01 00:00:00+00'
                     + make_interval(secs => (g / {objects}) * {step} + random() * {step / 2})
                     AS ts,
                   CASE WHEN random() < 0.03 THEN 'Failed' ELSE 'Succeeded' END AS phase,
                   (5 + floor(random() * 120) + floor(random() * random() * 600))::float8 AS dur
            FROM generate_series(0, {per_object * objects - 1}) g
        ) x""")
    connection.exec_driver_sql("""
        INSERT INTO deployments (object_id, sync_operation_id, revision, previous_revision,
                                 started_at, finished_at)
        SELECT object_id, id, revision, previous, started_at, finished_at FROM (
            SELECT id, object_id, revision, started_at, finished_at,
                   LAG(revision) OVER (PARTITION BY object_id ORDER BY finished_at) AS previous
            FROM sync_operations WHERE phase = 'Succeeded'
        ) s WHERE previous IS NULL OR previous <> revision""")
    # Argo CD health: Healthy from the start; 5% of deployments turn Degraded for 40 minutes
    connection.exec_driver_sql("""
        INSERT INTO health_transitions (object_id, status, transitioned_at, exact, origin)
        SELECT o.id, 'Healthy', TIMESTAMPTZ '2024-12-31 00:00:00+00', true, 'poll'
        FROM objects o WHERE o.tool = 'argocd'""")
    connection.exec_driver_sql("""
        INSERT INTO health_transitions (object_id, status, transitioned_at, exact, origin)
        SELECT d.object_id, v.status, d.finished_at + v.after, true, 'webhook'
        FROM deployments d JOIN objects o ON o.id = d.object_id
        CROSS JOIN (VALUES ('Degraded', INTERVAL '10 minutes'),
                           ('Healthy', INTERVAL '50 minutes')) v(status, after)
        WHERE o.tool = 'argocd' AND mod(d.id, 20) = 0
        ON CONFLICT DO NOTHING""")
    # each deployed revision is a commit, child of the object's previous one
    connection.exec_driver_sql("""
        INSERT INTO commits (repo, sha, parents, authored_at, committed_at, message, files)
        SELECT 'https://git.example/bench', revision,
               CASE WHEN previous_revision IS NULL THEN '[]'::json
                    ELSE json_build_array(previous_revision) END,
               finished_at - INTERVAL '7 hours', finished_at - INTERVAL '7 hours', 'change', '[]'
        FROM deployments ON CONFLICT DO NOTHING""")
    # a definition changed with each tenth deployment, checked once per revision
    connection.exec_driver_sql("""
        INSERT INTO config_revisions (repo, sha, path, tool, kind, namespace, name, change,
                                      author_name, author_email, committed_at)
        SELECT 'https://git.example/bench', d.revision, 'apps/' || o.name || '.yaml', o.tool,
               o.kind, o.namespace, o.name, 'modified', 'Ada', 'ada@example.com',
               d.finished_at - INTERVAL '7 hours'
        FROM deployments d JOIN objects o ON o.id = d.object_id WHERE mod(d.id, 10) = 0""")


def _timed(call: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        begin = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - begin)
    return statistics.median(times), result


_NAIVE_DEPLOYMENTS = """
WITH deployed AS (
    SELECT id, object_id, finished_at,
           LEAD(finished_at) OVER (PARTITION BY object_id ORDER BY finished_at) AS next_at
    FROM (
        SELECT s.id, s.object_id, s.revision, s.finished_at,
               LAG(s.revision) OVER (PARTITION BY s.object_id ORDER BY s.finished_at) AS previous
        FROM sync_operations s WHERE s.phase = 'Succeeded'
    ) ops WHERE previous IS NULL OR previous <> revision
)
SELECT COUNT(*) AS deployments,
       COUNT(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM sync_operations f WHERE f.object_id = deployed.object_id
             AND f.phase IN ('Failed', 'Error') AND f.finished_at > deployed.finished_at
             AND (deployed.next_at IS NULL OR f.finished_at < deployed.next_at))
         OR EXISTS (
           SELECT 1 FROM health_transitions h WHERE h.object_id = deployed.object_id
             AND h.status = 'Degraded' AND h.transitioned_at > deployed.finished_at
             AND (deployed.next_at IS NULL OR h.transitioned_at < deployed.next_at))) AS failed
FROM deployed WHERE finished_at >= :start AND finished_at < :end"""


_NAIVE_SYNC_STATS = """
SELECT s.object_id, CASE WHEN s.phase = 'Succeeded' THEN 'Succeeded' ELSE 'Failed' END AS status,
       COUNT(*) AS operations, AVG(s.duration_seconds) AS avg_seconds,
       MIN(s.duration_seconds) AS min_seconds, MAX(s.duration_seconds) AS max_seconds,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY s.duration_seconds) AS p95
FROM sync_operations s
WHERE s.phase IN ('Succeeded', 'Failed', 'Error')
  AND s.finished_at >= :start AND s.finished_at < :end
GROUP BY 1, 2"""


def _naive_sync_stats(connection: Connection, window: d.Window) -> Any:
    params = {"start": window.start, "end": window.end}
    return connection.execute(text(_NAIVE_SYNC_STATS), params).all()


def _naive_metrics(connection: Connection, end: datetime) -> tuple[int, int]:
    """What a scrape exports, from the raw rows: operation counts and deployment outcomes."""
    counted = connection.exec_driver_sql(
        "SELECT object_id, phase, COUNT(*) FROM sync_operations GROUP BY 1, 2"
    ).all()
    deployed = outcomes.derive(connection, ALL_TIME, None)
    reports.dora(connection, d.Window(end - timedelta(days=30), end), d.Scope(env="all"))
    return len(counted), sum(1 for item in deployed if item.failed)


def _compare_sync_stats(naive: Any, report: dict[str, Any], objects: dict[int, str]) -> None:
    """Equal counts, averages, min and max; p95 within the histogram's relative error."""
    expected = {(objects[row.object_id], row.status): row for row in naive}
    assert len(expected) == len(report["rows"]), "different groups"
    for row in report["rows"]:
        want = expected[(row["name"], row["status"])]
        assert row["count"] == want.operations
        assert row["min_seconds"] == want.min_seconds and row["max_seconds"] == want.max_seconds
        assert abs(row["avg_seconds"] - want.avg_seconds) < 1e-6
        assert abs(row["p95_seconds"] - want.p95) <= 0.02 * want.p95 + 1e-9, (row, want)


def _row(label: str, naive: float | None, fast: float, note: str = "") -> None:
    shown = f"{naive * 1000:>11.0f} ms" if naive is not None else f"{'':>14}"
    ratio = f"{naive / fast:>8.1f}x" if naive is not None else f"{'':>9}"
    print(f"{label:<34}{shown}{fast * 1000:>9.1f} ms{ratio}  {note}")


_ONE_ROW = """
    INSERT INTO sync_operations (object_id, digest, revision, phase, started_at,
        started_at_exact, finished_at, duration_seconds, origin, received_at)
    VALUES (:object_id, :digest, 'x', 'Succeeded', :finished - INTERVAL '10 seconds', true,
            :finished, 10, 'webhook', now())"""


def _with_and_without(
    engine: Any, insert: Callable[[Connection, str], object]
) -> tuple[float, float]:
    """The time of ``insert`` with the rollup triggers and without them."""
    triggers = ("analytics_running_inserted", "analytics_mark_inserted")
    with engine.begin() as connection:
        begin = time.perf_counter()
        insert(connection, "with-trigger")
        with_trigger = time.perf_counter() - begin
        for name in triggers:
            connection.exec_driver_sql(f"ALTER TABLE sync_operations DISABLE TRIGGER {name}")
        begin = time.perf_counter()
        insert(connection, "without")
        without = time.perf_counter() - begin
        for name in triggers:
            connection.exec_driver_sql(f"ALTER TABLE sync_operations ENABLE TRIGGER {name}")
    return with_trigger, without


def _trigger_cost(engine: Any, objects: int, sample: int) -> None:
    """What the triggers cost: a statement of many rows starting new days, then rows of the
    last day one statement each (as the store writes them)."""
    batch = f"""
        INSERT INTO sync_operations (object_id, digest, revision, phase, started_at,
            started_at_exact, finished_at, duration_seconds, origin, received_at)
        SELECT 1 + mod(g, {objects}), :digest, 'x', 'Succeeded',
               TIMESTAMPTZ '2026-01-01 00:00:00+00' + make_interval(secs => g), true,
               TIMESTAMPTZ '2026-01-01 00:00:10+00' + make_interval(secs => g), 10,
               'webhook', now()
        FROM generate_series(1, {sample}) g"""
    with_trigger, without = _with_and_without(
        engine, lambda connection, digest: connection.execute(text(batch), {"digest": digest})
    )
    print(
        f"\ningest: {sample} rows in one statement (new days) in {with_trigger:.2f} s with the "
        f"rollup triggers, {without:.2f} s without "
        f"({(with_trigger - without) / sample * 1e6:.0f} µs a row)"
    )
    last = START + YEAR + timedelta(seconds=sample + 20)
    rows = 2_000

    def one_by_one(connection: Connection, digest: str) -> None:
        for index in range(rows):
            params = {
                "object_id": 1 + index % objects,
                "digest": f"{digest}-{index}",
                "finished": last + timedelta(seconds=index % 30),
            }
            connection.execute(text(_ONE_ROW), params)

    with_trigger, without = _with_and_without(engine, one_by_one)
    print(
        f"ingest: {rows} rows of the last day, one statement each, in {with_trigger:.2f} s with "
        f"the rollup triggers, {without:.2f} s without "
        f"({(with_trigger - without) / rows * 1e6:.0f} µs a row)"
    )
    begin = time.perf_counter()
    rollups.ensure(engine)
    print(f"refresh after them ({objects} objects marked): {time.perf_counter() - begin:.2f} s")


def _load(engine: Any, options: argparse.Namespace) -> dict[str, int]:
    begin = time.perf_counter()
    with engine.begin() as connection:
        _fill(connection, options.events, options.objects)
    with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
        counts = {
            table: int(connection.exec_driver_sql(f"SELECT COUNT(*) FROM {table}").scalar() or 0)
            for table in ("sync_operations", "deployments", "health_transitions", "commits")
        }
    print(f"loaded in {time.perf_counter() - begin:.0f} s: {counts}")
    return counts


def _install(engine: Any, counts: dict[str, int]) -> None:
    begin = time.perf_counter()
    with engine.begin() as connection:
        rollups.install(connection)
    installed = time.perf_counter() - begin
    begin = time.perf_counter()
    rollups.ensure(engine)
    refreshed = time.perf_counter() - begin
    with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
        rolled = connection.exec_driver_sql("SELECT COUNT(*) FROM analytics_sync_running").scalar()
    print(
        f"rollups installed (indexes, triggers, backfill) in {installed:.1f} s: {rolled} rows "
        f"for {counts['sync_operations']} operations; first refresh (outcomes and ranges of "
        f"every object) {refreshed:.1f} s"
    )


END = START + YEAR
MONTH = d.Window(END - timedelta(days=30), END)
WINDOWS = {
    "30 days": MONTH,
    "30 days, cut mid-day": d.Window(
        END - timedelta(days=30, hours=5, minutes=17), END - timedelta(hours=3)
    ),
    "whole year": d.Window(START, END),
}
EVERYTHING = d.Scope(env="all")


def _naive(engine: Any) -> dict[str, tuple[float, Any]]:
    """The naive figures: first on the store as it is (no analytics rollup, no index)."""
    naive: dict[str, tuple[float, Any]] = {}
    with engine.connect() as connection:
        for label, window in WINDOWS.items():
            naive[label] = _timed(
                partial(_naive_sync_stats, connection, window), 1 if label == "whole year" else 3
            )
        params = {"start": MONTH.start, "end": MONTH.end}
        naive["deployments"] = _timed(
            lambda: connection.execute(text(_NAIVE_DEPLOYMENTS), params).one(), 1
        )
    # the definitions over the raw rows, with the indexes the rollups add (without them the
    # per-deployment look-ups scan whole tables)
    with engine.begin() as connection:
        for index in rollups.indexes("postgresql"):
            connection.exec_driver_sql(index)
    with engine.connect() as connection:
        naive["dora"] = _timed(lambda: reports.dora(connection, MONTH, EVERYTHING), 1)
        naive["metrics"] = _timed(lambda: _naive_metrics(connection, END), 1)
    return naive


def _report(engine: Any, name: str, window: d.Window) -> Callable[[], dict[str, Any]]:
    def run() -> dict[str, Any]:
        rollups.ensure(engine)  # as `report` and the API do: bring up to date, then read
        with engine.connect() as connection:
            return reports.RUNNERS[name](connection, window, EVERYTHING)

    return run


def _reports(engine: Any, naive: dict[str, tuple[float, Any]], objects: dict[int, str]) -> None:
    """Each report timed, its figures checked against the naive ones."""
    print(f"\n{'report (p50 of 3)':<34}{'naive (raw)':>14}{'report':>12}{'ratio':>9}")
    for label, window in WINDOWS.items():
        fast_s, stats = _timed(_report(engine, "sync-stats", window))
        _compare_sync_stats(naive[label][1], stats, objects)
        _row(f"sync-stats, {label}", naive[label][0], fast_s)
    fast_s, listed = _timed(_report(engine, "deployments", MONTH))
    counted, items = naive["deployments"][1], listed["deployments"]
    failed = sum(1 for item in items if item["failed"])
    assert (counted.deployments, counted.failed) == (len(items), failed), "different figures"
    _row("deployments (+failed), 30 days", naive["deployments"][0], fast_s, f"{len(items)} listed")
    fast_s, dora = _timed(_report(engine, "dora", MONTH))
    assert dora == naive["dora"][1], "different figures"
    shipped = f"{dora['deployments']} deployments, {dora['lead_time']['changes']} changes"
    _row("dora, 30 days", naive["dora"][0], fast_s, shipped)
    for name in ("audit", "compliance"):
        fast_s, listed = _timed(_report(engine, name, MONTH))
        _row(f"{name}, 30 days", None, fast_s, f"{len(listed['revisions'])} revisions")

    def scrape() -> Any:
        rollups.ensure(engine)
        with engine.connect() as connection:
            return read_snapshot(connection, ("prod*",), END)

    fast_s, snapshot = _timed(scrape)
    _row("/metrics snapshot", naive["metrics"][0], fast_s, f"{len(snapshot.apps)} objects")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--objects", type=int, default=2_000)
    parser.add_argument("--trigger-sample", type=int, default=100_000)
    options = parser.parse_args()

    server = postgres.start()
    try:
        engine = db.create(server.create_database())
        migrate.upgrade(engine)
        counts = _load(engine, options)
        naive = _naive(engine)
        with engine.connect() as connection:
            objects = {row.id: row.name for row in d.read_objects(connection)}
        _install(engine, counts)
        _reports(engine, naive, objects)
        _trigger_cost(engine, options.objects, options.trigger_sample)
        engine.dispose()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
