"""Monthly range partitions of the event tables on PostgreSQL (SQLite is not partitioned).

``sync_operations`` is partitioned by ``started_at`` and ``health_transitions`` by
``transitioned_at`` (migration 0002), one partition per UTC month (``<table>_y2026m03``) and a
``DEFAULT`` partition, so that no event is ever refused for its time. Ingest creates the
partitions of the months a batch needs before writing it (:func:`ensure_months`); months far
from now (older than :data:`MONTHS_BACK`, later than :data:`MONTHS_AHEAD`) stay in the default
partition, so a payload with an absurd timestamp cannot create partitions at will.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

# Table -> the event time it is partitioned by.
PARTITIONED = {"sync_operations": "started_at", "health_transitions": "transitioned_at"}
MONTHS_BACK = 36
MONTHS_AHEAD = 3
# An arbitrary constant: the advisory lock that makes partition creators take turns.
_CREATE_LOCK = 0x70617274

Month = tuple[int, int]


def month_of(moment: datetime) -> Month:
    """The UTC (year, month) of ``moment``."""
    if moment.tzinfo is UTC:  # as the parsers give times (called for every event)
        return moment.year, moment.month
    utc = moment.astimezone(UTC)
    return utc.year, utc.month


def _shift(month: Month, months: int) -> Month:
    index = month[0] * 12 + month[1] - 1 + months
    return index // 12, index % 12 + 1


def window(now: datetime) -> tuple[Month, Month]:
    """The first and last month that get partitions of their own."""
    current = month_of(now)
    return _shift(current, -MONTHS_BACK), _shift(current, MONTHS_AHEAD)


def months_ahead(now: datetime) -> list[Month]:
    """The month of ``now`` and the :data:`MONTHS_AHEAD` after it."""
    return [_shift(month_of(now), months) for months in range(MONTHS_AHEAD + 1)]


def partition_name(table: str, month: Month) -> str:
    """``<table>_y<year>m<month>``."""
    return f"{table}_y{month[0]:04d}m{month[1]:02d}"


def create_month(connection: Connection, table: str, month: Month) -> bool:
    """Create ``table``'s partition of ``month`` unless it exists; whether it exists now.

    False when the default partition already holds rows of that month (they stay there).
    """
    start, end = month, _shift(month, 1)
    statement = (
        f"CREATE TABLE IF NOT EXISTS {partition_name(table, month)} PARTITION OF {table} "
        f"FOR VALUES FROM ('{start[0]:04d}-{start[1]:02d}-01 00:00:00+00') "
        f"TO ('{end[0]:04d}-{end[1]:02d}-01 00:00:00+00')"
    )
    savepoint = connection.begin_nested()
    try:
        connection.exec_driver_sql(statement)
    except DBAPIError as error:
        savepoint.rollback()
        if getattr(error.orig, "sqlstate", None) == "23514":  # rows of it in the default
            return False
        raise
    savepoint.commit()
    return True


def existing_months(connection: Connection, table: str) -> set[Month] | None:
    """The months ``table`` has partitions for; None when it is not partitioned."""
    partitioned = connection.execute(
        text("SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
             "WHERE c.relname = :table AND pg_table_is_visible(c.oid)"),
        {"table": table},
    ).first()  # fmt: skip
    if partitioned is None:
        return None
    names = connection.execute(
        text("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
             "JOIN pg_class p ON p.oid = i.inhparent "
             "WHERE p.relname = :table AND pg_table_is_visible(p.oid)"),
        {"table": table},
    ).scalars()  # fmt: skip
    prefix = f"{table}_y"
    return {
        (int(name[len(prefix) : len(prefix) + 4]), int(name[-2:]))
        for name in names
        if name.startswith(prefix)
    }


class _Known:
    """Per engine, the months known to have partitions (None: the table is not partitioned)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.months: dict[str, set[Month] | None] = {}


_KNOWN: WeakKeyDictionary[Engine, _Known] = WeakKeyDictionary()
_KNOWN_LOCK = threading.Lock()


def ensure_months(engine: Engine, times: dict[str, Iterable[datetime]]) -> None:
    """Create the partitions the event times of a batch need (table -> times).

    In a transaction of its own, before the batch's; nothing on SQLite or for a table that is
    not partitioned.
    """
    if engine.dialect.name != "postgresql":
        return
    with _KNOWN_LOCK:
        known = _KNOWN.setdefault(engine, _Known())
    first, last = window(datetime.now(UTC))
    wanted = {
        table: {m for m in map(month_of, moments) if first <= m <= last}
        for table, moments in times.items()
    }
    with known.lock:
        if not _missing(known, wanted):
            return
        with engine.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CREATE_LOCK})
            for table, months in wanted.items():
                have = existing_months(connection, table)
                if have is not None:
                    for month in sorted(months - have):
                        create_month(connection, table, month)
                        have.add(month)  # or kept in the default partition: asked once
                known.months[table] = have


def _missing(known: _Known, wanted: dict[str, set[Month]]) -> bool:
    for table, months in wanted.items():
        if table not in known.months:
            return True
        have = known.months[table]
        if have is not None and not months <= have:
            return True
    return False
