"""Operations written one by one, folded into the stored row of the same sync.

Used for Argo CD (an operationState and the history entries of the same sync are one row:
app + ``startedAt`` keys an operation, app + ``deployedAt`` a history entry) and for polled
Flux objects. An entry with ``deployStartedAt`` is the operation that started then; one
without it is matched to the successful operation of the same revision that finished within
:data:`HISTORY_MATCH` of its ``deployedAt``.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Row, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from gitops_schema.store import chain
from gitops_schema.store.records import HISTORY_DIGEST, Operation, Phase
from gitops_schema.store.tables import sync_operations
from gitops_schema.store.writing import Context

# Argo CD stamps a history entry's deployedAt just before the operation's finishedAt.
HISTORY_MATCH = timedelta(minutes=2)
# The columns that place a successful operation in its object's chain of deployments.
_CHAIN_COLUMNS = {"phase", "revision", "started_at", "finished_at", "digest"}
_OPS = sync_operations.c


def write_operations(ctx: Context, object_id: int, operations: list[Operation]) -> bool:
    """Store the operations one payload shows of one object; whether any row changed."""
    # One query finds the stored rows a payload's operations can be (a payload repeats the
    # same history entries again and again); it is re-read only after a change.
    known = _known(ctx, object_id, operations)
    changed = False
    for operation in operations:
        if _operation(ctx, object_id, operation, known):
            known = _known(ctx, object_id, operations)
            changed = True
    return changed


def operation_values(operation: Operation) -> dict[str, Any]:
    """The columns of ``operation`` (a completed one without a finish ends at its start)."""
    finished = operation.finished_at
    if finished is None and operation.phase.completed:
        finished = operation.started_at
    return {
        "digest": operation.digest,
        "revision": operation.revision,
        "phase": operation.phase.value,
        "reason": operation.reason,
        "message": operation.message,
        "started_at": operation.started_at,
        "started_at_exact": operation.started_at_exact,
        "finished_at": finished,
        "duration_seconds": operation.duration_seconds,
        "deployed_at": operation.deployed_at,
        "initiated_by": operation.initiated_by,
        "resources": operation.resources,
    }


def _known(ctx: Context, object_id: int, operations: list[Operation]) -> list[Row[Any]]:
    if not operations:
        return []
    starts = {operation.started_at for operation in operations}
    deployed = {o.deployed_at for o in operations if o.deployed_at is not None}
    matches: ColumnElement[bool] = _OPS.started_at.in_(starts)
    if deployed:
        matches = or_(matches, _OPS.deployed_at.in_(deployed))
    query = select(sync_operations).where(_OPS.object_id == object_id, matches)
    return list(ctx.connection.execute(query).all())


def _operation(ctx: Context, object_id: int, operation: Operation, known: list[Row[Any]]) -> bool:
    """Store one operation; whether anything changed."""
    existing = _matching(ctx, object_id, operation, known)
    if existing is not None:
        return _fold(ctx, object_id, existing, operation)
    new = ctx.connection.execute(
        ctx.insert(sync_operations)
        .values(
            object_id=object_id,
            origin=ctx.origin.value,
            received_at=ctx.now,
            **operation_values(operation),
        )
        .returning(*sync_operations.c)
    ).one()
    ctx.counts.operations_inserted += 1
    if operation.phase is Phase.SUCCEEDED:
        chain.refresh(ctx, object_id, new, old_key=None)
    return True


def _fold(ctx: Context, object_id: int, existing: Row[Any], operation: Operation) -> bool:
    """Fold ``operation`` into the stored row of the same sync; whether anything changed."""
    merged = merge(existing, operation)
    if not merged:
        ctx.counts.operations_unchanged += 1
        return False
    same_sync = _holder_of_key(ctx, existing, merged)
    if same_sync is not None:
        chain.forget(ctx, object_id, existing)
        _fold(ctx, object_id, same_sync, operation)
        return True
    ctx.connection.execute(update(sync_operations).where(_OPS.id == existing.id).values(**merged))
    ctx.counts.operations_updated += 1
    if not _CHAIN_COLUMNS & merged.keys():
        return True  # e.g. a history entry's deployedAt: the chain of successes is as it was
    old_key = chain.key_of(existing) if existing.phase == Phase.SUCCEEDED else None
    chain.refresh(ctx, object_id, SimpleNamespace(**{**existing._mapping, **merged}), old_key)
    return True


def _holder_of_key(ctx: Context, existing: Row[Any], merged: dict[str, Any]) -> Row[Any] | None:
    """Another stored operation that already has the key ``merged`` gives ``existing``.

    A history entry stored before its start time was known and an operationState stored
    unpaired are the same sync once an entry with both deployedAt and deployStartedAt
    arrives: the entry then names both rows.
    """
    if "started_at" not in merged and "digest" not in merged:
        return None
    return ctx.connection.execute(
        select(sync_operations).where(
            _OPS.object_id == existing.object_id,
            _OPS.started_at == merged.get("started_at", existing.started_at),
            _OPS.digest == merged.get("digest", existing.digest),
            _OPS.id != existing.id,
        )
    ).first()


def _matching(
    ctx: Context, object_id: int, operation: Operation, known: list[Row[Any]]
) -> Row[Any] | None:
    if operation.deployed_at is not None:
        for row in known:
            if row.deployed_at == operation.deployed_at:
                return row
    for row in known:
        if row.started_at == operation.started_at and row.digest == operation.digest:
            return row
    if operation.keyed_by_content:
        return None
    return _paired_argocd_operation(ctx, object_id, operation)


def _paired_argocd_operation(ctx: Context, object_id: int, operation: Operation) -> Row[Any] | None:
    """A history entry and an operation that are the same sync by revision and time.

    Used when start times cannot say so: same revision, finished within
    :data:`HISTORY_MATCH` of each other.
    """
    if operation.phase is not Phase.SUCCEEDED or operation.finished_at is None:
        return None
    if operation.deployed_at is not None and operation.started_at_exact:
        return None  # an entry with deployStartedAt matched by start time or nothing
    query = select(sync_operations).where(
        _OPS.object_id == object_id,
        _OPS.phase == Phase.SUCCEEDED.value,
        _OPS.revision == operation.revision,
        _OPS.finished_at.between(
            operation.finished_at - HISTORY_MATCH, operation.finished_at + HISTORY_MATCH
        ),
    )
    if operation.deployed_at is not None:
        query = query.where(_OPS.digest == "", _OPS.deployed_at.is_(None))
    else:
        query = query.where(_OPS.digest == HISTORY_DIGEST)
    candidates = ctx.connection.execute(query).all()
    if not candidates:
        return None
    finished = operation.finished_at
    return min(candidates, key=lambda row: abs(row.finished_at - finished))


def merge(existing: Row[Any], operation: Operation) -> dict[str, Any]:
    """The column changes that fold ``operation`` into the stored one; {} when none.

    The result does not depend on arrival order: a completed phase beats a running one,
    an exact start beats a history entry's deployedAt, an operationState's finishedAt beats
    a history entry's deployedAt, and the duration follows from the merged times.
    """
    if operation.keyed_by_content:
        return {}  # a Flux event's key is its whole content: the same event, unchanged
    new = operation_values(operation)
    merged: dict[str, Any] = {}
    if Phase(new["phase"]).completed and not Phase(existing.phase).completed:
        for name in ("phase", "message", "resources", "reason"):
            merged[name] = new[name]
    for name in ("revision", "message", "initiated_by", "resources", "reason"):
        if getattr(existing, name) is None and new[name] is not None:
            merged.setdefault(name, new[name])
    if operation.started_at_exact and not existing.started_at_exact:
        merged.update(started_at=operation.started_at, started_at_exact=True, digest="")
    if existing.deployed_at is None and operation.deployed_at is not None:
        merged["deployed_at"] = operation.deployed_at
    is_state = operation.deployed_at is None
    if new["finished_at"] is not None and (
        existing.finished_at is None
        or (is_state and operation.phase.completed and existing.deployed_at is not None)
    ):
        merged["finished_at"] = new["finished_at"]
    started = merged.get("started_at", existing.started_at)
    exact = merged.get("started_at_exact", existing.started_at_exact)
    finished = merged.get("finished_at", existing.finished_at)
    duration = (finished - started).total_seconds() if exact and finished else None
    if duration != existing.duration_seconds and (finished or not existing.finished_at):
        merged["duration_seconds"] = duration
    return {name: value for name, value in merged.items() if getattr(existing, name) != value}
