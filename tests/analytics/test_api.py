"""The read API returns exactly the CLI's JSON; listings page; tokens are required."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from typing import Any

from . import history
from .conftest import Served

WINDOW = {"from": history.WINDOW[0], "to": history.WINDOW[1]}


def test_reports_equal_the_cli_json(served: Served, cli: Callable[..., Any]) -> None:
    url = str(served.client.app.state.engine.url)  # type: ignore[attr-defined]
    for name, extra in (
        ("dora", {}),
        ("sync-stats", {"env": "all"}),
        ("deployments", {}),
        ("dora", {"by": "team", "env": "all"}),
        ("audit", {}),
    ):
        response = served.get(f"/api/v1/reports/{name}", **WINDOW, **extra)
        assert response.status_code == 200, response.text  # type: ignore[attr-defined]
        options = [f"--{k}={v}" for k, v in extra.items()]
        printed = cli(
            "report",
            name,
            "--db",
            url,
            "--from",
            WINDOW["from"],
            "--to",
            WINDOW["to"],
            *options,
            "-o",
            "json",
        )
        assert printed.code == 0, printed.err
        assert response.json() == json.loads(printed.out)  # type: ignore[attr-defined]


def test_tokens_and_bad_parameters(served: Served) -> None:
    assert served.client.get("/api/v1/reports/dora").status_code == 401
    ingest = {"Authorization": f"Bearer {served.ingest}"}
    assert served.client.get("/api/v1/reports/dora", headers=ingest).status_code == 403
    bad = served.get("/api/v1/reports/dora", **{"from": "yesterday"})
    assert bad.status_code == 400  # type: ignore[attr-defined]
    assert bad.json()["detail"].startswith("from 'yesterday': not an ISO 8601 time")  # type: ignore[attr-defined]
    backwards = served.get("/api/v1/reports/dora", **{"from": "2026-03-02", "to": "2026-03-01"})
    assert backwards.json()["detail"].startswith("to 2026-03-01")  # type: ignore[attr-defined]
    assert "--" not in backwards.json()["detail"]  # type: ignore[attr-defined]
    assert served.get("/api/v1/reports/nope").status_code == 422  # type: ignore[attr-defined]


def test_listings_page(served: Served) -> None:
    first = served.get("/api/v1/sync-operations", **WINDOW, limit="4").json()  # type: ignore[attr-defined]
    second = served.get("/api/v1/sync-operations", **WINDOW, limit="4", offset="4").json()  # type: ignore[attr-defined]
    assert first["total"] == second["total"] == 12  # 6 web-prod, 4 api, 2 web-staging
    assert len(first["items"]) == 4 and first["items"][0]["finished_at"] == "2026-03-12T12:01:00Z"
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    objects = served.get("/api/v1/objects", limit="2").json()  # type: ignore[attr-defined]
    assert objects["total"] == 3 and [o["name"] for o in objects["items"]] == [
        "web-prod",
        "web-staging",
    ]
    deployed = served.get(
        "/api/v1/deployments", **WINDOW, env="production", limit="5", offset="5"
    ).json()  # type: ignore[attr-defined]
    assert deployed["total"] == 6 and [d["revision"][:7] for d in deployed["items"]] != []


def test_metrics_pass_promtool(served: Served) -> None:
    response = served.get("/metrics")
    assert response.status_code == 200  # type: ignore[attr-defined]
    text = response.content  # type: ignore[attr-defined]
    done = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True)
    assert done.returncode == 0, done.stdout + done.stderr
    samples = {
        line.rpartition(" ")[0]: line.rpartition(" ")[2] for line in text.decode().splitlines()
    }
    assert (
        samples[
            "gitops_schema_app_health_status{"
            'cluster="prod-eu",health_status="Healthy",name="web-prod",namespace="argocd",tool="argocd"}'
        ]
        == "1.0"
    )
    assert (
        samples[
            "gitops_schema_deployments_total{"
            'cluster="prod-eu",environment="production",name="web-prod",namespace="argocd",tool="argocd"}'
        ]
        == "5.0"
    )
    assert (
        samples[
            "gitops_schema_failed_deployments_total{"
            'cluster="staging",environment="other",name="web-staging",namespace="argocd",tool="argocd"}'
        ]
        == "1.0"
    )


def test_an_offset_sent_unencoded_is_read_as_one(served: Served) -> None:
    # "+02:00" typed into a URL arrives as " 02:00" ("+" is a space in a query string)
    raw = served.client.get(
        f"/api/v1/reports/dora?from=2026-03-02T02:00:00+02:00&to={WINDOW['to']}",
        headers={"Authorization": f"Bearer {served.read}"},
    )
    assert raw.status_code == 200, raw.text
    assert raw.json() == served.get("/api/v1/reports/dora", **WINDOW).json()  # type: ignore[attr-defined]
