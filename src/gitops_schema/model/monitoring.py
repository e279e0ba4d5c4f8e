"""Prometheus-operator: ServiceMonitor, PodMonitor and PrometheusRule."""

from __future__ import annotations

from typing import Any

from gitops_schema.model.base import KubeModel, LabelSelector, Resource
from gitops_schema.model.kinds import KindSpec, Tool

GROUP = "monitoring.coreos.com"


class ServiceMonitorSpec(KubeModel):
    """Which Services to scrape and how."""

    selector: LabelSelector
    endpoints: list[dict[str, Any]] = []
    namespace_selector: dict[str, Any] | None = None
    job_label: str | None = None


class ServiceMonitor(Resource):
    """A Prometheus-operator ServiceMonitor."""

    spec: ServiceMonitorSpec


KINDS = (KindSpec(GROUP, "ServiceMonitor", ServiceMonitor, Tool.PROMETHEUS, ("v1",)),)
