from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from gitops_schema.server.app import create_app
from gitops_schema.server.settings import Settings
from gitops_schema.store.tokens import Role, create_token

HMAC_KEY = b"flux-shared-secret"


@dataclass
class Service:
    client: TestClient
    engine: Engine
    tokens: dict[Role, str]
    settings: Settings

    def bearer(self, role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def signed(self, body: bytes) -> dict[str, str]:
        digest = hmac.new(HMAC_KEY, body, hashlib.sha256).hexdigest()
        return {"X-Signature": f"sha256={digest}", "Content-Type": "application/json"}


@contextmanager
def start_service(db_url: str, tmp_path: Path, **overrides: object) -> Iterator[Service]:
    settings = Settings(db_url=db_url, flux_hmac_key=HMAC_KEY, spool_dir=tmp_path / "spool")
    for name, value in overrides.items():
        setattr(settings, name, value)
    app = create_app(settings)
    with TestClient(app) as client:
        engine = app.state.engine
        tokens = {role: create_token(engine, name=role.value, role=role) for role in Role}
        yield Service(client, engine, tokens, settings)


@pytest.fixture
def service(db_url: str, tmp_path: Path) -> Iterator[Service]:
    """The app on a new database (SQLite and PostgreSQL), a token of every role."""
    with start_service(db_url, tmp_path) as started:
        yield started
