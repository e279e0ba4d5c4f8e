"""``gitops-schema demo [EXAMPLES]``: record a simulated history of ``examples/``.

It prints the DORA summary; ``serve --demo`` serves the dashboard over the same history.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from gitops_schema.cli._output import console


def dora_summary_rows(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    """``(key, figure, level)`` rows of a ``dora`` report, for people."""

    def minutes(value: float | None) -> str:
        if value is None:
            return "-"
        return f"{value:.0f} min" if value < 120 else f"{value / 60:.1f} h"

    frequency = report["deployment_frequency"]
    lead, failures, recovery = (
        report["lead_time"],
        report["change_failure_rate"],
        report["recovery_time"],
    )
    rate = failures["value"]
    return [
        (
            "deployment frequency",
            f"{frequency['median_days_per_week']:g} deployment days/week "
            f"({report['deployments']} deployments on {report['deployment_days']} days)",
            frequency["level"] or "-",
        ),
        (
            "lead time for changes",
            f"{minutes(lead['median_minutes'])} (median of {lead['changes']} changes)",
            lead["level"] or "-",
        ),
        (
            "change failure rate",
            f"{'-' if rate is None else f'{rate:.1%}'} ({failures['failed']} failed)",
            failures["level"] or "-",
        ),
        (
            "failed deployment recovery time",
            f"{minutes(recovery['median_minutes'])} (median of {recovery['recoveries']})",
            recovery["level"] or "-",
        ),
    ]


def prepare_demo(db: str | None, examples: Path, url: str) -> str:
    """The store ``serve --demo`` serves, holding the simulated history; prints a read token.

    The store is ``db`` (recorded into only when empty), else a new SQLite file.
    """
    import tempfile

    from gitops_schema.analytics.demo import record_demo
    from gitops_schema.store import db as store_db
    from gitops_schema.store import migrate
    from gitops_schema.store.tokens import Role, create_token

    target = db or f"sqlite:///{Path(tempfile.mkdtemp(prefix='gitops-schema-demo-')) / 'demo.db'}"
    engine = store_db.create(target)
    try:
        migrate.upgrade(engine)
        with engine.connect() as connection:
            empty = not connection.exec_driver_sql("SELECT COUNT(*) FROM objects").scalar()
        if empty:
            console.print(f"recording a simulated history of {examples} into {target} ...")
            record_demo(engine, examples, end=datetime.now(UTC))
        token = create_token(engine, name=f"demo-{secrets.token_hex(4)}", role=Role.READ)
    finally:
        engine.dispose()
    console.print(f"dashboard: {url} (sign in with the read token below)")
    console.print(token, markup=False)
    return target


def demo_command(
    examples: Annotated[
        Path, typer.Argument(help="The examples/ repository whose applications to simulate.")
    ] = Path("examples"),
    db: Annotated[
        str, typer.Option("--db", help="An empty store to record into (created and migrated).")
    ] = "sqlite:///.demo/history.db",
) -> None:
    """Record six weeks of simulated Argo CD and Flux deliveries, print the DORA summary."""
    from gitops_schema.analytics import reports
    from gitops_schema.analytics.definitions import Scope
    from gitops_schema.analytics.demo import record_demo
    from gitops_schema.analytics.query import make_window
    from gitops_schema.errors import UsageError
    from gitops_schema.store import db as store_db
    from gitops_schema.store import migrate

    engine = store_db.create(db)
    try:
        migrate.upgrade(engine)
        with engine.connect() as connection:
            if connection.exec_driver_sql("SELECT COUNT(*) FROM objects").scalar():
                raise UsageError(f"--db {db}: the store already holds a history; use a new one")
        now = datetime.now(UTC)
        count = record_demo(engine, examples, end=now)
        window = make_window(None, None, now=now)
        with engine.connect() as connection:
            report = reports.dora(connection, window, Scope(env="production"))
    finally:
        engine.dispose()
    table = Table("DORA (production, last 30 days)", "figure", "level")
    for row in dora_summary_rows(report):
        table.add_row(*row)
    console.print(f"recorded {count} simulated deliveries into {db}")
    console.print(table)
