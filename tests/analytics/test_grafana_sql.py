"""The Grafana dashboard's SQL panels run on PostgreSQL over a real store (macros filled in as
Grafana's PostgreSQL data source expands them)."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import text

from gitops_schema.analytics.grafana import grafana_dashboard
from gitops_schema.store import db, migrate

from .. import postgres
from . import history


def test_sql_panels_run(postgres_server: postgres.PostgresServer, tmp_path: Path) -> None:
    engine = db.create(postgres_server.create_database())
    migrate.upgrade(engine)
    history.load(engine, tmp_path / "repo")
    queries = [
        (panel["title"], target["rawSql"])
        for panel in grafana_dashboard()["panels"]
        for target in panel.get("targets", [])
        if "rawSql" in target
    ]
    assert len(queries) == 4
    with engine.connect() as connection:
        for title, sql in queries:
            filled = re.sub(
                r"\$__timeFilter\(([^)]+)\)",
                r"\1 BETWEEN '2026-03-02T00:00:00Z' AND '2026-03-16T00:00:00Z'",
                sql,
            ).replace("$cluster", "prod-eu|staging")
            rows = connection.execute(text(filled)).all()
            assert rows, f"panel {title!r} found nothing"
    engine.dispose()
