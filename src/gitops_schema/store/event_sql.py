"""The statements of the Flux event path, written for each engine as the driver takes them.

A batch is a few set-based statements, without SQLAlchemy's compiler and type processing.

Per batch: one statement reads each object's newest stored success and outcome; the
operations are inserted in one statement (on PostgreSQL ``COPY`` into a temporary staging
table, then ``INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING``; on SQLite multi-row
``INSERT ... ON CONFLICT DO NOTHING RETURNING``; only ids and keys are returned); the
objects' state and derived revision / sync status are set by one ``UPDATE`` (``FROM
unnest(...)`` on PostgreSQL, one prepared statement on SQLite). Times go to SQLite as the
text the store's ``UtcTime`` columns hold (naive UTC, microseconds), and come back from both
as aware UTC.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, NamedTuple

import psycopg
from sqlalchemy.exc import DBAPIError

from gitops_schema.store.records import Phase
from gitops_schema.store.writing import (
    Context,
    Stored,
    pg_array,
    read_time,
    sqlite_time,
    stored,
)

# The columns of an inserted operation and their PostgreSQL types.
OPERATION_COLUMNS = {
    "object_id": "bigint",
    "origin": "text",
    "received_at": "timestamptz",
    "digest": "text",
    "revision": "text",
    "phase": "text",
    "reason": "text",
    "message": "text",
    "started_at": "timestamptz",
    "started_at_exact": "boolean",
    "finished_at": "timestamptz",
    "duration_seconds": "float8",
    "deployed_at": "timestamptz",
    "initiated_by": "text",
    "resources": "json",
}
_TIMES = frozenset(name for name, kind in OPERATION_COLUMNS.items() if kind == "timestamptz")
# The columns of a stored operation the chain reads (:class:`Stored`).
_CHAIN_COLUMNS = "id, object_id, phase, revision, started_at, finished_at, digest"
# What RETURNING gives of an inserted row: its id and key (the rest is what was sent).
_INSERTED = "id, object_id, started_at, digest"


def insert_operations(ctx: Context, rows: Sequence[Mapping[str, Any]]) -> list[Stored]:
    """Insert ``rows`` (in this order) unless stored; the rows inserted."""
    if not rows:
        return []
    found = (
        _insert_postgres(ctx, rows)
        if ctx.connection.dialect.name == "postgresql"
        else _insert_sqlite(ctx, rows)
    )
    return [
        Stored(
            int(row_id),
            row["object_id"],
            row["phase"],
            row["revision"],
            row["started_at"],
            row["finished_at"],
            row["digest"],
        )
        for row_id, row in found
    ]


class Newest(NamedTuple):
    """An object's newest stored success (its chain's last) and newest outcome's phase."""

    success: Stored | None
    outcome: tuple[Any, ...] | None  # (newest key, phase)


# Newest first, as each engine orders a NULL finish: first on PostgreSQL (DESC is NULLS
# FIRST there), last on SQLite (NULL is its smallest value).
_NEWEST = "ORDER BY s.finished_at DESC, s.started_at DESC, s.digest DESC LIMIT 1"
_NEWEST_COLUMNS = (
    "SELECT o.id, w.id, w.phase, w.revision, w.started_at, w.finished_at, w.digest, "
    "a.phase, a.started_at, a.finished_at, a.digest FROM "
)
_NEWEST_POSTGRES = (
    _NEWEST_COLUMNS + "unnest(%(ids)s::bigint[]) AS o(id) "
    f"LEFT JOIN LATERAL (SELECT {_CHAIN_COLUMNS} FROM sync_operations s WHERE s.object_id = o.id "
    f"AND s.phase = '{Phase.SUCCEEDED.value}' {_NEWEST}) w ON true "
    "LEFT JOIN LATERAL (SELECT phase, started_at, finished_at, digest FROM sync_operations s "
    f"WHERE s.object_id = o.id {_NEWEST}) a ON true"
)
_NEWEST_SQLITE = (
    _NEWEST_COLUMNS + "(SELECT o.id, "
    f"(SELECT s.id FROM sync_operations s WHERE s.object_id = o.id "
    f"AND s.phase = '{Phase.SUCCEEDED.value}' {_NEWEST}) AS success, "
    f"(SELECT s.id FROM sync_operations s WHERE s.object_id = o.id {_NEWEST}) AS outcome "
    "FROM objects o WHERE o.id IN ({ids})) AS o "
    "LEFT JOIN sync_operations w ON w.id = o.success "
    "LEFT JOIN sync_operations a ON a.id = o.outcome"
)


def newest_stored(ctx: Context, object_ids: set[int]) -> dict[int, Newest]:
    """Per object, its newest stored success and newest outcome, in one statement."""
    ids = sorted(object_ids)
    if not ids:
        return {}
    postgres = ctx.connection.dialect.name == "postgresql"
    if postgres:
        result = ctx.connection.exec_driver_sql(_NEWEST_POSTGRES, {"ids": pg_array(ids)})
    else:  # ids are integers the store made: written into the statement
        result = ctx.connection.exec_driver_sql(_NEWEST_SQLITE.format(ids=",".join(map(str, ids))))
    found: dict[int, Newest] = {}
    for row in result.all():
        success = None
        if row[1] is not None:
            success = stored((row[1], row[0], *row[2:7]))
        outcome = None
        if row[7] is not None:
            key = newest_key(postgres, read_time(row[9]), read_time(row[8]), row[10])
            outcome = (key, row[7])
        found[int(row[0])] = Newest(success, outcome)
    return found


_FIRST = datetime.min.replace(tzinfo=UTC)


def newest_key(
    postgres: bool, finished: datetime | None, started: datetime, digest: str
) -> tuple[Any, ...]:
    """The order of :data:`_NEWEST` on the engine as a key (the largest is the newest)."""
    return ((finished is None) == postgres, finished or _FIRST, started, digest)


def derived_states(
    postgres: bool, newest: Mapping[int, Newest], inserted: Sequence[Stored]
) -> dict[int, tuple[str | None, str]]:
    """Per object with inserted operations: its revision and sync status now.

    The revision is the newest success's, the status ``Ready`` when the newest outcome is a
    success (else ``NotReady``), the newest stored before and the inserted ones compared.
    """
    success: dict[int, tuple[tuple[Any, ...], str | None] | None] = {}
    outcome: dict[int, tuple[tuple[Any, ...], str]] = {}
    for object_id, known in newest.items():
        if known.success is not None:
            row = known.success
            key = newest_key(postgres, row.finished_at, row.started_at, row.digest)
            success[object_id] = (key, row.revision)
        if known.outcome is not None:
            outcome[object_id] = known.outcome
    for row in inserted:
        key = newest_key(postgres, row.finished_at, row.started_at, row.digest)
        if row.object_id not in outcome or key > outcome[row.object_id][0]:
            outcome[row.object_id] = (key, row.phase)
        if row.phase == _SUCCESS:
            before = success.get(row.object_id)
            if before is None or key > before[0]:
                success[row.object_id] = (key, row.revision)
    result: dict[int, tuple[str | None, str]] = {}
    for object_id in {row.object_id for row in inserted}:
        newest_success = success.get(object_id)
        status = "Ready" if outcome[object_id][1] == _SUCCESS else "NotReady"
        result[object_id] = (None if newest_success is None else newest_success[1], status)
    return result


_STAGING = "gitops_schema_ingest_operations"
# One staging table per session, emptied at every commit (one batch per transaction); its
# column types are the target's.
_CREATE_STAGING = (
    f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGING} ("
    + ", ".join(f"{name} {kind}" for name, kind in OPERATION_COLUMNS.items())
    + ") ON COMMIT DELETE ROWS"
)
_NAMES = ", ".join(OPERATION_COLUMNS)
_FROM_STAGING = (
    f"INSERT INTO sync_operations ({_NAMES}) SELECT {_NAMES} FROM {_STAGING} "
    # Inserted in key order, so that concurrent writers take the index locks in one order.
    f"ORDER BY object_id, started_at, digest ON CONFLICT DO NOTHING RETURNING {_INSERTED}"
)


Inserted = list[tuple[Any, Mapping[str, Any]]]  # (id, the row sent)


def _insert_postgres(ctx: Context, rows: Sequence[Mapping[str, Any]]) -> Inserted:
    ctx.connection.exec_driver_sql(_CREATE_STAGING)
    _copy(ctx, rows)
    returned = ctx.connection.exec_driver_sql(_FROM_STAGING).all()
    # Aware datetimes are equal (and hash alike) whatever their zone.
    sent = {(row["object_id"], row["started_at"], row["digest"]): row for row in rows}
    return [(found[0], sent[found[1], found[2], found[3]]) for found in returned]


def _copy(ctx: Context, rows: Sequence[Mapping[str, Any]]) -> None:
    """``COPY`` the rows into the staging table, on the transaction's own connection.

    The driver's errors are raised as SQLAlchemy's, as every other statement's are: ingest
    retries deadlocks by them and the server spools on an unreachable database by them.
    """
    driver = ctx.connection.connection.driver_connection
    assert driver is not None
    statement = f"COPY {_STAGING} ({_NAMES}) FROM STDIN"
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([_copy_value(name, row[name]) for name in OPERATION_COLUMNS])
    except psycopg.Error as error:
        raise DBAPIError.instance(
            statement, None, error, psycopg.Error, dialect=ctx.connection.dialect
        ) from error


def _copy_value(name: str, value: Any) -> Any:
    if name == "resources" and value is not None:
        return json.dumps(value)
    return value


# Rows per multi-row INSERT on SQLite (15 parameters each, under its limit of 32,766).
_SQLITE_ROWS = 500


def _insert_sqlite(ctx: Context, rows: Sequence[Mapping[str, Any]]) -> Inserted:
    found: Inserted = []
    for start in range(0, len(rows), _SQLITE_ROWS):
        chunk = rows[start : start + _SQLITE_ROWS]
        values: list[Any] = []
        sent: dict[tuple[Any, ...], Mapping[str, Any]] = {}
        for row in chunk:
            for name in OPERATION_COLUMNS:
                value = row[name]
                if name in _TIMES:
                    value = sqlite_time(value)
                elif name == "resources" and value is not None:
                    value = json.dumps(value)
                values.append(value)
            sent[row["object_id"], values[-len(OPERATION_COLUMNS) + _STARTED], row["digest"]] = row
        returned = ctx.connection.exec_driver_sql(_sqlite_insert(len(chunk)), tuple(values))
        found += [(r[0], sent[r[1], r[2], r[3]]) for r in returned.all()]
    return found


_STARTED = list(OPERATION_COLUMNS).index("started_at")


@lru_cache(maxsize=8)
def _sqlite_insert(count: int) -> str:
    one = "(" + ", ".join("?" for _ in OPERATION_COLUMNS) + ")"
    return (
        f"INSERT INTO sync_operations ({_NAMES}) VALUES {', '.join([one] * count)} "
        f"ON CONFLICT DO NOTHING RETURNING {_INSERTED}"
    )


# The state columns an event may set (never the definition: events are partial states).
STATE_COLUMNS = {
    "api_version": "text",
    "uid": "text",
    "project": "text",
    "source_url": "text",
    "source_path": "text",
    "target_revision": "text",
    "dest_server": "text",
    "dest_namespace": "text",
    "sync_status": "text",
    "health_status": "text",
    "revision": "text",
    "message": "text",
    "created_at": "timestamptz",
    "observed_at": "timestamptz",
}
_SUCCESS = Phase.SUCCEEDED.value


def update_objects(
    ctx: Context,
    changes: Mapping[int, Mapping[str, Any]],
    refreshed: Mapping[int, tuple[str | None, str]],
) -> None:
    """Write the objects' state changes and their derived revision and sync status.

    ``refreshed`` holds the revision and sync status of the objects whose operations this
    batch inserted (from :func:`derived_states`). ``changes`` hold non-null values only (a
    state never clears a column), so a column an object's change does not set is written as
    NULL and kept by ``COALESCE``.
    """
    ids = sorted(set(changes) | set(refreshed))
    if not ids:
        return
    columns = tuple(name for name in STATE_COLUMNS if any(name in c for c in changes.values()))
    postgres = ctx.connection.dialect.name == "postgresql"
    table: list[list[Any]] = [ids, [i in changes for i in ids], [i in refreshed for i in ids]]
    derived = [refreshed.get(i, (None, None)) for i in ids]
    table += [[pair[0] for pair in derived], [pair[1] for pair in derived]]
    for name in columns:
        values = [changes.get(i, {}).get(name) for i in ids]
        if not postgres and STATE_COLUMNS[name] == "timestamptz":
            values = [sqlite_time(value) for value in values]
        table.append(values)
    now = ctx.now if postgres else sqlite_time(ctx.now)
    if postgres:
        parameters = {"now": now, **{f"c{i}": pg_array(values) for i, values in enumerate(table)}}
        ctx.connection.exec_driver_sql(_postgres_update(columns), parameters)
    else:
        rows = [(now, *row) for row in zip(*table, strict=True)]
        ctx.connection.exec_driver_sql(_sqlite_update(columns), rows)


def _assignments(columns: tuple[str, ...], value: Any) -> str:
    """``SET`` items: each changed column, ``updated_at``, the derived columns."""
    items = [
        f"{name} = COALESCE({value(name)}, o.{name})" for name in columns if name not in _GIVEN
    ]
    changed, now = value("changed"), value("now")
    items.append(f"updated_at = CASE WHEN {changed} THEN {now} ELSE o.updated_at END")
    for name, given in _GIVEN.items():
        kept = f"COALESCE({value(name)}, o.{name})" if name in columns else f"o.{name}"
        items.append(f"{name} = CASE WHEN {value('refresh')} THEN {value(given)} ELSE {kept} END")
    return ", ".join(items)


# The derived columns and the names of their given values.
_GIVEN = {"revision": "new_revision", "sync_status": "new_sync_status"}
_FIXED = ("id", "changed", "refresh", "new_revision", "new_sync_status")


@lru_cache(maxsize=32)
def _postgres_update(columns: tuple[str, ...]) -> str:
    names = (*_FIXED, *columns)
    kinds: tuple[str, ...] = ("bigint", "boolean", "boolean", "text", "text")
    kinds += tuple(STATE_COLUMNS[name] for name in columns)
    arrays = ", ".join(f"%(c{index})s::{kind}[]" for index, kind in enumerate(kinds))

    def value(name: str) -> str:
        return "%(now)s" if name == "now" else f"v.{name}"

    return (
        f"UPDATE objects AS o SET {_assignments(columns, value)} "
        f"FROM unnest({arrays}) AS v({', '.join(names)}) WHERE o.id = v.id"
    )


@lru_cache(maxsize=32)
def _sqlite_update(columns: tuple[str, ...]) -> str:
    order = ("now", *_FIXED, *columns)

    def value(name: str) -> str:
        return f"?{order.index(name) + 1}"

    return f"UPDATE objects AS o SET {_assignments(columns, value)} WHERE o.id = ?2"
