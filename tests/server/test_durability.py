from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from gitops_schema.server import events
from gitops_schema.store.tokens import Role

from ..postgres import PostgresServer
from .conftest import start_service
from .test_events import ARGOCD, stored, succeeded


def test_events_are_spooled_while_the_database_is_down(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    url = postgres_server.create_database()
    with start_service(url, tmp_path, spool_retry_seconds=3600) as service:
        token = service.bearer(Role.INGEST)
        assert (
            service.client.post(ARGOCD, json=succeeded(minute=1), headers=token).status_code == 200
        )
        postgres_server.pg_ctl("stop")
        try:
            bodies = [succeeded(minute=2), succeeded(minute=3), succeeded(minute=2)]
            codes = [service.client.post(ARGOCD, json=b, headers=token).status_code for b in bodies]
            assert codes == [202, 202, 202]
            health = service.client.get("/healthz").json()
            assert health == {"status": "ok", "database": "unreachable", "spooled": 3}
            spool = service.client.app.state.spool  # type: ignore[attr-defined]
            assert spool.flush(lambda d: events.write(service.client.app, d)) == 0  # type: ignore[arg-type]
        finally:
            postgres_server.pg_ctl("start")
        assert spool.flush(lambda d: events.write(service.client.app, d)) == 3  # type: ignore[arg-type]
        assert stored(service) == (1, 3)
        assert service.client.get("/healthz").json()["spooled"] == 0


def test_a_delivery_neither_stored_nor_spooled_is_a_503_the_sender_retries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with start_service(f"sqlite:///{tmp_path / 'h.db'}", tmp_path) as service:
        token = service.bearer(Role.INGEST)

        def unreachable(*_: object, **__: object) -> dict[str, int]:
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))

        monkeypatch.setattr(events, "write", unreachable)
        service.settings.spool_dir.parent.mkdir(parents=True, exist_ok=True)
        service.settings.spool_dir.write_text("a file where the spool folder should be")
        answer = service.client.post(ARGOCD, json=succeeded(minute=1), headers=token)
        assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
        assert "spool cannot be written" in answer.json()["detail"]
