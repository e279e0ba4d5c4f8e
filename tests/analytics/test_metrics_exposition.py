"""The ``/metrics`` exposition of a store snapshot passes ``promtool check metrics``."""

from __future__ import annotations

import subprocess

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from gitops_schema.analytics.snapshot import AppState, DoraGauges, MetricsSnapshot
from gitops_schema.server.metrics import StoreCollector, ingest_counter

WEB = ("argocd", "prod-eu", "argocd", "web")
API = ("flux", "prod-eu", "flux-system", "api")


def _snapshot() -> MetricsSnapshot:
    return MetricsSnapshot(
        apps=[
            AppState(
                WEB,
                "Application",
                "default",
                "https://git.example/gitops.git",
                "https://kubernetes.default.svc",
                "web",
                "OutOfSync",
                "Degraded",
                {"Succeeded": 1_700_000_000.0, "Failed": 1_700_000_600.0},
                42.0,
            ),
            AppState(API, "Kustomization", "", "", "", "api", "Synced", "Healthy"),
        ],
        sync_operations={(WEB, "Succeeded"): 7, (WEB, "Failed"): 2, (API, "Succeeded"): 3},
        deployments={(WEB, "production"): (5, 1), (API, "other"): (2, 0)},
        dora=DoraGauges(
            "30d",
            2.5,
            3600.0,
            0.2,
            None,
            {
                "deployment_frequency": "high",
                "lead_time": "high",
                "change_failure_rate": "low",
                "recovery_time": None,
            },
        ),
    )


def test_exposition_passes_promtool_and_reads_back() -> None:
    registry = CollectorRegistry()
    registry.register(StoreCollector(_snapshot))
    ingest_counter(registry).labels(source="argocd", code="202").inc()
    text = generate_latest(registry)
    done = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True)
    assert done.returncode == 0, done.stdout + done.stderr
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text.decode())
        for sample in family.samples
    }
    web = (("cluster", "prod-eu"), ("name", "web"), ("namespace", "argocd"), ("tool", "argocd"))
    assert (
        samples[("gitops_schema_sync_operations_total", (*web[:3], ("status", "Failed"), web[3]))]
        == 2
    )
    sync_status = {
        labels: value
        for (name, labels), value in samples.items()
        if name == "gitops_schema_app_sync_status" and ("name", "web") in labels
    }
    assert sorted(value for value in sync_status.values()) == [0, 0, 1]
    assert samples[("gitops_schema_dora_change_failure_ratio", (("window", "30d"),))] == 0.2
    # no recovery measured: no sample, and no level series for it
    assert not any(name == "gitops_schema_dora_recovery_time_seconds" for name, _ in samples)
    levels = {
        dict(labels)["metric"]
        for (name, labels), value in samples.items()
        if name == "gitops_schema_dora_level" and value == 1
    }
    assert levels == {"deployment_frequency", "lead_time", "change_failure_rate"}
    assert (
        samples[("gitops_schema_ingest_requests_total", (("code", "202"), ("source", "argocd")))]
        == 1
    )
