"""``GET /healthz``: the service is up; whether the database answers; spooled deliveries."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool

router = APIRouter(tags=["health"])


def _database_ok(request: Request) -> bool:
    try:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError:
        return False
    return True


@router.get("/healthz", summary="Liveness, database reachability and spool depth")
async def healthz(request: Request) -> dict[str, Any]:
    """``status`` is ok while events are accepted.

    They are stored, or spooled when the database is unreachable.
    """
    reachable = await run_in_threadpool(_database_ok, request)
    return {
        "status": "ok",
        "database": "ok" if reachable else "unreachable",
        "spooled": len(request.app.state.spool.pending()),
    }
