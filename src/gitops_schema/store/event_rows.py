"""Flux events written in bulk: operations keyed by their content, one INSERT per batch.

A Flux event has no id; its operation's key is object + start + the digest of its content,
so a retried event is the same row. The operations of every event of a batch are inserted in
one statement (``ON CONFLICT DO NOTHING RETURNING``); the successes it adds after their
object's newest stored one extend the chain of deployments in one pass, and a success that
lands inside the chain (a late event) re-derives that object's chain from there.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row

from gitops_schema.store import chain
from gitops_schema.store.object_rows import refresh_event_states
from gitops_schema.store.operation_rows import operation_values
from gitops_schema.store.records import Observation, Phase
from gitops_schema.store.tables import sync_operations
from gitops_schema.store.writing import ChainKey, Context


def is_event(observation: Observation) -> bool:
    """A Flux event: a partial state whose operations are keyed by their content."""
    return observation.state.partial and all(
        operation.keyed_by_content for operation in observation.operations
    )


def write_events(ctx: Context, events: Sequence[tuple[int, Observation]]) -> None:
    """Store the operations of ``events`` (object id, event) and what they derive."""
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    total = 0
    for object_id, observation in events:
        for operation in observation.operations:
            total += 1
            key = (object_id, operation.started_at, operation.digest)
            if key not in rows:
                rows[key] = {
                    "object_id": object_id,
                    "origin": ctx.origin.value,
                    "received_at": ctx.now,
                    **operation_values(operation),
                }
    if not rows:
        return
    succeeded = Phase.SUCCEEDED.value
    latest = chain.latest_successes(
        ctx, (row["object_id"] for row in rows.values() if row["phase"] == succeeded)
    )
    inserted = _insert(ctx, [rows[key] for key in sorted(rows, key=lambda k: (k[0], k[1], k[2]))])
    ctx.counts.operations_inserted += len(inserted)
    ctx.counts.operations_unchanged += total - len(inserted)
    added: dict[int, list[Any]] = {}
    for row in inserted:
        if row.phase == succeeded:
            added.setdefault(row.object_id, []).append(row)
    derived: list[dict[str, Any]] = []
    late: dict[int, ChainKey] = {}
    for object_id, successes in sorted(added.items()):
        successes.sort(key=chain.key_of)
        last = latest.get(object_id)
        if last is None or chain.key_of(successes[0]) > chain.key_of(last):
            derived.extend(chain.extend(last, successes))
        else:
            late[object_id] = chain.key_of(successes[0])
    chain.insert_deployments(ctx, derived)
    chain.rederive(ctx, late)
    refresh_event_states(ctx, {row.object_id for row in inserted})


# The columns of an inserted operation and their PostgreSQL types.
_PG_COLUMNS = {
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
_RETURNED = "id, object_id, phase, revision, started_at, finished_at, digest"
_PG_INSERT = (
    f"INSERT INTO sync_operations ({', '.join(_PG_COLUMNS)}) SELECT * FROM unnest("
    + ", ".join(f"%({name})s::{kind}[]" for name, kind in _PG_COLUMNS.items())
    + f") ON CONFLICT DO NOTHING RETURNING {_RETURNED}"
)


def _insert(ctx: Context, rows: list[dict[str, Any]]) -> list[Row[Any]]:
    """Insert ``rows`` unless stored; the rows inserted.

    On PostgreSQL one short statement takes a column array each (``unnest``): a multi-row
    VALUES of a whole batch costs more to build and parse than to write.
    """
    if ctx.connection.dialect.name != "postgresql":
        statement = ctx.insert(sync_operations).on_conflict_do_nothing()
        return list(ctx.connection.execute(statement.returning(*sync_operations.c), rows))
    columns: dict[str, list[Any]] = {name: [] for name in _PG_COLUMNS}
    for row in rows:
        for name, values in columns.items():
            values.append(row[name])
    columns["resources"] = [None if r is None else json.dumps(r) for r in columns["resources"]]
    return list(ctx.connection.exec_driver_sql(_PG_INSERT, columns))
