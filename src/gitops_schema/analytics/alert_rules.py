"""Prometheus alert rules over the metrics of :mod:`gitops_schema.analytics.metric_names`.

``alert_rules()`` gives the rule groups as data; ``rules_document()`` wraps them as a plain
Prometheus rule file (``prometheus``) or as a Prometheus-operator ``PrometheusRule``
(``prometheusrule``), ready to be dumped as YAML.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from gitops_schema.analytics.metric_names import (
    APP_HEALTH_STATUS,
    APP_SYNC_STATUS,
    DORA_LEVEL,
    SYNC_OPERATIONS,
)

RulesFormat = Literal["prometheus", "prometheusrule"]


@dataclass(frozen=True)
class RuleSettings:
    """The knobs of the rules: durations are Prometheus durations (``30m``, ``1h``)."""

    failure_window: str = "15m"
    """A sync failure alerts while it happened within this window."""
    out_of_sync_for: str = "30m"
    """An object out of sync for longer than this alerts."""
    degraded_for: str = "5m"
    """An object degraded for longer than this alerts."""
    dora_low_for: str = "1h"
    """A DORA key metric at level ``low`` for longer than this alerts."""
    dora_window: str = "30d"
    """The ``window`` label of the DORA gauges the rules read."""


_APP = "{{ $labels.tool }} {{ $labels.cluster }}/{{ $labels.namespace }}/{{ $labels.name }}"


def alert_rules(settings: RuleSettings | None = None) -> list[dict[str, Any]]:
    """The rule groups: sync failures, out of sync too long, degraded health, low DORA levels."""
    settings = settings or RuleSettings()
    sync_rules = [
        {
            "alert": "GitOpsSyncFailed",
            "expr": (
                f'increase({SYNC_OPERATIONS.sample}{{status="Failed"}}'
                f"[{settings.failure_window}]) > 0"
            ),
            "labels": {"severity": "warning"},
            "annotations": {
                "summary": f"Sync failed: {_APP}",
                "description": (
                    f"{{{{ $value | humanize }}}} failed sync operation(s) of {_APP} "
                    f"in the last {settings.failure_window}."
                ),
            },
        },
        {
            "alert": "GitOpsOutOfSync",
            "expr": f'{APP_SYNC_STATUS.sample}{{sync_status="OutOfSync"}} == 1',
            "for": settings.out_of_sync_for,
            "labels": {"severity": "warning"},
            "annotations": {
                "summary": f"Out of sync: {_APP}",
                "description": f"{_APP} has been OutOfSync for more than "
                f"{settings.out_of_sync_for}.",
            },
        },
        {
            "alert": "GitOpsHealthDegraded",
            "expr": f'{APP_HEALTH_STATUS.sample}{{health_status="Degraded"}} == 1',
            "for": settings.degraded_for,
            "labels": {"severity": "critical"},
            "annotations": {
                "summary": f"Degraded: {_APP}",
                "description": f"{_APP} has been Degraded for more than {settings.degraded_for}.",
            },
        },
    ]
    dora_rules = [
        {
            "alert": "GitOpsDoraLevelLow",
            "expr": (f'{DORA_LEVEL.sample}{{window="{settings.dora_window}", level="low"}} == 1'),
            "for": settings.dora_low_for,
            "labels": {"severity": "info"},
            "annotations": {
                "summary": "DORA {{ $labels.metric }} is at level low",
                "description": (
                    "Over the trailing {{ $labels.window }}, the DORA key metric "
                    "{{ $labels.metric }} of production deployments is at level low "
                    "(DevLake's 2023 thresholds)."
                ),
            },
        },
    ]
    return [
        {"name": "gitops-schema-sync", "rules": sync_rules},
        {"name": "gitops-schema-dora", "interval": "5m", "rules": dora_rules},
    ]


def rules_document(
    format: RulesFormat = "prometheus",
    settings: RuleSettings | None = None,
    *,
    name: str = "gitops-schema",
    namespace: str = "monitoring",
) -> dict[str, Any]:
    """The rules as a Prometheus rule file or as a ``PrometheusRule`` object."""
    groups = alert_rules(settings)
    if format == "prometheus":
        return {"groups": groups}
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {"app.kubernetes.io/name": "gitops-schema"},
        },
        "spec": {"groups": groups},
    }
