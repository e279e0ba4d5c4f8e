"""The service over the known-answer history, with a read and an ingest token."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from gitops_schema.server.app import create_app
from gitops_schema.server.settings import Settings
from gitops_schema.store.tokens import Role, create_token

from . import history


@dataclass
class Served:
    client: TestClient
    read: str
    ingest: str

    def get(self, path: str, **params: str) -> object:
        return self.client.get(
            path, params=params, headers={"Authorization": f"Bearer {self.read}"}
        )


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The app on an SQLite store holding the known-answer history."""
    folder = tmp_path_factory.mktemp("served")
    app = create_app(
        Settings(db_url=f"sqlite:///{folder / 'history.db'}", spool_dir=folder / "spool")
    )
    with TestClient(app) as client:
        engine = app.state.engine
        history.load(engine, folder / "repo")
        read = create_token(engine, name="reader", role=Role.READ)
        ingest = create_token(engine, name="sender", role=Role.INGEST)
        yield Served(client, read, ingest)
