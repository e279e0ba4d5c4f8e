"""A store's content as plain data, independent of row ids and arrival: for comparing
stores filled in different orders or on different engines."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from gitops_schema.store.tables import (
    deployments,
    health_transitions,
    objects,
    sync_operations,
)


def dump(engine: Engine) -> dict[str, Any]:
    with engine.connect() as connection:
        names = {
            row.id: (row.tool, row.cluster, row.kind, row.namespace, row.name)
            for row in connection.execute(select(objects))
        }
        operations = sorted(
            (
                names[row.object_id],
                row.digest,
                row.revision,
                row.phase,
                row.message,
                row.started_at.isoformat(),
                row.started_at_exact,
                row.finished_at.isoformat() if row.finished_at else None,
                row.duration_seconds,
                row.deployed_at.isoformat() if row.deployed_at else None,
            )
            for row in connection.execute(select(sync_operations))
        )
        deployed = sorted(
            (
                (
                    names[row.object_id],
                    row.revision,
                    row.previous_revision,
                    row.started_at.isoformat(),
                    row.finished_at.isoformat(),
                )
                for row in connection.execute(select(deployments))
            ),
            # None (no previous revision) before any text.
            key=lambda row: tuple("" if value is None else value for value in row),
        )
        health = sorted(
            (names[row.object_id], row.status, row.transitioned_at.isoformat(), row.exact)
            for row in connection.execute(select(health_transitions))
        )
        states = sorted(
            (
                names[row.id],
                row.sync_status,
                row.health_status,
                row.revision,
                row.observed_at.isoformat() if row.observed_at else None,
            )
            for row in connection.execute(select(objects))
        )
    return {
        "objects": states,
        "operations": operations,
        "deployments": deployed,
        "health": health,
    }
