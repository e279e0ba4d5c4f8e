"""Health transitions: a row per change of an object's health, keyed by object + time.

An observation of the status the object already had (an inexact sample: the time it was
seen, not when it changed) is not a transition and is dropped, whatever the arrival order.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update

from gitops_schema.store.records import HealthSample
from gitops_schema.store.tables import health_transitions
from gitops_schema.store.writing import Context

_ROWS = health_transitions.c


def write_health(ctx: Context, object_id: int, sample: HealthSample) -> None:
    """Store one health sample of an object."""
    same_time = ctx.connection.execute(
        select(health_transitions).where(
            _ROWS.object_id == object_id, _ROWS.transitioned_at == sample.since
        )
    ).first()
    if same_time is not None:
        if sample.exact and not same_time.exact:
            ctx.connection.execute(
                update(health_transitions)
                .where(_ROWS.id == same_time.id, _ROWS.transitioned_at == same_time.transitioned_at)
                .values(status=sample.status, message=sample.message, exact=True)
            )
        return
    before = ctx.connection.execute(
        select(health_transitions)
        .where(_ROWS.object_id == object_id, _ROWS.transitioned_at < sample.since)
        .order_by(_ROWS.transitioned_at.desc())
        .limit(1)
    ).first()
    if not sample.exact and before is not None and before.status == sample.status:
        return
    ctx.connection.execute(
        health_transitions.insert().values(
            object_id=object_id,
            status=sample.status,
            message=sample.message,
            transitioned_at=sample.since,
            exact=sample.exact,
            origin=ctx.origin.value,
        )
    )
    ctx.counts.health_inserted += 1
    after = ctx.connection.execute(
        select(health_transitions)
        .where(_ROWS.object_id == object_id, _ROWS.transitioned_at > sample.since)
        .order_by(_ROWS.transitioned_at)
        .limit(1)
    ).first()
    if after is not None and not after.exact and after.status == sample.status:
        # It was not a transition: the object already had this status.
        ctx.connection.execute(
            delete(health_transitions).where(
                _ROWS.id == after.id, _ROWS.transitioned_at == after.transitioned_at
            )
        )
