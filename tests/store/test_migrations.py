from __future__ import annotations

import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from gitops_schema.store import db, migrate
from gitops_schema.store.tables import metadata


def test_migrations_build_exactly_the_tables(db_url: str) -> None:
    engine = db.create(db_url)
    assert migrate.current(engine) is None
    migrate.upgrade(engine)
    migrate.upgrade(engine)  # a second upgrade is a no-op
    assert migrate.current(engine) == migrate.head()
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
        views = set(inspect(connection).get_view_names())
    assert differences == []
    assert views == {
        "argocd_applications",
        "argocd_sync_history",
        "flux_configs",
        "flux_sync_history",
    }
    engine.dispose()


def test_the_library_does_not_import_the_store() -> None:
    code = (
        "import sys, gitops_schema\n"
        "print(sorted(m for m in ('sqlalchemy', 'fastapi') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
