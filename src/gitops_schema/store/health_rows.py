"""Health samples: the health status an object had from a time, keyed by object + time.

An exact sample (``lastTransitionTime``) is when the status began; an inexact one
(``reconciledAt``) is when it was seen. Every sample at a time not yet stored is kept, also
one of the status the object already had: dropping such a repeat is right only while no
sample of another status arrives later with a time between the two, and deliveries arrive in
any order, so what is stored would depend on it. The analytics read a sample of the status
that the object's previous sample had as no change.
"""

from __future__ import annotations

from sqlalchemy import select, update

from gitops_schema.store.records import HealthSample
from gitops_schema.store.tables import health_transitions
from gitops_schema.store.writing import Context

_ROWS = health_transitions.c


def write_health(ctx: Context, object_id: int, sample: HealthSample) -> None:
    """Store one health sample of an object (an exact one replaces an inexact one of its time)."""
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
