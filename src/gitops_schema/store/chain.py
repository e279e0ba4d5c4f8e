"""The derived deployments of the store.

A deployment is a successful operation whose revision differs from its object's previous
successful one, the successes ordered by finish time (then start, digest).
The rows are kept exact after every write, whatever the order of arrival: a success that
lands in the middle of its object's chain re-derives the successes after it; successes that
land after the newest stored one (the usual case) extend the chain in one pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Row, delete, select, tuple_, update

from gitops_schema.store.records import Phase
from gitops_schema.store.tables import deployments, sync_operations
from gitops_schema.store.writing import (
    ChainKey,
    Context,
    bound,
    chain_key,
    pg_array,
    sqlite_time,
)

_OPS = sync_operations.c
_IN_ORDER = (_OPS.finished_at, _OPS.started_at, _OPS.digest)
_NEWEST_FIRST = tuple(column.desc() for column in _IN_ORDER)
_SUCCESS = Phase.SUCCEEDED.value
# Rows per IN list.
CHUNK = 500


def key_of(row: Any) -> ChainKey:
    """The chain key of a stored operation."""
    return chain_key(row.finished_at, row.started_at, row.digest)


def neighbour(ctx: Context, object_id: int, key: ChainKey, *, after: bool) -> Row[Any] | None:
    """The success right after (or before) ``key`` in the object's chain."""
    query = select(sync_operations).where(_OPS.object_id == object_id, _OPS.phase == _SUCCESS)
    if after:
        query = query.where(tuple_(*_IN_ORDER) > bound(key)).order_by(*_IN_ORDER)
    else:
        query = query.where(tuple_(*_IN_ORDER) < bound(key)).order_by(*_NEWEST_FIRST)
    return ctx.connection.execute(query.limit(1)).first()


def extend(latest: Any, added: Sequence[Any]) -> list[dict[str, Any]]:
    """The deployment rows of successes ``added`` after ``latest`` (the chain's last one).

    ``added`` are in chain order, all after ``latest``; nothing stored after them changes.
    """
    rows: list[dict[str, Any]] = []
    before = latest.revision if latest is not None else None
    for row in added:
        if row.revision and (before is None or before != row.revision):
            rows.append(
                {
                    "object_id": row.object_id,
                    "sync_operation_id": row.id,
                    "revision": row.revision,
                    "previous_revision": before,
                    "started_at": row.started_at,
                    "finished_at": row.finished_at,
                }
            )
        before = row.revision
    return rows


def insert_deployments(ctx: Context, rows: list[dict[str, Any]]) -> None:
    """Insert derived deployment rows in one statement."""
    if not rows:
        return
    if ctx.connection.dialect.name == "postgresql":
        arrays = {name: pg_array(row[name] for row in rows) for name in DEPLOYMENT_COLUMNS}
        ctx.connection.exec_driver_sql(_PG_DEPLOYMENTS, arrays)
    else:
        values = [
            tuple(sqlite_time(v) if name in _TIMES else v for name, v in row.items())
            for row in ({name: row[name] for name in DEPLOYMENT_COLUMNS} for row in rows)
        ]
        ctx.connection.exec_driver_sql(_SQLITE_DEPLOYMENTS, values)
    ctx.counts.deployments += len(rows)


# The columns of a deployment row and their PostgreSQL types.
DEPLOYMENT_COLUMNS = {
    "object_id": "bigint",
    "sync_operation_id": "bigint",
    "revision": "text",
    "previous_revision": "text",
    "started_at": "timestamptz",
    "finished_at": "timestamptz",
}
_TIMES = ("started_at", "finished_at")
_PG_DEPLOYMENTS = (
    f"INSERT INTO deployments ({', '.join(DEPLOYMENT_COLUMNS)}) SELECT * FROM unnest("
    + ", ".join(f"%({name})s::{kind}[]" for name, kind in DEPLOYMENT_COLUMNS.items())
    + ")"
)
_SQLITE_DEPLOYMENTS = (
    f"INSERT INTO deployments ({', '.join(DEPLOYMENT_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in DEPLOYMENT_COLUMNS)})"
)


# The columns of a stored operation the chain reads, in the order of :class:`Stored`.
_COLUMNS = ("id", "object_id", "phase", "revision", "started_at", "finished_at", "digest")


class Deployment(NamedTuple):
    """A stored deployment row (its id and derived columns)."""

    id: int
    revision: str
    previous_revision: str | None
    started_at: datetime
    finished_at: datetime


def refresh(ctx: Context, object_id: int, row: Any, old_key: ChainKey | None) -> None:
    """Re-derive the deployment flags the change of one operation can affect.

    ``row`` is the operation as stored now. The flags are its own and those of the successes
    right after its old and new places in the object's chain.
    """
    to_check = {row.id: row}
    if old_key is not None:
        after_old = neighbour(ctx, object_id, old_key, after=True)
        if after_old is not None:
            to_check[after_old.id] = after_old
    if row.phase == _SUCCESS:
        after_new = neighbour(ctx, object_id, key_of(row), after=True)
        if after_new is not None:
            to_check[after_new.id] = after_new
    for operation_id in sorted(to_check):
        derive(ctx, object_id, to_check[operation_id])


def derive(ctx: Context, object_id: int, row: Any) -> None:
    """Make the deployment row of one operation (as stored now) what its place says."""
    existing = ctx.connection.execute(
        select(deployments).where(deployments.c.sync_operation_id == row.id)
    ).first()
    wanted: list[dict[str, Any]] = []
    if row.phase == _SUCCESS and row.revision:
        wanted = extend(neighbour(ctx, object_id, key_of(row), after=False), [row])
    if not wanted:
        if existing is not None:
            ctx.connection.execute(delete(deployments).where(deployments.c.id == existing.id))
    elif existing is None:
        insert_deployments(ctx, wanted)
    elif differs(existing, wanted[0]):
        ctx.connection.execute(
            update(deployments).where(deployments.c.id == existing.id).values(**_derived(wanted[0]))
        )


def forget(ctx: Context, object_id: int, row: Row[Any]) -> None:
    """Delete an operation found to repeat another's sync, keeping the chain exact."""
    ctx.connection.execute(delete(deployments).where(deployments.c.sync_operation_id == row.id))
    ctx.connection.execute(delete(sync_operations).where(_OPS.id == row.id))
    if row.phase == _SUCCESS:
        after = neighbour(ctx, object_id, key_of(row), after=True)
        if after is not None:
            derive(ctx, object_id, after)


_DERIVED = ("revision", "previous_revision", "started_at", "finished_at")


def _derived(row: dict[str, Any]) -> dict[str, Any]:
    return {name: row[name] for name in _DERIVED}


def differs(stored: Any, wanted: dict[str, Any]) -> bool:
    """Whether a stored deployment row's derived columns differ from ``wanted``'s."""
    return any(getattr(stored, name) != wanted[name] for name in _DERIVED)
