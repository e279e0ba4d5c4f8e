"""envdiff over the examples' payment-service overlays, rendered by the project's engine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gitops_schema.compare import (
    envdiff_many,
    render_envdiff_json,
    render_envdiff_markdown,
    render_envdiff_text,
)
from gitops_schema.render import build_kustomization

ROOT = Path(__file__).resolve().parents[2]
OVERLAYS = ROOT / "examples" / "payment-service" / "overlays"
ENVIRONMENTS = ("dev", "test", "staging", "prod")


def test_payment_service_across_environments(golden: Callable[[str, str], None]) -> None:
    renders = {}
    for env in ENVIRONMENTS:
        result = build_kustomization(OVERLAYS / env)
        assert result.report.ok, result.report
        renders[env] = result.manifests

    diffs = envdiff_many({"payment-service": renders})

    (app,) = diffs.applications
    assert all(not row.missing for row in app.objects)
    # Promotion tunes replicas, resources and the image tag; only the log level is
    # set per environment without being declared as such.
    assert [d.path.rpartition(".")[0] for _, d in app.unexpected] == [
        "spec.template.spec.containers[name=payment-service].env[name=LOG_LEVEL]"
    ]
    reasons = {d.reason for row in app.objects for d in row.differences if d.expected}
    assert reasons == {
        "environment label",
        "environment name",
        "image tag",
        "namespace",
        "replicas",
        "resources",
    }
    golden("compare/envdiff-payment-service.txt", render_envdiff_text(diffs))
    golden("compare/envdiff-payment-service.md", render_envdiff_markdown(diffs))
    golden("compare/envdiff-payment-service.json", render_envdiff_json(diffs))

    configured = envdiff_many(
        {"payment-service": renders}, expected=["*.env[name=LOG_LEVEL].value"]
    )
    assert configured.score == 100.0
