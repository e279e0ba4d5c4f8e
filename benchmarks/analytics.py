"""Reports at scale on PostgreSQL: each report against a naive query over the raw events.

A PostgreSQL server is started for the run (Debian's binaries, as the tests do). The store is
filled with ``--events`` sync operations (default 10 million) of 2,000 objects over a year,
generated inside the server (``generate_series``), with the deployments, health transitions
and commits they imply. The analytics rollup is then installed (its one-off backfill is
timed), and each report is timed against a naive query over the raw ``sync_operations`` in
the same run, on the same data, with the same answer checked:

- sync-stats: the report (whole days from the rollup, edges from raw rows) vs the raw rows
  (window functions for the p95), over 30 days and over the whole year;
- deployments and dora: the reports (the store's ``deployments`` with the analytics index)
  vs deployments and failures derived from the raw events by window functions.

Also printed: what the rollup's trigger costs per ingested row (``INSERT ... SELECT`` of
``--trigger-sample`` rows with and without it).

    python benchmarks/analytics.py [--events 10000000] [--objects 2000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Connection, text  # noqa: E402
from tests import postgres  # noqa: E402

from gitops_schema.analytics import definitions as d  # noqa: E402
from gitops_schema.analytics import reports, rollups  # noqa: E402
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
        begin = time.perf_counter()
        with engine.begin() as connection:
            _fill(connection, options.events, options.objects)
        autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        with autocommit.connect() as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
            counts = {
                table: connection.exec_driver_sql(f"SELECT COUNT(*) FROM {table}").scalar()
                for table in ("sync_operations", "deployments", "health_transitions", "commits")
            }
        print(f"loaded in {time.perf_counter() - begin:.0f} s: {counts}")

        end = START + YEAR
        windows = {
            "30 days": d.Window(end - timedelta(days=30), end),
            "30 days, cut mid-day": d.Window(
                end - timedelta(days=30, hours=5, minutes=17), end - timedelta(hours=3)
            ),
            "whole year": d.Window(START, end),
        }
        month = windows["30 days"]
        # the naive queries first, on the store as it is (no analytics rollup, no index)
        naive: dict[str, tuple[float, Any]] = {}
        with engine.connect() as connection:
            for label, window in windows.items():
                naive[label] = _timed(
                    lambda w=window: d.sync_statistics(connection, w, None),
                    1 if label == "whole year" else 3,
                )
            params = {"start": month.start, "end": month.end}
            naive["deployments"] = _timed(
                lambda: connection.execute(text(_NAIVE_DEPLOYMENTS), params).one(), 1
            )

        begin = time.perf_counter()
        rollups.ensure(engine)
        with autocommit.connect() as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
            rolled_rows = connection.exec_driver_sql(
                "SELECT COUNT(*) FROM analytics_sync_daily"
            ).scalar()
        print(
            f"rollup installed (indexes, triggers, backfill) in "
            f"{time.perf_counter() - begin:.1f} s: {rolled_rows} rows for "
            f"{counts['sync_operations']} operations"
        )

        print(f"\n{'report':<34}{'naive (raw)':>14}{'report':>12}{'ratio':>9}")
        with engine.connect() as connection:
            for label, window in windows.items():
                naive_s, raw = naive[label]
                fast_s, fast = _timed(
                    lambda w=window: rollups.sync_statistics_rolled(connection, w, None),
                    1 if label == "whole year" else 3,
                )
                assert sorted(raw, key=repr) == sorted(fast, key=repr), "different figures"
                print(
                    f"{'sync-stats, ' + label:<34}{naive_s * 1000:>11.0f} ms"
                    f"{fast_s * 1000:>9.0f} ms{naive_s / fast_s:>8.1f}x"
                )
            scope = d.Scope(env="all")
            naive_s, counted = naive["deployments"]
            fast_s, listed = _timed(lambda: reports.deployments(connection, month, scope))
            items = listed["deployments"]
            assert (counted.deployments, counted.failed) == (
                len(items),
                sum(1 for item in items if item["failed"]),
            ), "different figures"
            print(
                f"{'deployments (+failed), 30 days':<34}{naive_s * 1000:>11.0f} ms"
                f"{fast_s * 1000:>9.0f} ms{naive_s / fast_s:>8.1f}x"
            )
            dora_s, dora = _timed(lambda: reports.dora(connection, month, scope))
            print(
                f"{'dora, 30 days':<34}{'':>14}{dora_s * 1000:>9.0f} ms   "
                f"({dora['deployments']} deployments, {dora['lead_time']['changes']} changes)"
            )
            stats_s, _ = _timed(lambda: reports.sync_stats(connection, month, scope))
            print(f"{'sync-stats report, 30 days':<34}{'':>14}{stats_s * 1000:>9.0f} ms")
            p95_s, _ = _timed(lambda: d.sync_p95(connection, month, None))
            print(f"{'  of which the exact p95 (raw)':<34}{'':>14}{p95_s * 1000:>9.0f} ms")
            snapshot_s, _ = _timed(lambda: read_snapshot(connection, ("prod*",), end), 1)
            print(f"{'/metrics snapshot':<34}{'':>14}{snapshot_s * 1000:>9.0f} ms")

        sample = options.trigger_sample
        insert = f"""
            INSERT INTO sync_operations (object_id, digest, revision, phase, started_at,
                started_at_exact, finished_at, duration_seconds, origin, received_at)
            SELECT 1 + mod(g, {options.objects}), :digest, 'x', 'Succeeded',
                   TIMESTAMPTZ '2026-01-01 00:00:00+00' + make_interval(secs => g), true,
                   TIMESTAMPTZ '2026-01-01 00:00:10+00' + make_interval(secs => g), 10,
                   'webhook', now()
            FROM generate_series(1, {sample}) g"""
        with engine.begin() as connection:
            begin = time.perf_counter()
            connection.execute(text(insert), {"digest": "with-trigger"})
            with_trigger = time.perf_counter() - begin
            connection.exec_driver_sql(
                "ALTER TABLE sync_operations DISABLE TRIGGER analytics_sync_daily"
            )
            begin = time.perf_counter()
            connection.execute(text(insert), {"digest": "without"})
            without = time.perf_counter() - begin
            connection.exec_driver_sql(
                "ALTER TABLE sync_operations ENABLE TRIGGER analytics_sync_daily"
            )
        print(
            f"\ningest: {sample} rows in {with_trigger:.2f} s with the rollup trigger, "
            f"{without:.2f} s without ({(with_trigger - without) / sample * 1e6:.0f} µs a row)"
        )
        engine.dispose()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
