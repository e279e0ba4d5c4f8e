"""Flux notifications (``notification.toolkit.fluxcd.io``): Alert, Provider and Receiver.

Alert and Provider are current in ``v1beta3``, Receiver in ``v1``; the fields of the deprecated
betas are still recognised.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from gitops_schema.model.base import KubeModel, LocalObjectReference, Resource
from gitops_schema.model.kinds import KindSpec, Tool

GROUP = "notification.toolkit.fluxcd.io"


class CrossNamespaceObjectReference(KubeModel):
    """Objects by kind and name (``*`` for all), possibly in another namespace, and labels."""

    kind: str
    name: str
    namespace: str | None = None
    api_version: str | None = None
    match_labels: dict[str, str] = Field(default_factory=dict)


class AlertSpec(KubeModel):
    """Which events of which objects are sent to which Provider."""

    provider_ref: LocalObjectReference
    event_sources: list[CrossNamespaceObjectReference]
    event_severity: str | None = None
    event_metadata: dict[str, str] = Field(default_factory=dict)
    inclusion_list: list[str] = Field(default_factory=list)
    exclusion_list: list[str] = Field(default_factory=list)
    summary: str | None = None
    """Deprecated: use ``eventMetadata.summary`` (or the source's summary annotation)."""
    suspend: bool | None = None


class Alert(Resource):
    """A Flux Alert: forwards controller events to a Provider."""

    spec: AlertSpec
    status: dict[str, Any] | None = None
    """Only in the deprecated betas: v1beta3 Alerts have no status."""


class ProviderSpec(KubeModel):
    """Where and how notifications are sent (chat, webhook, git commit status...)."""

    type: str
    address: str | None = None
    channel: str | None = None
    username: str | None = None
    secret_ref: LocalObjectReference | None = None
    cert_secret_ref: LocalObjectReference | None = None
    proxy_secret_ref: LocalObjectReference | None = None
    service_account_name: str | None = None
    commit_status_expr: str | None = None
    timeout: str | None = None
    suspend: bool | None = None
    interval: str | None = None
    """Unused since v1beta3 (still in the schema)."""
    proxy: str | None = None
    """Deprecated: use ``proxySecretRef``."""


class Provider(Resource):
    """A Flux Provider: a notification destination."""

    spec: ProviderSpec
    status: dict[str, Any] | None = None
    """Only in the deprecated betas: v1beta3 Providers have no status."""


class OIDCValidation(KubeModel):
    """A CEL check of the OIDC token claims of a ``generic-oidc`` Receiver."""

    expression: str
    message: str


class OIDCVariable(KubeModel):
    """A named CEL expression over the OIDC token claims of a ``generic-oidc`` Receiver."""

    name: str
    expression: str


class OIDCProvider(KubeModel):
    """An OIDC issuer trusted by a ``generic-oidc`` Receiver."""

    issuer_url: str = Field(alias="issuerURL")
    validations: list[OIDCValidation]
    audience: str | None = None
    variables: list[OIDCVariable] = Field(default_factory=list)


class ReceiverResource(KubeModel):
    """An object to reconcile when the webhook fires, with an optional CEL filter."""

    kind: str
    name: str
    namespace: str | None = None
    api_version: str | None = None
    match_labels: dict[str, str] = Field(default_factory=dict)
    filter: str | None = None


class ReceiverSpec(KubeModel):
    """Which webhook is received and which objects it triggers."""

    type: str
    resources: list[ReceiverResource]
    secret_ref: LocalObjectReference | None = None
    events: list[str] = Field(default_factory=list)
    resource_filter: str | None = None
    oidc_providers: list[OIDCProvider] = Field(default_factory=list)
    interval: str | None = None
    suspend: bool | None = None


class Receiver(Resource):
    """A Flux Receiver: an incoming webhook that requests reconciliations."""

    spec: ReceiverSpec
    status: dict[str, Any] | None = None


_BETAS = ("v1beta2", "v1beta1")

KINDS = (
    KindSpec(GROUP, "Alert", Alert, Tool.FLUX, ("v1beta3",), _BETAS),
    KindSpec(GROUP, "Provider", Provider, Tool.FLUX, ("v1beta3",), _BETAS),
    KindSpec(GROUP, "Receiver", Receiver, Tool.FLUX, ("v1",), _BETAS),
)
