from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from gitops_schema.store.tables import objects, sync_operations
from gitops_schema.store.tokens import Role

from ..store.simulate import START, application, flux_event, history, sha
from .conftest import Service, start_service

ARGOCD = "/api/v1/events/argocd"
FLUX = "/api/v1/events/flux?cluster=prod-eu"


def succeeded(name: str = "web", minute: int = 0) -> dict[str, Any]:
    return application(
        name,
        {
            "operationState": {
                "phase": "Succeeded",
                "startedAt": f"2026-03-02T10:{minute:02d}:00Z",
                "finishedAt": f"2026-03-02T10:{minute:02d}:30Z",
                "syncResult": {"revision": sha(name, minute)},
            }
        },
    )


def reconciled(seed: str) -> bytes:
    """The body of a Flux event of a successful reconciliation (revision made from ``seed``)."""
    event = flux_event(
        "apps", START, revision=sha(seed), severity="info", reason="ReconciliationSucceeded",
        message="Reconciliation finished in 3s, next run in 10m0s",
    )  # fmt: skip
    return json.dumps(event).encode()


def stored(service: Service) -> tuple[int, int]:
    with service.engine.connect() as connection:
        count_objects = connection.execute(select(func.count()).select_from(objects)).scalar()
        count_ops = connection.execute(select(func.count()).select_from(sync_operations)).scalar()
    return int(count_objects or 0), int(count_ops or 0)


def test_argocd_needs_an_ingest_token(service: Service) -> None:
    body = succeeded()
    assert service.client.post(ARGOCD, json=body).status_code == 401
    unknown = {"Authorization": "Bearer gsk_nope"}
    assert service.client.post(ARGOCD, json=body, headers=unknown).status_code == 401
    reader = service.client.post(ARGOCD, json=body, headers=service.bearer(Role.READ))
    assert reader.status_code == 403 and "role read" in reader.json()["detail"]
    assert stored(service) == (0, 0)
    for role in (Role.INGEST, Role.ADMIN):
        answer = service.client.post(ARGOCD, json=body, headers=service.bearer(role))
        assert answer.status_code == 200, answer.text
    assert stored(service) == (1, 1)


def test_flux_needs_the_hmac_signature(service: Service) -> None:
    body = reconciled("f")
    client = service.client
    assert client.post(FLUX, content=body).status_code == 401
    wrong = {"X-Signature": "sha256=" + "0" * 64}
    assert client.post(FLUX, content=body, headers=wrong).status_code == 401
    assert client.post(FLUX, content=body + b" ", headers=service.signed(body)).status_code == 401
    answer = client.post(FLUX, content=body, headers=service.signed(body))
    assert answer.status_code == 200, answer.text
    again = client.post(FLUX, content=body, headers=service.signed(body))
    assert again.json()["stored"]["operations_unchanged"] == 1
    missing = client.post("/api/v1/events/flux", content=body, headers=service.signed(body))
    assert missing.status_code == 422
    assert stored(service) == (1, 1)


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        (b"\xff\xfe{}", 400, "not UTF-8"),
        (b"{not json", 400, "not JSON"),
        (b"", 400, "empty"),
        (b'{"app": NaN}', 400, "not JSON"),
        (b'{"app": 1e999}', 400, "out of range"),
        (b"[" * 100 + b"]" * 100, 400, "deeper than 64"),
        (b'{"app": {"metadata": {"name": "a\\u0000"}}}', 400, "NUL"),
        (b'{"app": {"metadata": {"name": "\\ud800"}}}', 400, "surrogate"),
        (b"[]", 422, "empty batch"),
        (b'{"application": {}}', 422, '"app" is missing'),
        (b'{"app": {"metadata": {"name": "' + b"x" * 300 + b'"}}}', 422, "longer than 253"),
        (
            json.dumps([succeeded("a"), {"app": {"metadata": {}}}]).encode(),
            422,
            "[1].app.metadata.name: required",
        ),
    ],
)
def test_malformed_bodies_get_a_4xx_with_a_reason_and_store_nothing(
    service: Service, body: bytes, status: int, reason: str
) -> None:
    answer = service.client.post(ARGOCD, content=body, headers=service.bearer(Role.INGEST))
    assert answer.status_code == status, answer.text
    assert reason in answer.json()["detail"]
    assert stored(service) == (0, 0)


def test_body_size_limit(db_url: str, tmp_path: Path) -> None:
    with start_service(db_url, tmp_path, max_body_bytes=2048) as service:
        small = service.client.post(ARGOCD, json=succeeded(), headers=service.bearer(Role.INGEST))
        assert small.status_code == 200
        big = succeeded()
        big["app"]["metadata"]["annotations"] = {"note": "x" * 4096}
        answer = service.client.post(ARGOCD, json=big, headers=service.bearer(Role.INGEST))
        assert answer.status_code == 413 and "2048 bytes" in answer.json()["detail"]


def test_rate_limit_per_token(db_url: str, tmp_path: Path) -> None:
    with start_service(db_url, tmp_path, rate_per_second=0.001, rate_burst=3) as service:
        token = service.bearer(Role.INGEST)
        codes = [
            service.client.post(ARGOCD, json=succeeded(minute=i), headers=token).status_code
            for i in range(5)
        ]
        assert codes == [200, 200, 200, 429, 429]
        # Another token has its own bucket.
        other = service.client.post(ARGOCD, json=succeeded(), headers=service.bearer(Role.ADMIN))
        assert other.status_code == 200


def test_the_default_limits_let_a_fleet_burst_through(tmp_path: Path) -> None:
    """Argo CD does not retry a 429: a burst of deliveries (a fleet synced at once, a history
    replayed) must not be refused by the default limits."""
    with start_service(f"sqlite:///{tmp_path / 'h.db'}", tmp_path) as service:
        token = service.bearer(Role.INGEST)
        body = json.dumps(succeeded()).encode()
        headers = {**token, "Content-Type": "application/json"}
        codes = {service.client.post(ARGOCD, content=body, headers=headers).status_code
                 for _ in range(400)}  # fmt: skip
        assert codes == {200}


def test_batches_and_healthz(service: Service) -> None:
    deliveries = history(seed=1, apps=1, syncs=5)
    argocd_bodies = [d.body for d in deliveries if d.tool == "argocd"]
    flux_bodies = [d.body for d in deliveries if d.tool == "flux"]
    answer = service.client.post(ARGOCD, json=argocd_bodies, headers=service.bearer(Role.INGEST))
    assert answer.status_code == 200 and answer.json()["received"] == len(argocd_bodies)
    raw = json.dumps(flux_bodies).encode()
    answer = service.client.post(FLUX, content=raw, headers=service.signed(raw))
    assert answer.status_code == 200 and answer.json()["received"] == len(flux_bodies)
    assert stored(service) == (2, 10)
    assert service.client.get("/healthz").json() == {
        "status": "ok",
        "database": "ok",
        "spooled": 0,
    }


def test_deliveries_counted_by_source_and_status(service: Service) -> None:
    """Every answered webhook delivery counts once in /metrics, by source and status code;
    other requests do not."""
    body = reconciled("m")
    client = service.client
    ingest = service.bearer(Role.INGEST)
    answers = [
        client.post(FLUX, content=body, headers=service.signed(body)).status_code,
        client.post(FLUX, content=body).status_code,  # unsigned
        client.post(ARGOCD, json=succeeded(), headers=ingest).status_code,
        client.post(ARGOCD, json=succeeded()).status_code,  # no token
    ]
    assert client.get("/healthz").status_code == 200
    text = client.get("/metrics", headers=service.bearer(Role.READ)).text
    counted = {
        (sample.labels["source"], sample.labels["code"]): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "gitops_schema_ingest_requests_total"
    }
    expected: dict[tuple[str, str], float] = {}
    for source, code in zip(("flux", "flux", "argocd", "argocd"), answers, strict=True):
        expected[(source, str(code))] = expected.get((source, str(code)), 0) + 1
    assert counted == expected
    assert answers == [200, 401, 200, 401]
