"""Fixtures of the store tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from gitops_schema.store import db, migrate


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated store on each engine (``db_url``: SQLite, then PostgreSQL)."""
    engine = db.create(db_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()
