from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from tests.postgres import PostgresServer

from gitops_schema.errors import UsageError
from gitops_schema.store import db, migrate, partitions
from gitops_schema.store.ingest import ingest
from gitops_schema.store.records import Origin
from gitops_schema.store.sources import flux
from gitops_schema.store.tables import metadata

from .dump import dump
from .simulate import flux_event, history, sha
from .test_ingest import observe


def test_migrations_build_exactly_the_tables(db_url: str) -> None:
    engine = db.create(db_url)
    assert migrate.current(engine) is None
    migrate.upgrade(engine)
    migrate.upgrade(engine)  # a second upgrade is a no-op
    assert migrate.current(engine) == migrate.head()
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": _not_partition})
        differences = compare_metadata(context, metadata)
        views = set(inspect(connection).get_view_names())
    if engine.dialect.name == "postgresql":
        # Partitioned by event time: keys hold the partition key; no foreign key to an
        # operation's id alone.
        assert sorted(_describe(d) for d in differences) == [
            ("add_constraint", "sync_operations", ("object_id", "deployed_at")),
            ("add_fk", "deployments", ("sync_operation_id",)),
            ("remove_constraint", "sync_operations", ("object_id", "deployed_at", "started_at")),
        ]
    else:
        assert differences == []
    assert views == {
        "argocd_applications",
        "argocd_sync_history",
        "flux_configs",
        "flux_sync_history",
    }
    engine.dispose()


def _not_partition(item: Any, name: str | None, kind: str, *_: Any) -> bool:
    table = item.name if kind == "table" else getattr(getattr(item, "table", None), "name", "")
    return not re.search(r"_(y\d{4}m\d{2}|default)$", table or "")


def _describe(difference: Any) -> tuple[str, str, tuple[str, ...]]:
    action, item = difference[0], difference[1]
    return action, item.table.name, tuple(column.name for column in item.columns)


def test_partitions_are_made_for_the_events_months_and_the_rest_goes_to_default(
    postgres_server: PostgresServer,
) -> None:
    engine = db.create(postgres_server.create_database())
    migrate.upgrade(engine)
    now = datetime.now(UTC)
    months = {"sync_operations": [now], "health_transitions": [now]}
    partitions.ensure_months(engine, months)
    ahead = partitions.months_ahead(now)
    with engine.connect() as connection:
        assert set(ahead) <= (partitions.existing_months(connection, "sync_operations") or set())
    old = datetime(1990, 1, 1, tzinfo=UTC)
    recent = now - timedelta(days=400)
    partitions.ensure_months(engine, {"sync_operations": [old, recent]})
    with engine.connect() as connection:
        have = partitions.existing_months(connection, "sync_operations") or set()
        assert partitions.month_of(recent) in have
        assert partitions.month_of(old) not in have
    # Events of any time are stored: in their month's partition, or in the default one.
    events = [
        flux_event("k", moment, revision=sha(moment), severity="info",
                   reason="ReconciliationSucceeded", message="Applied revision")
        for moment in (old, recent, datetime(2999, 1, 1, tzinfo=UTC))
    ]  # fmt: skip
    ingest(engine, [flux.parse_event(e, cluster="c") for e in events], origin=Origin.WEBHOOK)
    with engine.connect() as connection:
        placed = connection.exec_driver_sql(
            "SELECT tableoid::regclass::text FROM sync_operations ORDER BY started_at"
        ).scalars()
        assert list(placed) == [
            "sync_operations_default",
            partitions.partition_name("sync_operations", partitions.month_of(recent)),
            "sync_operations_default",
        ]
    engine.dispose()


def test_the_library_does_not_import_the_store() -> None:
    code = (
        "import sys, gitops_schema\n"
        "print(sorted(m for m in ('sqlalchemy', 'fastapi') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_partitioning_keeps_the_stored_rows_both_ways(db_url: str) -> None:
    engine = db.create(db_url)
    migrate.upgrade(engine, "0001")
    deliveries = history(seed=4, apps=2, syncs=6)
    for delivery in deliveries:
        ingest(engine, [observe(delivery)], origin=Origin.WEBHOOK)
    before = dump(engine)
    migrate.upgrade(engine)
    assert dump(engine) == before
    # The store goes on from where it was: the same deliveries again change nothing.
    for delivery in deliveries:
        ingest(engine, [observe(delivery)], origin=Origin.WEBHOOK)
    assert dump(engine) == before
    config = Config()
    config.set_main_option("script_location", str(migrate.MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    assert migrate.current(engine) == "0001"
    assert dump(engine) == before
    engine.dispose()


def test_objects_pages_keep_room_for_new_row_versions(db_url: str) -> None:
    engine = db.create(db_url)
    migrate.upgrade(engine)

    def options() -> Any:
        with engine.connect() as connection:
            return connection.exec_driver_sql(
                "SELECT reloptions FROM pg_class WHERE relname = 'objects'"
            ).scalar()

    if engine.dialect.name == "postgresql":
        assert options() == ["fillfactor=50"]
        config = Config()
        config.set_main_option("script_location", str(migrate.MIGRATIONS))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0002")
        assert options() is None
    else:
        assert migrate.current(engine) == migrate.head()
    engine.dispose()


def test_a_schema_from_a_newer_version_is_named_not_a_crash(db_url: str) -> None:
    engine = db.create(db_url)
    migrate.upgrade(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(UsageError) as raised:
        migrate.upgrade(engine)
    assert "its schema is at revision '9999', which this version" in str(raised.value)
    assert str(raised.value).startswith(f"--db {db_url.split('?')[0]}")
    engine.dispose()
