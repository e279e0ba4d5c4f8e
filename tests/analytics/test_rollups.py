"""The rollup gives the raw rows' sync statistics exactly: after its backfill, after ingest
through its triggers (inserts, late arrivals and the store's merges), for windows cut inside
days, and for objects whose operations stop inside the window."""

from __future__ import annotations

import random
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from tests import postgres

from gitops_schema.analytics import definitions as d
from gitops_schema.analytics import leadtime, outcomes, reports, rollups, windowed
from gitops_schema.analytics.syncstats import SyncStat, sync_statistics
from gitops_schema.store import db, migrate, tables
from gitops_schema.store.ingest import ingest
from gitops_schema.store.records import Origin
from gitops_schema.store.sources import argocd, flux

from . import history


def _same(engine: Engine, window: d.Window) -> list[SyncStat]:
    rollups.ensure(engine)
    with engine.connect() as connection:
        assert rollups.installed(connection)
        objects = {row.id: row for row in d.read_objects(connection)}
        raw = sorted(
            sync_statistics(connection, window, None), key=lambda s: (s.object_id, s.status)
        )
        some = [raw[0].object_id] if raw else []
        expected = reports.sync_stat_rows(objects, raw)
        assert reports.sync_stats(connection, window, d.Scope())["rows"] == expected
        if connection.dialect.name == "postgresql":  # the rollup's rows, for some objects too
            assert windowed.report_rows(connection, window, None) == expected
            assert windowed.report_rows(connection, window, some) == reports.sync_stat_rows(
                objects, [s for s in raw if s.object_id in some]
            )
        # the all-time totals /metrics exports equal the raw counts
        totals = "SELECT object_id, status, operations FROM analytics_sync_totals"
        counted = (
            "SELECT object_id, CASE WHEN phase = 'Succeeded' THEN 'Succeeded' ELSE 'Failed' END, "
            "COUNT(*) FROM sync_operations WHERE phase IN ('Succeeded', 'Failed', 'Error') "
            "AND finished_at IS NOT NULL GROUP BY 1, 2"
        )
        assert sorted(connection.exec_driver_sql(totals).all()) == sorted(
            connection.exec_driver_sql(counted).all()
        )
        # DORA from what is kept (on PostgreSQL without a row per deployment) equals the raw
        # rows' figures
        derived = reports._Figures.of(
            outcomes.derive(connection, window, None), leadtime.derive(connection, window, None)
        )
        assert reports.dora(connection, window, d.Scope()) == reports._dora_object(derived, window)
        # the deployment outcomes and revision ranges kept up to date equal the raw rows'
        for ids in (None, some):
            assert outcomes.deployments(connection, window, ids) == outcomes.derive(
                connection, window, ids
            )
            assert leadtime.changes(connection, window, ids) == leadtime.derive(
                connection, window, ids
            )
    return raw


def test_rollup_equals_raw_rows(db_url: str, tmp_path: Path) -> None:
    engine = db.create(db_url)
    migrate.upgrade(engine)
    shas = history.load(engine, tmp_path / "repo")
    rollups.ensure(engine)  # backfill from what is stored
    start = datetime(2026, 2, 27, tzinfo=UTC)
    windows = [
        d.Window(start, start + timedelta(days=20)),
        d.Window(start + timedelta(hours=34, minutes=1), start + timedelta(days=12, hours=11)),
        d.Window(start + timedelta(days=4, hours=9), start + timedelta(days=4, hours=10)),
    ]
    assert len(_same(engine, windows[0])) == 6
    # now through the triggers: Flux outcomes with random durations, some sent twice
    rng = random.Random(3)
    for index in range(60):
        moment = start + timedelta(days=rng.uniform(3, 15))
        seconds = rng.choice([1, 2, 2, 5, 7.5, 30, 61])
        body = history._event(
            moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "c5",
            "info",
            "ReconciliationSucceeded",
            f"Reconciliation finished in {seconds}s, next run in {index}m",
            shas,
        )
        for _ in range(rng.choice([1, 1, 2])):
            ingest(engine, [flux.parse_event(body, cluster="prod-eu")], origin=Origin.WEBHOOK)
    # and the store's merges (updates): a Running operation completes, then its history entry
    # arrives and moves its finish
    running = history.Sync("2026-03-05T10:00:00Z", "", "Running", "c4")
    done = history.Sync("2026-03-05T10:00:00Z", "2026-03-05T10:03:00Z", "Succeeded", "c4")
    late = history.Sync("2026-03-05T10:00:00Z", "2026-03-05T10:02:59Z", "Succeeded", "c4")
    for op, kept in ((running, []), (done, [done]), (done, [late])):
        status = history._status(op, kept, "Healthy", "2026-03-05T10:04:00Z", shas)
        if not op.finished:
            del status["operationState"]["finishedAt"], status["reconciledAt"]
        body = history._app("web-prod", "prod-eu", status)
        ingest(engine, [argocd.parse_webhook(body)], origin=Origin.WEBHOOK)
    for window in windows:
        _same(engine, window)
    engine.dispose()


def test_two_spans_cover_the_whole_days() -> None:
    def day(text: str) -> date:
        return date.fromisoformat(text)

    # 30 days: spans of 16 days ending on the 16th day and on the last
    assert windowed.cover(day("2025-12-02"), day("2026-01-01")) == (
        4,
        day("2025-12-01"),
        day("2025-12-17"),
        day("2025-12-31"),
    )
    # one day: the day itself, twice
    assert windowed.cover(day("2025-12-02"), day("2025-12-03")) == (
        0,
        day("2025-12-01"),
        day("2025-12-02"),
        day("2025-12-02"),
    )
    assert windowed.cover(day("1970-01-01"), day("2026-01-01")) is None
    window = d.Window(
        datetime(2025, 12, 1, 18, 43, tzinfo=UTC), datetime(2025, 12, 31, 21, tzinfo=UTC)
    )
    assert windowed.full_days(window) == (day("2025-12-02"), day("2025-12-31"))
    # 5 h 17 of the first day are read; of the last day, the whole day less its last 3 h
    assert windowed.parts(window) == windowed.Parts(
        (day("2025-12-02"), day("2026-01-01")),
        [(window.start, datetime(2025, 12, 2, tzinfo=UTC))],
        [(window.end, datetime(2026, 1, 1, tzinfo=UTC))],
    )
    inside = d.Window(datetime(2025, 12, 2, 1, tzinfo=UTC), datetime(2025, 12, 2, 5, tzinfo=UTC))
    assert windowed.full_days(inside) is None
    assert windowed.parts(inside) == windowed.Parts(None, [(inside.start, inside.end)], [])


def _objects(engine: Engine, named: list[tuple[str, str, str, str]]) -> None:
    """Store objects ``(tool, namespace, name, kind)`` of cluster ``c``."""
    with engine.begin() as connection:
        connection.execute(
            tables.objects.insert(),
            [
                {
                    "tool": tool,
                    "cluster": "c",
                    "namespace": namespace,
                    "name": name,
                    "kind": kind,
                    "api_version": "v1",
                    "definition": {},
                    "updated_at": datetime(2026, 3, 1, tzinfo=UTC),
                }
                for tool, namespace, name, kind in named
            ],
        )


def _operation(
    object_id: int, digest: str, phase: str, finished: datetime, duration: float | None
) -> dict[str, object]:
    """A polled operation's row."""
    return {
        "object_id": object_id,
        "digest": digest,
        "phase": phase,
        "started_at": finished - timedelta(seconds=duration or 1),
        "started_at_exact": True,
        "finished_at": finished,
        "duration_seconds": duration,
        "origin": "poll",
        "received_at": finished,
    }


def _operations(
    rng: random.Random, object_id: int, days: tuple[int, int], count: int
) -> list[dict[str, object]]:
    """Random completed operations of one object finishing within some days of March 2026."""
    start = datetime(2026, 3, 1, tzinfo=UTC)
    found = []
    for index in range(count):
        finished = start + timedelta(days=rng.uniform(*days))
        duration = rng.choice([None, 0.0, 1.0, 2.5, round(rng.lognormvariate(3, 1), 3)])
        phase = rng.choice(["Succeeded"] * 6 + ["Failed", "Error", "Running"])
        found.append(_operation(object_id, f"{object_id}-{index}", phase, finished, duration))
    return found


def test_running_rollup_through_late_batches_merges_and_deletes(db_url: str) -> None:
    engine = db.create(db_url)
    migrate.upgrade(engine)
    rng = random.Random(11)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    _objects(engine, [("argocd", "argocd", f"app-{i}", "Application") for i in range(3)])
    # object 1 busy (histograms), 2 stopping on day 12, 3 starting on day 25 after a gap
    first = _operations(rng, 1, (0, 20), 300) + _operations(rng, 2, (0, 12), 40)
    rollups.ensure(engine)  # installed on an empty store: everything comes through triggers
    later = _operations(rng, 1, (20, 40), 300) + _operations(rng, 3, (25, 40), 90)
    first.sort(key=lambda row: row["finished_at"])
    late = first[100:160]  # arrive after the days following them
    batches = [first[:100], first[160:], later[:200], late, later[200:]]
    for batch in batches:
        with engine.begin() as connection:
            connection.execute(tables.sync_operations.insert().values(batch))
    with engine.begin() as connection:
        ops = tables.sync_operations
        # a merge moving an operation to another day, one losing its duration, a deletion
        moved = later[5]["digest"]
        connection.execute(
            ops.update()
            .where(ops.c.digest == moved)
            .values(finished_at=now + timedelta(days=3, hours=1), duration_seconds=61.0)
        )
        connection.execute(
            ops.update().where(ops.c.digest == first[7]["digest"]).values(duration_seconds=None)
        )
        connection.execute(ops.delete().where(ops.c.digest == later[250]["digest"]))
    # the usual case: operations of the last day, added to it in place (a statement of several,
    # then a running one completing)
    last = max(row["finished_at"] for row in first + later)
    midnight = last.replace(hour=0, minute=0, second=0, microsecond=0)
    today = _operations(rng, 1, (0, 0), 12) + _operations(rng, 3, (0, 0), 5)
    for index, row in enumerate(today):
        row["finished_at"] = midnight + (last - midnight) * rng.random()
        row["digest"] = f"today-{index}"
    today[0]["phase"] = "Running"
    # late, and the only extremes of object 1: in the part of a day a window leaves out
    extremes = _operations(rng, 1, (2.05, 2.25), 2)
    for index, (row, seconds) in enumerate(zip(extremes, (99_999.0, 0.0005), strict=True)):
        row.update(digest=f"extreme-{index}", phase="Succeeded", duration_seconds=seconds)
    today += extremes
    with engine.begin() as connection:
        connection.execute(tables.sync_operations.insert().values(today))
    with engine.begin() as connection:
        connection.execute(
            ops.update()
            .where(ops.c.digest == "today-0")
            .values(phase="Succeeded", duration_seconds=33.0)
        )
    windows = [
        d.Window(now - timedelta(days=5), now + timedelta(days=50)),
        d.Window(now + timedelta(days=2, hours=7), now + timedelta(days=31, hours=3)),
        d.Window(now + timedelta(days=10), now + timedelta(days=30)),  # 2 stops inside
        d.Window(now + timedelta(days=13), now + timedelta(days=14)),  # a single day
        d.Window(now + timedelta(days=6, hours=1), now + timedelta(days=6, hours=20)),
        d.Window(now + timedelta(days=45), now + timedelta(days=60)),  # after everything
    ]
    for window in windows:
        _same(engine, window)
    engine.dispose()


def test_writers_starting_a_day_at_once(postgres_server: postgres.PostgresServer) -> None:
    """Two transactions reaching a new day together: the second waits for the first."""
    engine = db.create(postgres_server.create_database())
    migrate.upgrade(engine)
    rng = random.Random(5)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    _objects(engine, [("flux", "flux-system", f"k-{i}", "Kustomization") for i in range(2)])
    with engine.begin() as connection:
        connection.execute(tables.sync_operations.insert().values(_operations(rng, 1, (0, 3), 20)))
    rollups.ensure(engine)
    first, second = _operations(rng, 1, (5, 5.5), 3), _operations(rng, 2, (5, 5.5), 3)
    for index, row in enumerate(first + second):
        row["digest"] = f"new-day-{index}"

    failures: list[BaseException] = []

    def later() -> None:
        try:
            with engine.begin() as connection:
                connection.execute(tables.sync_operations.insert().values(second))
        except BaseException as error:  # reported by the test's thread below
            failures.append(error)

    with engine.begin() as connection:
        connection.execute(tables.sync_operations.insert().values(first))
        writer = threading.Thread(target=later)
        writer.start()
        writer.join(0.5)
        assert writer.is_alive()  # waiting for this transaction
    writer.join()
    assert not failures
    _same(engine, d.Window(now, now + timedelta(days=10)))
    engine.dispose()


def test_objects_sharing_a_name_are_listed_by_object(db_url: str) -> None:
    """A Kustomization and a HelmRelease may share their name: rows stay in one order."""
    engine = db.create(db_url)
    migrate.upgrade(engine)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    _objects(
        engine,
        [("flux", "flux-system", "podinfo", kind) for kind in ("Kustomization", "HelmRelease")],
    )
    rng = random.Random(7)
    rows = _operations(rng, 1, (0, 3), 30) + _operations(rng, 2, (0, 3), 30)
    for index, row in enumerate(rows):
        row["digest"] = f"shared-{index}"
    with engine.begin() as connection:
        connection.execute(tables.sync_operations.insert().values(rows))
    listed = _same(engine, d.Window(now, now + timedelta(days=2, hours=5)))
    assert len({stat.object_id for stat in listed}) == 2
    engine.dispose()


def _scheduled(
    object_id: int, phase: str, times: list[datetime], rng: random.Random
) -> list[dict[str, object]]:
    """Completed operations of one object finishing at ``times``."""
    found = []
    for finished in times:
        duration = rng.choice([None, *(round(rng.uniform(1, 600), 3) for _ in range(3))])
        digest = f"{object_id}-{phase}-{finished.isoformat()}"
        found.append(_operation(object_id, digest, phase, finished, duration))
    return found


def test_groups_of_few_durations_and_partial_days(db_url: str) -> None:
    """The p95 of groups of few durations (exact) and of many, with parts of the rollup's days
    taken away, and with no whole day in the window (the partial days' durations, few or
    many), equal the raw rows'."""
    engine = db.create(db_url)
    migrate.upgrade(engine)
    rng = random.Random(17)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    _objects(engine, [("argocd", "argocd", "busy", "Application")])
    rollups.ensure(engine)  # everything through the triggers
    # 20 successes a day, 40 more late on day 4 (22:00-24:00), a failure every other day
    days = {
        day: [start + timedelta(days=day, minutes=30 + 72 * k) for k in range(20)]
        for day in range(10)
    }
    days[4] += [start + timedelta(days=4, hours=22, minutes=1 + 3 * k) for k in range(40)]
    batches = [
        _scheduled(1, "Succeeded", days[day], rng)
        + _scheduled(1, "Failed", [start + timedelta(days=day, hours=13)] if day % 2 else [], rng)
        for day in range(10)
    ]
    for batch in [*batches[:3], *batches[4:7], batches[3], *batches[7:]]:  # day 3 late
        with engine.begin() as connection:
            connection.execute(tables.sync_operations.insert().values(batch))
    windows = [
        # days 2-3 from the rollup (40 durations at most), the first hour of day 2 taken away
        d.Window(start + timedelta(days=2, hours=1), start + timedelta(days=4)),
        # days 2-4 from the rollup (100), 44 of them outside
        d.Window(start + timedelta(days=2, hours=1), start + timedelta(days=4, hours=22)),
        d.Window(
            start + timedelta(days=5, hours=3), start + timedelta(days=5, hours=9)
        ),  # no whole day
        d.Window(
            start + timedelta(days=4, hours=1), start + timedelta(days=5, hours=23)
        ),  # 78, no day
        d.Window(
            start + timedelta(hours=6), start + timedelta(days=9, hours=18)
        ),  # histograms and parts
        d.Window(start, start + timedelta(days=10)),
    ]
    failing = (True, True, False, True, True, True)
    for window, failed in zip(windows, failing, strict=True):
        statuses = {stat.status for stat in _same(engine, window)}
        assert statuses == ({"Succeeded", "Failed"} if failed else {"Succeeded"})
    engine.dispose()
