"""Flux events written in bulk: operations keyed by their content, one INSERT per batch.

A Flux event has no id; its operation's key is object + start + the digest of its content,
so a retried event is the same row. The operations of every event of a batch are inserted in
one statement (``ON CONFLICT DO NOTHING RETURNING``, :mod:`.event_sql`); the successes it
adds after their object's newest stored one extend the chain of deployments in one pass, and
a success that lands inside the chain (a late event) re-derives that object's chain from
there. The objects' states are written last, in one statement with what the new operations
derive (revision, sync status).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gitops_schema.store import chain
from gitops_schema.store.event_sql import (
    derived_states,
    insert_operations,
    newest_stored,
    update_objects,
)
from gitops_schema.store.operation_rows import operation_values
from gitops_schema.store.records import Observation, Phase
from gitops_schema.store.writing import ChainKey, Context


def is_event(observation: Observation) -> bool:
    """A Flux event: a partial state whose operations are keyed by their content."""
    return observation.state.partial and all(
        operation.keyed_by_content for operation in observation.operations
    )


def write_events(
    ctx: Context,
    events: Sequence[tuple[int, Observation]],
    changes: Mapping[int, Mapping[str, Any]],
) -> None:
    """Store the operations of ``events`` (object id, event) and what they derive.

    ``changes`` are the state columns each object's events set (folded in arrival order);
    they are written with the derived revision and sync status, in one statement.
    """
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    total = 0
    origin = ctx.origin.value
    for object_id, observation in events:
        for operation in observation.operations:
            total += 1
            key = (object_id, operation.started_at, operation.digest)
            if key not in rows:
                rows[key] = {
                    "object_id": object_id,
                    "origin": origin,
                    "received_at": ctx.now,
                    **operation_values(operation),
                }
    succeeded = Phase.SUCCEEDED.value
    newest = newest_stored(ctx, {row["object_id"] for row in rows.values()})
    latest = {i: n.success for i, n in newest.items() if n.success is not None}
    inserted = insert_operations(ctx, [rows[key] for key in sorted(rows)])
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
    postgres = ctx.connection.dialect.name == "postgresql"
    update_objects(ctx, changes, derived_states(postgres, newest, inserted))
