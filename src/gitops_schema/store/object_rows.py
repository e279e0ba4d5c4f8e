"""Object rows: found or created, locked for the transaction, their state kept newest.

Every object a batch speaks about is locked in one statement (``SELECT ... FOR UPDATE`` on
PostgreSQL, ordered by id; SQLite transactions start with ``BEGIN IMMEDIATE``), so several
``serve`` processes can ingest at once without interleaving on one object. Objects already
seen are locked by their id (remembered per engine), the others looked up by name.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import JSON, String, Text, bindparam, case, select, tuple_, update

from gitops_schema.store import chain_heads
from gitops_schema.store.chain import CHUNK
from gitops_schema.store.kept import PerEngine
from gitops_schema.store.records import ObjectKey, ObjectState, Phase, Tool
from gitops_schema.store.tables import UtcTime, objects, sync_operations
from gitops_schema.store.writing import ROW_VERSION, Context, pg_array, read_time

_KEY = (objects.c.tool, objects.c.cluster, objects.c.kind, objects.c.namespace, objects.c.name)


@dataclass
class Locked:
    """An object row this transaction holds, and the time of the state it stores."""

    id: int
    observed_at: datetime | None
    # Created by this transaction from the first state of the batch.
    created: bool = False
    # The version of the row as locked (see :mod:`.chain_heads`; None when unknown).
    version: str | None = None


def sort_key(key: ObjectKey) -> tuple[str, ...]:
    """The order objects are written in (one order for every writer)."""
    return (key.tool.value, key.cluster, key.kind, key.namespace, key.name)


def lock(ctx: Context, first_states: Mapping[ObjectKey, ObjectState]) -> dict[ObjectKey, Locked]:
    """Every object of ``first_states`` locked, the missing ones created from that state."""
    known = _IDS.of(ctx.connection.engine)
    found = _select_by_id(ctx, {known[key]: key for key in first_states if key in known})
    found.update(_select_locked(ctx, [key for key in first_states if key not in found]))
    missing = sorted((key for key in first_states if key not in found), key=sort_key)
    if missing:
        rows = [
            {**_identity(key), "updated_at": ctx.now, **state_values(first_states[key])}
            for key in missing
        ]
        if ctx.connection.dialect.name == "postgresql":
            inserted = _insert_postgres(ctx, rows)
        else:
            statement = ctx.insert(objects).on_conflict_do_nothing()
            returning = statement.returning(objects.c.id, *_KEY)
            inserted = list(ctx.connection.execute(returning, rows).all())
        for row in inserted:
            key = ObjectKey(_TOOLS[row[1]], *row[2:6])
            found[key] = Locked(int(row[0]), first_states[key].observed_at, created=True)
        # Others inserted meanwhile; their rows are ours once those writers commit.
        found.update(_select_locked(ctx, [key for key in missing if key not in found]))
    known.update((key, locked.id) for key, locked in found.items())
    if ctx.connection.dialect.name == "sqlite":
        stamp = _database_version(ctx)
        for locked in found.values():
            locked.version = stamp
    return found


def _database_version(ctx: Context) -> str:
    """The version of every row of an SQLite database, as this connection sees it.

    It is the connection and its ``data_version``, which changes when another connection
    (of this process or another) commits.
    """
    record = ctx.connection.connection.info
    token = record.get(_TOKEN)
    if token is None:
        token = record[_TOKEN] = next(_TOKENS)
    value = ctx.connection.exec_driver_sql("PRAGMA data_version").scalar()
    return f"sqlite:{token}:{value}"


_TOKEN = "gitops_schema.connection"
_TOKENS = itertools.count(1)


# Per engine, the ids of objects seen (an object row is never deleted, so its id stays); at
# most this many, then forgotten and learnt again.
_IDS: PerEngine[ObjectKey, int] = PerEngine(200_000)


def _select_by_id(ctx: Context, wanted: Mapping[int, ObjectKey]) -> dict[ObjectKey, Locked]:
    """The objects of ``wanted`` (id -> the key it was seen with) locked by id.

    An id whose row has another key (a database emptied and filled again under the same
    engine) is left out: its key is then looked up by name.
    """
    if not wanted:
        return {}
    ids = sorted(wanted)
    if ctx.connection.dialect.name == "postgresql":
        result = ctx.connection.exec_driver_sql(_LOCK_BY_ID, {"ids": pg_array(ids)})
    else:  # ids are integers the store made: written into the statement
        result = ctx.connection.exec_driver_sql(_BY_ID.format(ids=",".join(map(str, ids))))
    found: dict[ObjectKey, Locked] = {}
    for row in result.all():
        key = ObjectKey(_TOOLS[row[2]], *row[3:7])
        if wanted.get(int(row[0])) == key:
            found[key] = Locked(int(row[0]), read_time(row[1]), version=row[7])
    return found


_TOOLS = {tool.value: tool for tool in Tool}  # a dict look-up costs less than Tool(value)
_BY_ID = (
    "SELECT id, observed_at, tool, cluster, kind, namespace, name, NULL FROM objects "
    "WHERE id IN ({ids})"
)
_LOCK_BY_ID = (
    "SELECT id, observed_at, tool, cluster, kind, namespace, name, "
    f"{ROW_VERSION.format(table='objects')} FROM objects "
    "WHERE id = ANY(%(ids)s::bigint[]) ORDER BY id FOR UPDATE"
)


_PG_TYPES = {String: "text", Text: "text", UtcTime: "timestamptz"}
# The columns of a new object's row on PostgreSQL, as json_to_recordset reads them (the
# definition as the text SQLAlchemy's JSON type writes: json.dumps), in the order sent.
_NEW_OBJECT = {
    column.name: "text" if isinstance(column.type, JSON) else _PG_TYPES[type(column.type)]
    for column in objects.columns
    if column.name != "id"
}
_INSERT_OBJECTS = (
    f"INSERT INTO objects ({', '.join(_NEW_OBJECT)}) SELECT "
    + ", ".join(f"{name}::json" if name == "definition" else name for name in _NEW_OBJECT)
    + " FROM json_to_recordset(%(rows)s::json) AS v(n integer, "
    + ", ".join(f"{name} {kind}" for name, kind in _NEW_OBJECT.items())
    + ") ORDER BY n ON CONFLICT DO NOTHING RETURNING id, tool, cluster, kind, namespace, name"
)
_JSON_ROWS = msgspec.json.Encoder()


def _insert_postgres(ctx: Context, rows: list[dict[str, Any]]) -> list[Any]:
    """Insert new objects in one statement, in the order of ``rows`` (their ids' order)."""
    sent = [
        {**row, "n": place, "definition": json.dumps(row["definition"])}
        for place, row in enumerate(rows)
    ]
    parameters = {"rows": _JSON_ROWS.encode(sent).decode()}
    return list(ctx.connection.exec_driver_sql(_INSERT_OBJECTS, parameters).all())


_LOCK_BY_KEY = (
    "SELECT o.id, o.observed_at, o.tool, o.cluster, o.kind, o.namespace, o.name, "
    f"{ROW_VERSION.format(table='o')} FROM objects o JOIN json_to_recordset(%(keys)s::json) "
    "AS k(tool text, cluster text, kind text, namespace text, name text) "
    "ON o.tool = k.tool AND o.cluster = k.cluster AND o.kind = k.kind "
    "AND o.namespace = k.namespace AND o.name = k.name ORDER BY o.id FOR UPDATE OF o"
)


def _select_locked(ctx: Context, keys: Iterable[ObjectKey]) -> dict[ObjectKey, Locked]:
    wanted = [tuple(sort_key(key)) for key in keys]
    found: dict[ObjectKey, Locked] = {}
    if ctx.connection.dialect.name == "postgresql":
        for start in range(0, len(wanted), CHUNK):
            chunk = [
                dict(zip(_KEY_NAMES, key, strict=True)) for key in wanted[start : start + CHUNK]
            ]
            parameters = {"keys": _JSON_ROWS.encode(chunk).decode()}
            for row in ctx.connection.exec_driver_sql(_LOCK_BY_KEY, parameters):
                key = ObjectKey(_TOOLS[row[2]], *row[3:7])
                found[key] = Locked(int(row[0]), read_time(row[1]), version=row[7])
        return found
    for start in range(0, len(wanted), CHUNK):
        query = (
            select(objects.c.id, objects.c.observed_at, *_KEY)
            .where(tuple_(*_KEY).in_(wanted[start : start + CHUNK]))
            .order_by(objects.c.id)
            .with_for_update()
        )
        for row in ctx.connection.execute(query):
            found[_key_of(row)] = Locked(int(row.id), row.observed_at)
    return found


_KEY_NAMES = ("tool", "cluster", "kind", "namespace", "name")


def _identity(key: ObjectKey) -> dict[str, str]:
    return dict(zip(_KEY_NAMES, sort_key(key), strict=True))


def _key_of(row: Any) -> ObjectKey:
    return ObjectKey(Tool(row.tool), row.cluster, row.kind, row.namespace, row.name)


def state_changes(locked: Locked, state: ObjectState) -> dict[str, Any] | None:
    """The columns ``state`` sets when it is not older than the stored one, else None.

    ``locked`` then holds the state's time, so the states of one object can be folded in
    arrival order before one UPDATE writes them.
    """
    stored = locked.observed_at
    newer = state.observed_at is not None and (stored is None or state.observed_at >= stored)
    if not newer and not (stored is None and state.observed_at is None):
        return None
    columns = _PARTIAL_COLUMNS if state.partial else _STATE_COLUMNS
    # The fields in the order of the dataclass, read from its __dict__ (once per event).
    changes = {
        name: value for name, value in vars(state).items() if value is not None and name in columns
    }
    if not state.api_version:
        changes.pop("api_version", None)
    if state.observed_at is not None:
        locked.observed_at = state.observed_at
    return changes


def touch(ctx: Context, object_id: int) -> None:
    """Give the object's row a new version: its operations changed.

    The event path keeps what it knows of an object's chain while its row keeps its version
    (:mod:`.chain_heads`): a writer of operations that leaves the row as it is must touch it
    (PostgreSQL). SQLite's version changes with another connection's commit only: this
    process forgets what it knew of the object.
    """
    chain_heads.forget(ctx.connection.engine, object_id)
    if ctx.connection.dialect.name == "postgresql":
        ctx.connection.exec_driver_sql(_TOUCH, {"id": object_id})


_TOUCH = "UPDATE objects SET updated_at = updated_at WHERE id = %(id)s"


def write_states(ctx: Context, changes: Mapping[int, dict[str, Any]]) -> None:
    """UPDATE the objects' changed columns, one executemany per set of columns."""
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for object_id, values in sorted(changes.items()):
        columns = tuple(sorted(values))
        row = {f"v_{name}": values[name] for name in columns}
        by_columns.setdefault(columns, []).append({"v_id": object_id, **row})
    for columns, rows in by_columns.items():
        statement = (
            update(objects)
            .where(objects.c.id == bindparam("v_id"))
            .values({**{name: bindparam(f"v_{name}") for name in columns}, "updated_at": ctx.now})
        )
        ctx.connection.execute(statement, rows)


def refresh_event_states(ctx: Context, object_ids: Iterable[int]) -> None:
    """Derive the revision and sync status of objects known from events.

    The revision is the latest success's, the status the latest outcome's (Ready or NotReady).
    An event alone cannot say whether a later one was stored, so both are read back from the
    operations, whatever the arrival order.
    """
    ops = sync_operations.c
    newest = (ops.finished_at.desc(), ops.started_at.desc(), ops.digest.desc())
    mine = ops.object_id == objects.c.id
    revision = select(ops.revision).where(mine, ops.phase == Phase.SUCCEEDED.value)
    phase = select(ops.phase).where(mine).order_by(*newest).limit(1).scalar_subquery()
    status = case((phase == Phase.SUCCEEDED.value, "Ready"), else_="NotReady")
    ids = sorted(set(object_ids))
    for start in range(0, len(ids), CHUNK):
        ctx.connection.execute(
            update(objects)
            .where(objects.c.id.in_(ids[start : start + CHUNK]))
            .values(
                revision=revision.order_by(*newest).limit(1).scalar_subquery(),
                sync_status=status,
            )
        )


# The state columns of :func:`state_values`, and those a partial state may set.
_STATE_COLUMNS = frozenset({
    "api_version", "definition", "uid", "project", "source_url", "source_path",
    "target_revision", "dest_server", "dest_namespace", "sync_status", "health_status",
    "revision", "message", "created_at", "observed_at",
})  # fmt: skip
_PARTIAL_COLUMNS = _STATE_COLUMNS - {"definition"}


def state_values(state: ObjectState) -> dict[str, Any]:
    """The columns of an object's state."""
    return {
        "api_version": state.api_version,
        "definition": state.definition,
        "uid": state.uid,
        "project": state.project,
        "source_url": state.source_url,
        "source_path": state.source_path,
        "target_revision": state.target_revision,
        "dest_server": state.dest_server,
        "dest_namespace": state.dest_namespace,
        "sync_status": state.sync_status,
        "health_status": state.health_status,
        "revision": state.revision,
        "message": state.message,
        "created_at": state.created_at,
        "observed_at": state.observed_at,
    }
