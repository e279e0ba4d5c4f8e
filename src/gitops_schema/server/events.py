"""``POST /api/v1/events/argocd`` and ``POST /api/v1/events/flux?cluster=NAME``.

A body is one delivery (``{"app": <Application>}`` from our Argo CD template; one Flux event)
or a JSON array of deliveries (a batch, written in one transaction). Every delivery is parsed
before anything is written: a bad one refuses the whole request with 4xx and its reason.
200 says the deliveries are stored; 202 that they are spooled to disk because the database
is unreachable, and will be stored when it returns.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool

from gitops_schema.server.auth import check_signature, require
from gitops_schema.server.body import parse_json, read_body
from gitops_schema.server.spool import Spooled
from gitops_schema.store.ingest import arriving, expect, give_way, ingest, received
from gitops_schema.store.records import Observation, Origin
from gitops_schema.store.redact import redact
from gitops_schema.store.sources import argocd, flux
from gitops_schema.store.sources.payload import PayloadError
from gitops_schema.store.tokens import Role, Token

router = APIRouter(prefix="/api/v1/events", tags=["events"])
log = logging.getLogger("gitops_schema.server")


def observations(
    tool: str, bodies: list[Any], cluster: str, cluster_names: dict[str, str]
) -> list[Observation]:
    """The observations of a list of deliveries; PayloadError names the bad one."""
    found: list[Observation] = []
    for index, body in enumerate(bodies):
        if index % _GIVE_WAY_EVERY == 0:
            give_way()
        try:
            if tool == "argocd":
                found.append(argocd.parse_webhook(body, cluster_names=cluster_names))
            else:
                found.append(flux.parse_event(body, cluster=cluster))
        except PayloadError as error:
            where = f"[{index}]." if len(bodies) > 1 else ""
            raise PayloadError(where + error.message) from None
    return found


# Deliveries parsed between two chances for a writer to run first (store.ingest.give_way).
_GIVE_WAY_EVERY = 32


def write(
    app: FastAPI, delivery: Spooled, found: list[Observation] | None = None
) -> dict[str, int]:
    """Store one delivery (raises OperationalError while the database is unreachable).

    ``found`` are its observations when the caller has parsed it already.
    """
    if found is None:
        settings = app.state.settings
        found = observations(
            delivery.tool, delivery.bodies, delivery.cluster, settings.cluster_names
        )
    counts = ingest(
        app.state.engine, found, origin=Origin.WEBHOOK, received_at=delivery.received_at
    )
    return counts.to_dict()


def _receive(app: FastAPI, tool: str, raw: bytes, cluster: str, ticket: int) -> JSONResponse:
    """Parse and store a body (in a worker thread: the event loop only reads requests)."""
    with arriving(ticket):
        give_way()
        return _accept(app, tool, parse_json(raw), cluster)


def _accept(app: FastAPI, tool: str, document: Any, cluster: str) -> JSONResponse:
    bodies = document if isinstance(document, list) else [document]
    if not bodies:
        raise HTTPException(422, "empty batch: send one delivery or a non-empty array")
    delivery = Spooled(tool, bodies, cluster, datetime.now(UTC))
    try:
        found = observations(tool, bodies, cluster, app.state.settings.cluster_names)
    except PayloadError as error:
        raise HTTPException(422, error.message) from None
    try:
        counts = write(app, delivery, found)
    except OperationalError as error:
        log.warning("database unavailable, delivery spooled: %s", str(error.orig).splitlines()[0])
        delivery.bodies = [redact(body) for body in bodies]
        try:
            app.state.spool.put(delivery)
        except OSError as spool_error:
            # Neither stored nor spooled: the sender keeps it and retries (a 5xx it retries).
            log.error("delivery refused, the spool cannot be written: %s", spool_error)
            raise HTTPException(
                503,
                "database unreachable and the spool cannot be written: retry later",
                headers={"Retry-After": "5"},
            ) from None
        return JSONResponse({"received": len(bodies), "spooled": True}, status_code=202)
    return JSONResponse({"received": len(bodies), "stored": counts})


@router.post("/argocd", summary='Argo CD notifications webhook ({"app": <Application>})')
async def argocd_events(
    request: Request, token: Annotated[Token, Depends(require(Role.INGEST))]
) -> JSONResponse:
    """Store what an Argo CD Application says (Bearer token with role ingest or admin)."""
    ticket = expect()  # writers wait for what arrived before their turn (store.ingest)
    try:
        raw = await read_body(request, request.app.state.settings.max_body_bytes)
        return await run_in_threadpool(_receive, request.app, "argocd", raw, "", ticket)
    finally:
        received(ticket)


@router.post("/flux", summary="Flux notification-controller generic / generic-hmac webhook")
async def flux_events(
    request: Request,
    cluster: Annotated[str, Query(min_length=1, max_length=253, description="Cluster name")],
) -> JSONResponse:
    """Store a Flux event; signed with X-Signature when the service has an HMAC key."""
    settings = request.app.state.settings
    ticket = expect()  # writers wait for what arrived before their turn (store.ingest)
    try:
        raw = await read_body(request, settings.max_body_bytes)
        if settings.flux_hmac_key is not None:
            check_signature(settings.flux_hmac_key, raw, request.headers.get("x-signature"))
        caller = request.client.host if request.client else "unknown"
        request.app.state.rate_limiter.take(f"flux:{caller}")
        return await run_in_threadpool(_receive, request.app, "flux", raw, cluster, ticket)
    finally:
        received(ticket)
