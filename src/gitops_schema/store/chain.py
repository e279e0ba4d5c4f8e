"""The derived deployments of the store.

A deployment is a successful operation whose revision differs from its object's previous
successful one, the successes ordered by finish time (then start, digest).
The rows are kept exact after every write, whatever the order of arrival: a success that
lands in the middle of its object's chain re-derives the successes after it; successes that
land after the newest stored one (the usual case) extend the chain in one pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from itertools import groupby
from typing import Any, NamedTuple

from sqlalchemy import Row, bindparam, delete, select, tuple_, update

from gitops_schema.store.records import Phase
from gitops_schema.store.tables import deployments, sync_operations
from gitops_schema.store.writing import (
    ChainKey,
    Context,
    Stored,
    bound,
    chain_key,
    pg_array,
    read_time,
    sqlite_time,
    stored,
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
        arrays = {name: pg_array(row[name] for row in rows) for name in _DEPLOYMENT_COLUMNS}
        ctx.connection.exec_driver_sql(_PG_DEPLOYMENTS, arrays)
    else:
        values = [
            tuple(sqlite_time(v) if name in _TIMES else v for name, v in row.items())
            for row in ({name: row[name] for name in _DEPLOYMENT_COLUMNS} for row in rows)
        ]
        ctx.connection.exec_driver_sql(_SQLITE_DEPLOYMENTS, values)
    ctx.counts.deployments += len(rows)


_DEPLOYMENT_COLUMNS = {
    "object_id": "bigint",
    "sync_operation_id": "bigint",
    "revision": "text",
    "previous_revision": "text",
    "started_at": "timestamptz",
    "finished_at": "timestamptz",
}
_TIMES = ("started_at", "finished_at")
_PG_DEPLOYMENTS = (
    f"INSERT INTO deployments ({', '.join(_DEPLOYMENT_COLUMNS)}) SELECT * FROM unnest("
    + ", ".join(f"%({name})s::{kind}[]" for name, kind in _DEPLOYMENT_COLUMNS.items())
    + ")"
)
_SQLITE_DEPLOYMENTS = (
    f"INSERT INTO deployments ({', '.join(_DEPLOYMENT_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _DEPLOYMENT_COLUMNS)})"
)


def rederive(ctx: Context, firsts: Mapping[int, ChainKey]) -> None:
    """Re-derive the deployments of each object's successes from its first key on.

    Set-based: per :data:`CHUNK` objects, one query finds each chain's success before its
    first key, one the successes from it on, one their deployment rows; the changes are
    written by one statement per kind. The keys go to the database as a table of values
    (``unnest`` of arrays on PostgreSQL, ``VALUES`` on SQLite).
    """
    items = sorted(firsts.items())
    for start in range(0, len(items), CHUNK):
        _rederive(ctx, items[start : start + CHUNK])


def _rederive(ctx: Context, items: list[tuple[int, ChainKey]]) -> None:
    bounds, parameters = _bounds(ctx, items)
    key = "(s.finished_at, s.started_at, s.digest) {} (b.finished_at, b.started_at, b.digest)"
    columns = ", ".join(f"s.{name}" for name in _COLUMNS)
    success = f"s.object_id = b.object_id AND s.phase = '{_SUCCESS}'"
    newest_first = "ORDER BY s.finished_at DESC, s.started_at DESC, s.digest DESC LIMIT 1"
    if ctx.connection.dialect.name == "postgresql":
        before = (
            f"SELECT p.* FROM {bounds} AS b CROSS JOIN LATERAL (SELECT {columns} "
            f"FROM sync_operations s WHERE {success} AND s.finished_at <= b.finished_at "
            f"AND {key.format('<')} {newest_first}) AS p"
        )
    else:
        before = (
            f"SELECT {', '.join(_COLUMNS)} FROM sync_operations WHERE id IN (SELECT (SELECT s.id "
            f"FROM sync_operations s WHERE {success} AND {key.format('<')} {newest_first}) "
            f"FROM {bounds} AS b)"
        )
    previous = {
        row.object_id: row
        for row in map(stored, ctx.connection.exec_driver_sql(before, parameters).all())
    }
    # The successes from each key on, with their deployment rows.
    from_key = (
        f"SELECT {columns}, d.id, d.revision, d.previous_revision, d.started_at, d.finished_at "
        f"FROM {bounds} AS b JOIN sync_operations s ON {success} "
        f"AND s.finished_at >= b.finished_at AND {key.format('>=')} "
        "LEFT JOIN deployments d ON d.sync_operation_id = s.id "
        "ORDER BY s.object_id, s.finished_at, s.started_at, s.digest"
    )
    later: list[Stored] = []
    existing: dict[int, Deployment] = {}
    for found in ctx.connection.exec_driver_sql(from_key, parameters).all():
        later.append(stored(found))
        if found[7] is not None:
            existing[int(found[0])] = Deployment(
                int(found[7]), found[8], found[9], read_time(found[10]), read_time(found[11])
            )
    wanted: dict[int, dict[str, Any]] = {}
    for object_id, rows in groupby(later, key=lambda row: row.object_id):
        for deployment in extend(previous.get(object_id), list(rows)):
            wanted[deployment["sync_operation_id"]] = deployment
    _apply(ctx, existing, wanted)


# The columns of a stored operation the chain reads, in the order of :class:`Stored`.
_COLUMNS = ("id", "object_id", "phase", "revision", "started_at", "finished_at", "digest")


class Deployment(NamedTuple):
    """A stored deployment row (its id and derived columns)."""

    id: int
    revision: str
    previous_revision: str | None
    started_at: datetime
    finished_at: datetime


def _bounds(ctx: Context, items: list[tuple[int, ChainKey]]) -> tuple[str, Any]:
    """The chain keys as a table b(object_id, finished_at, started_at, digest), its values."""
    if ctx.connection.dialect.name == "postgresql":
        columns = zip(*((object_id, *key) for object_id, key in items), strict=True)
        parameters = dict(zip("ofsd", map(pg_array, columns), strict=True))
        return (
            "unnest(%(o)s::bigint[], %(f)s::timestamptz[], %(s)s::timestamptz[], %(d)s::text[])"
            " AS t(object_id, finished_at, started_at, digest)"
        ).join(("(SELECT * FROM ", ")")), parameters
    values = tuple(
        value
        for object_id, (finished, started, digest) in items
        for value in (object_id, sqlite_time(finished), sqlite_time(started), digest)
    )
    rows = ", ".join(["(?, ?, ?, ?)"] * len(items))
    return (
        "(SELECT column1 AS object_id, column2 AS finished_at, column3 AS started_at, "
        f"column4 AS digest FROM (VALUES {rows}))"
    ), values


def _apply(ctx: Context, existing: Mapping[int, Any], wanted: dict[int, dict[str, Any]]) -> None:
    """Make the deployments ``existing`` (operation id -> row) be ``wanted`` (the same)."""
    gone = [row.id for key, row in existing.items() if key not in wanted]
    if gone:
        ctx.connection.execute(delete(deployments).where(deployments.c.id.in_(gone)))
    changed = [
        {"v_id": row.id, **{f"v_{name}": wanted[key][name] for name in _DERIVED}}
        for key, row in existing.items()
        if key in wanted and _differs(row, wanted[key])
    ]
    if changed:
        ctx.connection.execute(
            update(deployments)
            .where(deployments.c.id == bindparam("v_id"))
            .values({name: bindparam(f"v_{name}") for name in _DERIVED}),
            changed,
        )
    insert_deployments(ctx, [row for key, row in wanted.items() if key not in existing])


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
    elif _differs(existing, wanted[0]):
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


def _differs(stored: Row[Any], wanted: dict[str, Any]) -> bool:
    return any(getattr(stored, name) != wanted[name] for name in _DERIVED)
