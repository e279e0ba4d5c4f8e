"""``gitops-schema serve``: the HTTP service (webhooks in, reports out) with uvicorn."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from gitops_schema.cli._db import Db, open_store
from gitops_schema.cli._params import ClusterNames, parse_cluster_names, parse_size
from gitops_schema.errors import UsageError


def _check_spool(folder: Path) -> None:
    """Refuse a spool folder that cannot be written now, not during an outage."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"--spool-dir {folder}: cannot create it: {error.strerror}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"--spool-dir {folder}: not writable")


def serve_command(
    db: Db = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")
    ] = 8080,
    flux_hmac_key_file: Annotated[
        Path | None,
        typer.Option(
            "--flux-hmac-key-file",
            help="File holding the key of Flux's generic-hmac provider (else "
            "$GITOPS_SCHEMA_FLUX_HMAC_KEY); when set, unsigned Flux events get 401.",
        ),
    ] = None,
    spool_dir: Annotated[
        Path | None,
        typer.Option(
            "--spool-dir", help="Where accepted events wait while the database is unreachable."
        ),
    ] = None,
    max_body: Annotated[
        str, typer.Option("--max-body", help="Largest request body accepted.")
    ] = "4MiB",
    rate: Annotated[
        float,
        typer.Option(
            "--rate",
            help="Requests per second per token (Flux events: per client address), per process.",
        ),
    ] = 1000.0,
    burst: Annotated[
        int, typer.Option("--burst", min=1, help="Burst of requests per token.")
    ] = 10000,
    cluster_name: ClusterNames = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="The .gitops-schema.yaml whose 'production' globs say what is production in "
            "the reports, the dashboard and /metrics (default: the one found from the current "
            "folder up, else the defaults).",
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            help="Worker processes (rate limits and caches are per process; "
            "SQLite gains nothing, it has one writer at a time).",
        ),
    ] = 1,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Serve the dashboard over a simulated history of ./examples (recorded into "
            "--db when it is empty, else into a new SQLite file); prints a read token.",
        ),
    ] = False,
) -> None:
    """Receive Argo CD and Flux webhooks into the history store and serve its API."""
    import uvicorn

    from gitops_schema.analytics.query import production_globs
    from gitops_schema.server.app import create_app
    from gitops_schema.server.settings import Settings, flux_hmac_key
    from gitops_schema.store import db as store_db

    if flux_hmac_key_file is not None and not flux_hmac_key_file.is_file():
        problem = "not a file" if flux_hmac_key_file.exists() else "no such file"
        raise UsageError(f"--flux-hmac-key-file {flux_hmac_key_file}: {problem}")
    if not rate > 0:  # also refuses NaN
        raise UsageError(f"--rate {rate}: give a number of requests per second above 0")
    max_body_bytes = parse_size(max_body)
    if max_body_bytes < 1:
        raise UsageError(f"--max-body {max_body}: give a size of at least 1 byte")
    if demo:
        from gitops_schema.cli.demo import prepare_demo

        db = prepare_demo(db, Path("examples"), f"http://{host}:{port}/")
    settings = Settings(
        db_url=store_db.resolve_url(db),
        flux_hmac_key=flux_hmac_key(flux_hmac_key_file),
        max_body_bytes=max_body_bytes,
        rate_per_second=rate,
        rate_burst=burst,
        cluster_names=parse_cluster_names(cluster_name),
        production=production_globs(config, Path.cwd()),
    )
    if spool_dir is not None:
        settings.spool_dir = spool_dir
    _check_spool(settings.spool_dir)
    # A database that cannot be opened is named here, not in a traceback of the application's
    # start; migrated once, before any worker starts (workers would race to create tables).
    open_store(settings.db_url).dispose()
    from gitops_schema.server import workers as worker_processes

    if workers == 1:
        app = create_app(settings)
        worker_processes.share_the_interpreter()
        uvicorn.run(app, host=host, port=port, log_level="info")
        return
    os.environ[worker_processes.SETTINGS_VARIABLE] = worker_processes.settings_to_text(settings)
    uvicorn.run(
        worker_processes.FACTORY,
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="info",
    )
