"""The demo's simulated history: the same every time, from the applications of examples/,
with the retries, failures and late arrivals it promises."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from gitops_schema.analytics.demo import simulate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
END = datetime(2026, 5, 1, tzinfo=UTC)


def test_simulation_is_seeded_and_realistic() -> None:
    commits, deliveries, names = simulate(EXAMPLES, end=END)
    again = simulate(EXAMPLES, end=END)[1]
    assert [json.dumps(x.body, sort_keys=True) for x in deliveries] == [
        json.dumps(x.body, sort_keys=True) for x in again
    ]
    assert names["https://prod-eu-central-1.k8s.example.org"] == "prod-eu-central-1"
    argocd = [x.body["app"] for x in deliveries if x.tool == "argocd"]
    flux = [x.body for x in deliveries if x.tool == "flux"]
    assert {a["metadata"]["name"] for a in argocd} >= {"user-service-prod-eu-central-1"}
    assert {f["involvedObject"]["name"] for f in flux} == {
        f"payment-service-{env}" for env in ("dev", "test", "staging", "prod")
    }
    phases = {a["status"]["operationState"]["phase"] for a in argocd}
    assert phases == {"Succeeded", "Failed"}
    assert any(a["status"]["health"]["status"] == "Degraded" for a in argocd)
    assert any(f["severity"] == "error" for f in flux)
    bodies = [json.dumps(x.body, sort_keys=True) for x in deliveries]
    assert len(set(bodies)) < len(bodies)  # retried deliveries
    times = [a["status"]["operationState"]["finishedAt"] for a in argocd]
    assert times != sorted(times)  # late arrivals
    assert all(c.at < END for c in commits) and len(commits) > 100
