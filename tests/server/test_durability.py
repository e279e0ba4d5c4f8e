from __future__ import annotations

from pathlib import Path

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
