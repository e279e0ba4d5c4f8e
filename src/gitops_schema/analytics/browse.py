"""Paged listings of the recorded history: objects and their sync operations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Connection, func, select

from gitops_schema.analytics.definitions import Window
from gitops_schema.analytics.reports import iso
from gitops_schema.store.tables import objects, sync_operations

MAX_LIMIT: Final = 1000


@dataclass(frozen=True)
class Page:
    """Which slice of a listing: ``limit`` items from ``offset``."""

    limit: int = 100
    offset: int = 0

    def wrap(self, items: list[dict[str, Any]], total: int) -> dict[str, Any]:
        """``{"items", "total", "limit", "offset"}``."""
        return {"items": items, "total": total, "limit": self.limit, "offset": self.offset}


def list_objects(
    connection: Connection, page: Page, *, tool: str | None = None, cluster: str | None = None
) -> dict[str, Any]:
    """The objects of the store, by tool, cluster, namespace and name."""
    where = []
    if tool is not None:
        where.append(objects.c.tool == tool)
    if cluster is not None:
        where.append(objects.c.cluster == cluster)
    total = connection.execute(select(func.count()).select_from(objects).where(*where)).scalar()
    rows = connection.execute(
        select(objects)
        .where(*where)
        .order_by(
            objects.c.tool, objects.c.cluster, objects.c.namespace, objects.c.name, objects.c.kind
        )
        .limit(page.limit)
        .offset(page.offset)
    )
    items = [
        {
            "id": row.id,
            "tool": row.tool,
            "cluster": row.cluster,
            "namespace": row.namespace,
            "name": row.name,
            "kind": row.kind,
            "project": row.project,
            "sync_status": row.sync_status,
            "health_status": row.health_status,
            "revision": row.revision,
            "updated_at": iso(row.observed_at),
        }
        for row in rows
    ]
    return page.wrap(items, int(total or 0))


def list_sync_operations(
    connection: Connection, window: Window, page: Page, *, object_id: int | None = None
) -> dict[str, Any]:
    """Completed sync operations that finished in the window, newest first."""
    ops = sync_operations.c
    where = [
        ops.phase.in_(("Succeeded", "Failed", "Error")),
        ops.finished_at >= window.start,
        ops.finished_at < window.end,
    ]
    if object_id is not None:
        where.append(ops.object_id == object_id)
    total = connection.execute(
        select(func.count()).select_from(sync_operations).where(*where)
    ).scalar()
    rows = connection.execute(
        select(
            ops.id,
            ops.object_id,
            ops.revision,
            ops.phase,
            ops.message,
            ops.started_at,
            ops.finished_at,
            ops.duration_seconds,
            ops.origin,
            objects.c.tool,
            objects.c.cluster,
            objects.c.namespace,
            objects.c.name,
        )
        .join(objects, objects.c.id == ops.object_id)
        .where(*where)
        .order_by(ops.finished_at.desc(), ops.id.desc())
        .limit(page.limit)
        .offset(page.offset)
    )
    items = [
        {
            "id": row.id,
            "object_id": row.object_id,
            "tool": row.tool,
            "cluster": row.cluster,
            "namespace": row.namespace,
            "name": row.name,
            "revision": row.revision,
            "status": "Succeeded" if row.phase == "Succeeded" else "Failed",
            "phase": row.phase,
            "message": row.message,
            "started_at": iso(row.started_at),
            "finished_at": iso(row.finished_at),
            "duration_seconds": row.duration_seconds,
            "origin": row.origin,
        }
        for row in rows
    ]
    return page.wrap(items, int(total or 0))
