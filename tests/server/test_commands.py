from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from gitops_schema.server.settings import FLUX_HMAC_ENV, flux_hmac_key
from gitops_schema.store import db, migrate
from gitops_schema.store.ingest import ingest
from gitops_schema.store.records import Origin
from gitops_schema.store.sources import argocd, flux
from gitops_schema.store.tokens import Role, find_token

from ..store.simulate import START, application, flux_event, sha


def test_db_upgrade_and_token_create(cli: Callable[..., Any], db_url: str) -> None:
    first = cli("db", "upgrade", "--db", db_url)
    head = migrate.head()
    assert first.code == 0 and f"to {head}" in first.out
    assert f"already at revision {head}" in cli("db", "upgrade", "--db", db_url).out
    created = cli("token", "create", "--db", db_url, "--role", "read", "--name", "grafana")
    assert created.code == 0
    token = created.out.strip().splitlines()[-1]
    found = find_token(db.create(db_url), token)
    assert found is not None and (found.name, found.role) == ("grafana", Role.READ)
    again = cli("token", "create", "--db", db_url, "--role", "read", "--name", "grafana")
    assert again.code == 2 and "exists already" in again.err


def test_the_store_is_gitops_schema_db_else_a_file_in_the_data_folder(
    cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv(db.ENV_VAR, raising=False)
    first = cli("token", "create", "--role", "read", "--name", "a").out.strip().splitlines()[-1]
    default = tmp_path / "data" / "gitops-schema" / "history.db"
    assert find_token(db.create(f"sqlite:///{default}"), first) is not None
    monkeypatch.setenv(db.ENV_VAR, f"sqlite:///{tmp_path / 'env.db'}")
    created = cli("token", "create", "--role", "read", "--name", "b")
    token = created.out.strip().splitlines()[-1]
    assert find_token(db.create(f"sqlite:///{tmp_path / 'env.db'}"), token) is not None
    assert find_token(db.create(f"sqlite:///{default}"), token) is None


def test_the_flux_key_is_the_file_else_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(FLUX_HMAC_ENV, raising=False)
    assert flux_hmac_key(None) is None
    monkeypatch.setenv(FLUX_HMAC_ENV, "from-env")
    assert flux_hmac_key(None) == b"from-env"
    (tmp_path / "key").write_bytes(b"from-file\n")
    assert flux_hmac_key(tmp_path / "key") == b"from-file"


def test_report_deployments(cli: Callable[..., Any], db_url: str) -> None:
    engine = db.create(db_url)
    cli("db", "upgrade", "--db", db_url)
    operation = {
        "phase": "Succeeded",
        "startedAt": "2026-03-02T10:00:00Z",
        "finishedAt": "2026-03-02T10:00:42Z",
        "syncResult": {"revision": sha("a")},
    }
    prod = application("payments", {"operationState": operation}, cluster="prod-eu")
    dev = application("payments", {"operationState": operation}, cluster="dev")
    event = flux_event(
        "apps", START.replace(hour=12), revision=sha("b"), severity="info",
        reason="ReconciliationSucceeded", message="Reconciliation finished in 4s, next run in 5m",
    )  # fmt: skip
    observations = [argocd.parse_webhook(prod), argocd.parse_webhook(dev)]
    observations.append(flux.parse_event(event, cluster="prod-us"))
    ingest(engine, observations, origin=Origin.IMPORT)
    window = ("--from", "2026-03-02", "--to", "2026-03-03T00:00:00Z", "--db", db_url)
    everything = json.loads(cli("report", "deployments", *window, "-o", "json").out)
    assert everything["deployments"][0] == {
        "tool": "argocd",
        "cluster": "dev",
        "namespace": "argocd",
        "name": "payments",
        "revision": sha("a"),
        "started_at": "2026-03-02T10:00:00Z",
        "finished_at": "2026-03-02T10:00:42Z",
        "failed": False,
    }
    assert len(everything["deployments"]) == 3
    production = json.loads(
        cli("report", "deployments", *window, "--env", "production", "-o", "json").out
    )
    assert [(d["tool"], d["cluster"], d["started_at"]) for d in production["deployments"]] == [
        ("argocd", "prod-eu", "2026-03-02T10:00:00Z"),
        ("flux", "prod-us", "2026-03-02T11:59:56Z"),
    ]
    table = cli("report", "deployments", *window)
    assert table.code == 0 and table.out.count(sha("a")) == 2
    empty = cli(
        "report", "deployments", "--from", "2026-03-03", "--to", "2026-03-02", "--db", db_url
    )
    assert empty.code == 2 and "is not after" in empty.err


def test_integrations_argocd_is_a_valid_notifications_config(cli: Callable[..., Any]) -> None:
    out = cli("integrations", "argocd", "--url", "http://history:8080/").out
    config = yaml.safe_load(out)
    data = config["data"]
    assert config["metadata"]["name"] == "argocd-notifications-cm"
    service = yaml.safe_load(data["service.webhook.gitops-schema"])
    assert service["url"] == "http://history:8080/api/v1/events/argocd"
    template = yaml.safe_load(data["template.gitops-schema-app"])
    assert template["webhook"]["gitops-schema"]["body"].strip() == '{"app": {{toJson .app}}}'
    for trigger in ("on-sync-succeeded", "on-sync-failed", "on-health-degraded", "on-deployed"):
        (condition,) = yaml.safe_load(data[f"trigger.{trigger}"])
        assert condition["send"] == ["gitops-schema-app"] and condition["when"]
