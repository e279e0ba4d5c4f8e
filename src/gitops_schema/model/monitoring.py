"""Prometheus-operator (``monitoring.coreos.com/v1``): ServiceMonitor, PodMonitor, PrometheusRule.

The scrape settings of an endpoint are typed; its authentication, TLS and relabelling blocks
are kept as plain data (they are Prometheus configuration, checked against the schema).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from gitops_schema.model.base import KubeModel, LabelSelector, Resource
from gitops_schema.model.kinds import KindSpec, Tool

GROUP = "monitoring.coreos.com"


class SecretKeySelector(KubeModel):
    """A key of a Secret."""

    key: str
    name: str | None = None
    optional: bool | None = None


class _ScrapeEndpoint(KubeModel):
    """Fields a ServiceMonitor endpoint and a PodMonitor endpoint have in common."""

    port: str | None = None
    target_port: int | str | None = None
    path: str | None = None
    scheme: str | None = None
    params: dict[str, list[str]] = Field(default_factory=dict)
    interval: str | None = None
    scrape_timeout: str | None = None
    honor_labels: bool | None = None
    honor_timestamps: bool | None = None
    track_timestamps_staleness: bool | None = None
    filter_running: bool | None = None
    relabelings: list[dict[str, Any]] = Field(default_factory=list)
    metric_relabelings: list[dict[str, Any]] = Field(default_factory=list)
    tls_config: dict[str, Any] | None = None
    basic_auth: dict[str, Any] | None = None
    authorization: dict[str, Any] | None = None
    oauth2: dict[str, Any] | None = None
    bearer_token_secret: dict[str, Any] | None = None
    """Deprecated upstream: use ``authorization``."""
    enable_http2: bool | None = None
    follow_redirects: bool | None = None
    proxy_url: str | None = None
    no_proxy: str | None = None
    proxy_from_environment: bool | None = None
    proxy_connect_header: dict[str, list[SecretKeySelector]] = Field(default_factory=dict)


class Endpoint(_ScrapeEndpoint):
    """A Service port that serves metrics, and how Prometheus scrapes it."""

    bearer_token_file: str | None = None
    """Deprecated upstream: use ``authorization``."""


class PodMetricsEndpoint(_ScrapeEndpoint):
    """A Pod port that serves metrics, and how Prometheus scrapes it."""

    port_number: int | None = None


class NamespaceSelector(KubeModel):
    """The namespaces targets are discovered in: any, or a list (default: the object's own)."""

    any: bool | None = None
    match_names: list[str] = Field(default_factory=list)


class AttachMetadata(KubeModel):
    """Extra metadata added to discovered targets."""

    node: bool | None = None


class _MonitorSpec(KubeModel):
    """Fields a ServiceMonitor spec and a PodMonitor spec have in common."""

    selector: LabelSelector
    namespace_selector: NamespaceSelector | None = None
    selector_mechanism: str | None = None
    job_label: str | None = None
    pod_target_labels: list[str] = Field(default_factory=list)
    attach_metadata: AttachMetadata | None = None
    scrape_class: str | None = None
    scrape_protocols: list[str] = Field(default_factory=list)
    fallback_scrape_protocol: str | None = None
    scrape_classic_histograms: bool | None = None
    scrape_native_histograms: bool | None = None
    convert_classic_histograms_to_nhcb: bool | None = Field(
        default=None, alias="convertClassicHistogramsToNHCB"
    )
    native_histogram_bucket_limit: int | None = None
    native_histogram_min_bucket_factor: int | str | None = None
    sample_limit: int | None = None
    target_limit: int | None = None
    label_limit: int | None = None
    label_name_length_limit: int | None = None
    label_value_length_limit: int | None = None
    keep_dropped_targets: int | None = None
    body_size_limit: str | None = None


class ServiceMonitorSpec(_MonitorSpec):
    """Which Services to scrape, and how."""

    endpoints: list[Endpoint]
    target_labels: list[str] = Field(default_factory=list)
    service_discovery_role: str | None = None


class ServiceMonitor(Resource):
    """A Prometheus-operator ServiceMonitor."""

    spec: ServiceMonitorSpec
    status: dict[str, Any] | None = None


class PodMonitorSpec(_MonitorSpec):
    """Which Pods to scrape, and how."""

    pod_metrics_endpoints: list[PodMetricsEndpoint] = Field(default_factory=list)


class PodMonitor(Resource):
    """A Prometheus-operator PodMonitor."""

    spec: PodMonitorSpec
    status: dict[str, Any] | None = None


class Rule(KubeModel):
    """An alerting rule (``alert``) or a recording rule (``record``)."""

    expr: int | str
    """PromQL; YAML may give a plain number, hence int."""
    alert: str | None = None
    record: str | None = None
    for_: str | None = Field(default=None, alias="for")
    keep_firing_for: str | None = Field(default=None, alias="keep_firing_for")
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)


class RuleGroup(KubeModel):
    """Rules evaluated in sequence at the same interval."""

    name: str
    rules: list[Rule] = Field(default_factory=list)
    interval: str | None = None
    limit: int | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    query_offset: str | None = Field(default=None, alias="query_offset")
    partial_response_strategy: str | None = Field(default=None, alias="partial_response_strategy")
    """Thanos only: ``abort`` or ``warn``."""


class PrometheusRuleSpec(KubeModel):
    """Groups of alerting and recording rules."""

    groups: list[RuleGroup] = Field(default_factory=list)


class PrometheusRule(Resource):
    """A Prometheus-operator PrometheusRule."""

    spec: PrometheusRuleSpec


KINDS = (
    KindSpec(GROUP, "ServiceMonitor", ServiceMonitor, Tool.PROMETHEUS, ("v1",)),
    KindSpec(GROUP, "PodMonitor", PodMonitor, Tool.PROMETHEUS, ("v1",)),
    KindSpec(GROUP, "PrometheusRule", PrometheusRule, Tool.PROMETHEUS, ("v1",)),
)
