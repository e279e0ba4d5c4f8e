"""``serve --workers N``: N uvicorn worker processes sharing one listening socket.

Each worker builds the application from the settings the parent put in its environment
(:data:`SETTINGS_VARIABLE`, JSON). The parent migrates the database once before they start.
Everything a worker keeps in memory is its own: rate limits are per process (N workers
accept up to N times ``--rate``), and so are the cached token look-ups and the writers'
turns; the database's row locks and unique keys keep concurrent writers of every process
exact, as they do for several ``serve`` processes.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from pathlib import Path

from fastapi import FastAPI

from gitops_schema.server.app import create_app
from gitops_schema.server.settings import Settings

SETTINGS_VARIABLE = "GITOPS_SCHEMA_SERVE_SETTINGS"
FACTORY = f"{__name__}:app_from_environment"


def settings_to_text(settings: Settings) -> str:
    """``settings`` as the JSON a worker reads back with :func:`settings_from_text`."""
    return json.dumps(
        {
            "db_url": settings.db_url,
            "flux_hmac_key": (
                None if settings.flux_hmac_key is None else settings.flux_hmac_key.hex()
            ),
            "max_body_bytes": settings.max_body_bytes,
            "rate_per_second": settings.rate_per_second,
            "rate_burst": settings.rate_burst,
            "spool_dir": str(settings.spool_dir),
            "spool_retry_seconds": settings.spool_retry_seconds,
            "cluster_names": settings.cluster_names,
            "production": list(settings.production),
        }
    )


def settings_from_text(text: str) -> Settings:
    """The settings :func:`settings_to_text` wrote."""
    values = json.loads(text)
    key = values["flux_hmac_key"]
    return Settings(
        db_url=values["db_url"],
        flux_hmac_key=None if key is None else bytes.fromhex(key),
        max_body_bytes=values["max_body_bytes"],
        rate_per_second=values["rate_per_second"],
        rate_burst=values["rate_burst"],
        spool_dir=Path(values["spool_dir"]),
        spool_retry_seconds=values["spool_retry_seconds"],
        cluster_names=values["cluster_names"],
        production=tuple(values["production"]),
    )


def app_from_environment() -> FastAPI:
    """The application of one worker (uvicorn's factory)."""
    app = create_app(settings_from_text(os.environ[SETTINGS_VARIABLE]))
    share_the_interpreter()
    return app


# Seconds a thread runs before another waiting for the interpreter lock gets it (Python's
# default is 0.005).
SWITCH_SECONDS = 0.0005


# Allocations between two collections of the youngest objects (Python's default is 700).
# Each collection walks every young object still alive, i.e. the deliveries in flight
# (tens of thousands of objects, 3-6 ms): at 20,000 it ran a few times per 10,000 events.
YOUNG_OBJECTS = 100_000


def share_the_interpreter() -> None:
    """Let a writer waiting for the interpreter lock get it back sooner, and collect less.

    Concurrent requests parse in threads while one writes: after each database round trip
    the writer waits for the lock a parser holds, up to the switch interval, and a batch is
    a dozen round trips. Call it once the application is built: what exists then (modules,
    the application) lives as long as the process, so the collector stops walking it (a
    full collection of it took ~50 ms, several times a second under load), and a batch's
    objects, which live until its response, are not walked again and again while young.
    """
    sys.setswitchinterval(SWITCH_SECONDS)
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])
