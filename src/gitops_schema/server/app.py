"""The application factory: ``create_app(settings)``.

Routers are listed in :data:`ROUTERS`; a new group of endpoints is one module with an
``APIRouter`` and one line here. Endpoints reach the store through ``request.app.state``:
``settings``, ``engine``, ``tokens`` (cached look-ups), ``rate_limiter`` and ``spool``; read
endpoints guard themselves with ``Depends(auth.require(Role.READ))``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from starlette.concurrency import run_in_threadpool

from gitops_schema import __version__
from gitops_schema.server import dashboard, events, health, metrics, reports
from gitops_schema.server.auth import RateLimiter, TokenCache
from gitops_schema.server.settings import Settings
from gitops_schema.server.spool import Spool
from gitops_schema.store import db, migrate

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    events.router,
    reports.router,
    dashboard.router,
    metrics.router,
)

log = logging.getLogger("gitops_schema.server")


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    await run_in_threadpool(migrate.upgrade, app.state.engine)
    if app.state.settings.flux_hmac_key is None:
        log.warning("no Flux HMAC key: unsigned Flux events are accepted")
    spool: Spool = app.state.spool
    spool.start(lambda delivery: events.write(app, delivery))
    try:
        yield
    finally:
        spool.stop()
        app.state.engine.dispose()


def create_app(settings: Settings) -> FastAPI:
    """The service over the database of ``settings``.

    The database is migrated to the newest schema when the application starts.
    """
    app = FastAPI(
        title="gitops-schema",
        version=__version__,
        description="History of Argo CD and Flux deployments, and reports over it.",
        lifespan=_lifespan,
    )
    engine = db.create(settings.db_url)
    app.state.settings = settings
    app.state.production = settings.production
    app.state.engine = engine
    app.state.tokens = TokenCache(engine)
    app.state.rate_limiter = RateLimiter(settings.rate_per_second, settings.rate_burst)
    app.state.spool = Spool(settings.spool_dir, settings.spool_retry_seconds)
    for router in ROUTERS:
        app.include_router(router)
    metrics.install(app)
    return app
