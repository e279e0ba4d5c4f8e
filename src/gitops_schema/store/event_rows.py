"""Flux events written in bulk: operations keyed by their content, one INSERT per batch.

A Flux event has no id; its operation's key is object + start + the digest of its content,
so a retried event is the same row. Per batch, one statement reads what each object's chain
needs (:mod:`.event_sql`): its newest outcome, the stored success before the batch's first
success and the stored successes from there on (none unless the batch is late); the
operations of every event are inserted in one statement (``ON CONFLICT DO NOTHING
RETURNING``); the chain from the batch's first success on is derived again in Python, and
the deployments it adds, moves or drops are written with the objects' states and what the
new operations derive (revision, sync status) in one statement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gitops_schema.store import chain, chain_heads
from gitops_schema.store.chain import Deployment
from gitops_schema.store.event_sql import (
    Derived,
    EventRow,
    Newest,
    derived_states,
    finish,
    insert_operations,
    late_stored,
    newest_stored,
)
from gitops_schema.store.records import HISTORY_DIGEST, Observation, Phase
from gitops_schema.store.writing import ChainKey, Context, Stored, chain_key


def is_event(observation: Observation) -> bool:
    """A Flux event: a partial state whose operations are keyed by their content.

    Its operations carry only the columns of an :data:`~.event_sql.EventRow`.
    """
    if not observation.state.partial:
        return False
    for operation in observation.operations:  # a loop: called for every event, twice
        if (
            operation.digest in _NOT_CONTENT
            or not operation.started_at_exact
            or operation.deployed_at is not None
            or operation.initiated_by is not None
            or operation.resources is not None
        ):
            return False
    return True


# The digests of operations keyed otherwise than by their content (Operation.keyed_by_content).
_NOT_CONTENT = frozenset({"", HISTORY_DIGEST})


def write_events(
    ctx: Context,
    events: Sequence[tuple[int, Observation, int]],
    changes: Mapping[int, Mapping[str, Any]],
    versions: Mapping[int, str | None],
) -> None:
    """Store the operations of ``events`` (object id, event, its delivery) and what they derive.

    ``changes`` are the state columns each object's events set (folded in arrival order);
    they are written with the derived revision and sync status, in one statement. A row
    sent by several deliveries is counted inserted for the first, unchanged for the others;
    a deployment for the delivery of its operation (re-derived ones, after a late event, for
    the delivery of the first late success). ``versions`` are the versions of the objects'
    rows as locked: the chain of an object whose row is as this process left it is not read
    again (:mod:`.chain_heads`).
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
    # Per object, the chain key of its batch's first success (None: no success).
    firsts: dict[int, ChainKey | None] = {}
    for object_id, _, _ in rows:
        firsts[object_id] = None
    for sent_row in rows.values():
        if sent_row[3] == succeeded:
            mine = chain_key(sent_row[7], sent_row[6], sent_row[1])
            first = firsts[sent_row[0]]
            if first is None or mine < first:
                firsts[sent_row[0]] = mine
    postgres = ctx.connection.dialect.name == "postgresql"
    remembered = chain_heads.heads(ctx.connection.engine)
    newest, late = chain_heads.newest_known(postgres, remembered, versions, firsts)
    if late and postgres:
        newest.update(late_stored(ctx, late))
    newest.update(newest_stored(ctx, {o: k for o, k in firsts.items() if o not in newest}))
    inserted = insert_operations(ctx, ctx.origin.value, [rows[key] for key in sorted(rows)])
    owner_of: dict[int, int] = {}
    for row in inserted:
        delivery = owners[row.object_id, row.started_at, row.digest]
        owner_of[row.id] = delivery
        ctx.tallies[delivery].operations_inserted += 1
        sent[delivery] -= 1
    for delivery, unchanged in enumerate(sent):
        ctx.tallies[delivery].operations_unchanged += unchanged
    added: dict[int, list[Stored]] = {}
    for row in inserted:
        if row.phase == succeeded:
            added.setdefault(row.object_id, []).append(row)
    # The chain of each object from its batch's first success on: the stored success before
    # it, then the new successes and the stored ones after it (a late batch), in order.
    wanted: dict[int, dict[str, Any]] = {}
    existing: dict[int, Deployment] = {}
    for object_id, successes in added.items():
        known = newest[object_id]
        first_owner = owner_of[min(successes, key=chain.key_of).id]
        for row, deployment in known.after:
            owner_of.setdefault(row.id, first_owner)
            if deployment is not None:
                existing[row.id] = deployment
        ordered = sorted([*successes, *(row for row, _ in known.after)], key=chain.key_of)
        for deployment_row in chain.extend(known.before, ordered):
            wanted[deployment_row["sync_operation_id"]] = deployment_row
    gone = [d.id for operation, d in existing.items() if operation not in wanted]
    changed = [
        {"id": d.id, **wanted[operation]}
        for operation, d in existing.items()
        if operation in wanted and chain.differs(d, wanted[operation])
    ]
    new = [wanted_row for operation, wanted_row in wanted.items() if operation not in existing]
    for wanted_row in new:
        ctx.tallies[owner_of[wanted_row["sync_operation_id"]]].deployments += 1
    written = finish(
        ctx,
        Derived(gone, changed, new),
        changes,
        derived_states(postgres, newest, inserted),
    )
    _keep_heads(ctx, newest, inserted, versions, written)


def _keep_heads(
    ctx: Context,
    newest: Mapping[int, Newest],
    inserted: Sequence[Stored],
    versions: Mapping[int, str | None],
    written: Mapping[int, str],
) -> None:
    """Once committed, keep the objects' chain heads with their rows' new versions.

    A row this batch did not write keeps the version it was locked with (nothing was
    inserted for it: the objects of inserted operations are written); so do all rows on
    SQLite, whose version this connection's own commits leave as it is. The heads of other
    objects whose rows this batch wrote are forgotten.
    """
    now = {o: written.get(o, versions.get(o)) for o in newest}
    postgres = ctx.connection.dialect.name == "postgresql"
    heads = chain_heads.after_write(
        postgres, newest, inserted, {o: v for o, v in now.items() if v is not None}
    )
    dropped = [o for o in {*written, *newest} if o not in heads]
    engine = ctx.connection.engine
    ctx.committed.append(lambda: chain_heads.remember(engine, heads, dropped))
