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
    EventRow,
    derived_states,
    insert_operations,
    newest_stored,
    update_objects,
)
from gitops_schema.store.records import Observation, Phase
from gitops_schema.store.writing import ChainKey, Context, IngestCounts


def is_event(observation: Observation) -> bool:
    """A Flux event: a partial state whose operations are keyed by their content.

    Its operations carry only the columns of an :data:`~.event_sql.EventRow`.
    """
    return observation.state.partial and all(
        operation.keyed_by_content
        and operation.started_at_exact
        and operation.deployed_at is None
        and operation.initiated_by is None
        and operation.resources is None
        for operation in observation.operations
    )


def write_events(
    ctx: Context,
    events: Sequence[tuple[int, Observation, int]],
    changes: Mapping[int, Mapping[str, Any]],
) -> None:
    """Store the operations of ``events`` (object id, event, its delivery) and what they derive.

    ``changes`` are the state columns each object's events set (folded in arrival order);
    they are written with the derived revision and sync status, in one statement. A row
    sent by several deliveries is counted inserted for the first, unchanged for the others;
    a deployment for the delivery of its operation (re-derived ones, after a late event, for
    the delivery of the first late success).
    """
    rows: dict[tuple[Any, ...], EventRow] = {}
    owners: dict[tuple[Any, ...], int] = {}
    sent = [0] * len(ctx.tallies)
    arrivals = ctx.arrivals
    for object_id, observation, delivery in events:
        for op in observation.operations:
            sent[delivery] += 1
            key = (object_id, op.started_at, op.digest)
            if key not in rows:
                finished = op.finished_at
                if finished is None and op.phase.completed:
                    finished = op.started_at
                rows[key] = (
                    object_id, op.digest, op.revision, op.phase.value, op.reason, op.message,
                    op.started_at, finished, op.duration_seconds, arrivals[delivery],
                )  # fmt: skip
                owners[key] = delivery
    succeeded = Phase.SUCCEEDED.value
    newest = newest_stored(ctx, {key[0] for key in rows})
    latest = {i: n.success for i, n in newest.items() if n.success is not None}
    inserted = insert_operations(ctx, ctx.origin.value, [rows[key] for key in sorted(rows)])
    owner_of: dict[int, int] = {}
    for row in inserted:
        delivery = owners[row.object_id, row.started_at, row.digest]
        owner_of[row.id] = delivery
        ctx.tallies[delivery].operations_inserted += 1
        sent[delivery] -= 1
    for delivery, unchanged in enumerate(sent):
        ctx.tallies[delivery].operations_unchanged += unchanged
    added: dict[int, list[Any]] = {}
    for row in inserted:
        if row.phase == succeeded:
            added.setdefault(row.object_id, []).append(row)
    derived: list[dict[str, Any]] = []
    late: dict[int, ChainKey] = {}
    late_owner: int | None = None
    for object_id, successes in sorted(added.items()):
        successes.sort(key=chain.key_of)
        last = latest.get(object_id)
        if last is None or chain.key_of(successes[0]) > chain.key_of(last):
            derived.extend(chain.extend(last, successes))
        else:
            late[object_id] = chain.key_of(successes[0])
            if late_owner is None:
                late_owner = owner_of[successes[0].id]
    for deployment in derived:
        ctx.tallies[owner_of[deployment["sync_operation_id"]]].deployments += 1
    ctx.counts = IngestCounts()  # counted above
    chain.insert_deployments(ctx, derived)
    ctx.use_all()
    if late_owner is not None:
        ctx.counts = ctx.tallies[late_owner]
    chain.rederive(ctx, late)
    ctx.use_all()
    postgres = ctx.connection.dialect.name == "postgresql"
    update_objects(ctx, changes, derived_states(postgres, newest, inserted))
