"""Notifications: Argo CD subscriptions <-> Flux Alerts and Providers.

Argo CD subscribes an Application to a trigger and a service with an annotation
(``notifications.argoproj.io/subscribe.on-sync-failed.slack: alerts``), the triggers,
templates and services being defined in ``argocd-notifications-cm``. Flux sends the events
of the objects an Alert names, at a severity, to a Provider. A failed sync is an error
event in both; the other triggers have no Flux event of their own, and the services'
credentials (Secrets) are never copied: each is a stated loss.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from gitops_schema.convert.notes import Notes
from gitops_schema.convert.output import dns_name
from gitops_schema.model.flux_notification import Alert, Provider
from gitops_schema.model.identity import ObjectId, identity
from gitops_schema.model.k8s import ConfigMap

__all__ = [
    "NOTIFICATIONS_CM",
    "SUBSCRIBE",
    "ArgoNotifications",
    "FluxAlerts",
    "flux_alerts",
    "notifications_config",
    "subscriptions",
]

SUBSCRIBE = "notifications.argoproj.io/subscribe."
"""The prefix of Argo CD's notification subscription annotations."""
NOTIFICATIONS_CM = "argocd-notifications-cm"
_GROUP = "notification.toolkit.fluxcd.io"
_NOTIFICATION_API = f"{_GROUP}/v1beta3"

_SERVICES = (
    ("slack", "slack"),
    ("teams", "msteams"),
    ("googlechat", "googlechat"),
    ("telegram", "telegram"),
    ("opsgenie", "opsgenie"),
    ("pagerdutyv2", "pagerduty"),
    ("grafana", "grafana"),
    ("webex", "webex"),
    ("github", "github"),
    ("gitlab", "gitlab"),
    ("alertmanager", "alertmanager"),
    ("webhook", "generic"),
    ("rocketchat", "rocket"),
)
"""(Argo CD service, Flux Provider type) that deliver to the same kind of place."""
_CHANNELS = frozenset({"slack", "telegram", "rocket", "webex"})
"""Flux Provider types whose ``channel`` is the Argo CD recipient."""

_FAILED = "on-sync-failed"
_TRIGGERS: dict[str, tuple[str, str]] = {
    _FAILED: ("error", ""),
    "on-health-degraded": (
        "error",
        "Flux sends an error event when a reconciliation's health check fails, not when "
        "health degrades between reconciliations",
    ),
    "on-sync-succeeded": (
        "info",
        "Flux sends every info event (each reconciliation, and errors too), not only "
        "successful syncs",
    ),
    "on-deployed": (
        "info",
        "Flux sends every info event (each reconciliation, and errors too), not once per "
        "deployed revision",
    ),
}
"""Argo CD trigger -> (Flux event severity, what differs; empty when nothing does)."""

_WHEN = {
    _FAILED: "app.status.operationState != nil and "
    "app.status.operationState.phase in ['Error', 'Failed']",
    "on-health-degraded": "app.status.health.status == 'Degraded'",
    "on-deployed": "app.status.operationState != nil and "
    "app.status.operationState.phase in ['Succeeded'] and "
    "app.status.health.status == 'Healthy'",
}
"""The condition of each trigger a converted Flux Alert subscribes to."""
_SEVERITY_TRIGGERS = {"error": (_FAILED, "on-health-degraded")}
_INFO_TRIGGERS = (_FAILED, "on-health-degraded", "on-deployed")


# -- Argo CD -> Flux -------------------------------------------------------------------


def _default_triggers(config: Mapping[str, str], service: str) -> list[str]:
    """``defaultTriggers`` of ``argocd-notifications-cm`` for a service (a YAML list)."""
    text = config.get(f"defaultTriggers.{service}") or config.get("defaultTriggers") or ""
    return [line.strip().lstrip("-").strip() for line in text.splitlines() if line.strip()]


def subscriptions(
    annotations: Mapping[str, str], config: Mapping[str, str], notes: Notes
) -> list[tuple[str, str, str, str]]:
    """(annotation, trigger, service, recipient) of each subscription an Application has.

    ``subscribe.<service>`` subscribes to the service's default triggers (from
    ``config``, the data of ``argocd-notifications-cm``).
    """
    found: list[tuple[str, str, str, str]] = []
    for key, value in annotations.items():
        if not key.startswith(SUBSCRIBE):
            continue
        where = f"$.metadata.annotations['{key}']"
        trigger, _, service = key.removeprefix(SUBSCRIBE).rpartition(".")
        triggers = [trigger] if trigger else _default_triggers(config, service)
        if not triggers:
            notes.lose(where, f"no default triggers for {service} in {NOTIFICATIONS_CM}")
        recipients = [r.strip() for r in value.replace(",", ";").split(";") if r.strip()]
        for name in triggers:
            found.extend((key, name, service, recipient) for recipient in recipients or [""])
    return found


@dataclass(slots=True)
class FluxAlerts:
    """The Providers and Alerts of one application's subscriptions."""

    objects: list[dict[str, Any]] = field(default_factory=list)
    notes: Notes = field(default_factory=Notes)


def _provider(name: str, kind: str, recipient: str, namespace: str) -> dict[str, Any]:
    spec: dict[str, Any] = {"type": kind, "secretRef": {"name": name}}
    if recipient and kind in _CHANNELS:
        spec["channel"] = recipient
    return {
        "apiVersion": _NOTIFICATION_API,
        "kind": "Provider",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


def flux_alerts(
    app: str,
    found: Sequence[tuple[str, str, str, str]],
    appliers: Iterable[tuple[str, str]],
    namespace: str,
) -> FluxAlerts:
    """A Provider per service and recipient, an Alert per trigger, for one application.

    ``appliers`` are (kind, name) of the Kustomizations and HelmReleases the application
    became: the Alerts' event sources.
    """
    alerts = FluxAlerts()
    sources = [{"kind": kind, "name": name} for kind, name in appliers]
    providers: set[str] = set()
    for key, trigger, service, recipient in found:
        where = f"$.metadata.annotations['{key}']"
        kind = dict(_SERVICES).get(service)
        severity, differs = _TRIGGERS.get(trigger, ("", ""))
        if kind is None or not severity:
            what = f"service {service}" if kind is None else f"trigger {trigger}"
            alerts.notes.lose(where, f"{what} has no Flux notification equivalent")
            continue
        provider = dns_name(f"{service}-{recipient}" if recipient else service)
        if provider not in providers:
            providers.add(provider)
            alerts.objects.append(_provider(provider, kind, recipient, namespace))
            alerts.notes.lose(
                where,
                f"the {service} credentials (argocd-notifications-secret) are not copied: "
                f"create Secret {provider} in {namespace} with the provider's address or token",
            )
        if differs:
            alerts.notes.lose(where, f"{trigger}: {differs}")
        alerts.objects.append(
            {
                "apiVersion": _NOTIFICATION_API,
                "kind": "Alert",
                "metadata": {
                    "name": dns_name(f"{app}-{trigger}-{provider}"),
                    "namespace": namespace,
                },
                "spec": {
                    "providerRef": {"name": provider},
                    "eventSeverity": severity,
                    "eventSources": sources,
                },
            }
        )
    return alerts


def notifications_config(objects: Iterable[Any]) -> dict[str, str]:
    """The data of the repository's ``argocd-notifications-cm`` (typed ConfigMaps only)."""
    for obj in objects:
        if isinstance(obj, ConfigMap) and obj.metadata.name == NOTIFICATIONS_CM:
            return dict(obj.data)
    return {}


# -- Flux -> Argo CD -------------------------------------------------------------------


@dataclass(slots=True)
class _FluxAlert:
    alert: Alert
    provider: Provider | None
    notes: Notes


@dataclass(slots=True)
class ArgoNotifications:
    """Flux Alerts of one cluster as Argo CD subscriptions and notification settings."""

    alerts: list[tuple[Mapping[str, Any], Notes]] = field(default_factory=list)
    """Each Alert as applied, and what it loses."""
    config: dict[str, str] = field(default_factory=dict)
    """The ``argocd-notifications-cm`` data the subscriptions need."""
    _read: list[_FluxAlert] = field(default_factory=list)

    @classmethod
    def read(cls, manifests: Iterable[Mapping[str, Any]]) -> ArgoNotifications:
        """The Alerts and Providers among a cluster's objects (as its Flux trees apply them)."""
        notifications = cls()
        providers: dict[ObjectId, Provider] = {}
        alerts: dict[ObjectId, tuple[Mapping[str, Any], Alert]] = {}
        for manifest in manifests:
            kind = manifest.get("kind")
            if kind not in ("Alert", "Provider"):
                continue
            if not str(manifest.get("apiVersion")).startswith(f"{_GROUP}/"):
                continue
            try:
                if kind == "Provider":
                    provider = Provider.model_validate(manifest)
                    providers.setdefault(identity(manifest), provider)
                else:
                    alert = Alert.model_validate(manifest)
                    alerts.setdefault(identity(manifest), (manifest, alert))
            except ValidationError:
                continue  # check reports it; nothing to convert
        for manifest, alert in alerts.values():
            key = ObjectId(
                _GROUP, "Provider", identity(manifest).namespace, alert.spec.provider_ref.name
            )
            notes = Notes()
            for index, source in enumerate(alert.spec.event_sources):
                where = f"$.spec.eventSources[{index}]"
                if source.kind not in ("Kustomization", "HelmRelease"):
                    notes.lose(where, f"events of a {source.kind} have no Argo CD trigger")
                elif source.match_labels:
                    notes.lose(
                        f"{where}.matchLabels",
                        "objects chosen by labels are not subscribed: annotate their "
                        "Applications by hand",
                    )
            notifications.alerts.append((manifest, notes))
            notifications._read.append(_FluxAlert(alert, providers.get(key), notes))
        return notifications

    def subscribe(self, kind: str, namespace: str, name: str) -> tuple[dict[str, str], list[int]]:
        """The annotations of a converted Kustomization or HelmRelease, and the Alerts used."""
        annotations: dict[str, str] = {}
        used = []
        for index, read in enumerate(self._read):
            if read.alert.spec.suspend or not _sends(read.alert, kind, namespace, name):
                continue
            service = self._service(read)
            if service is None:
                continue
            used.append(index)
            recipient = (read.provider.spec.channel if read.provider else None) or ""
            severity = read.alert.spec.event_severity or "info"
            triggers = _SEVERITY_TRIGGERS.get(severity, _INFO_TRIGGERS)
            for trigger in triggers:
                key = f"{SUBSCRIBE}{trigger}.{service}"
                recipients = [r for r in annotations.get(key, "").split(";") if r]
                annotations[key] = ";".join(dict.fromkeys([*recipients, recipient]))
                self._trigger(trigger)
        return annotations, used

    def _service(self, read: _FluxAlert) -> str | None:
        notes, provider = read.notes, read.provider
        if provider is None:
            notes.lose("$.spec.providerRef", "the Provider is not in the repository")
            return None
        services = {flux: argo for argo, flux in _SERVICES}
        service = services.get(provider.spec.type)
        if service is None:
            notes.lose(
                "$.spec.providerRef",
                f"Provider type {provider.spec.type} has no Argo CD notification service",
            )
            return None
        secret = provider.spec.secret_ref.name if provider.spec.secret_ref else "its Secret"
        self.config[f"service.{service}"] = f"token: ${service}-token\n"
        notes.lose(
            "$.spec.providerRef",
            f"the credentials in {secret} are not copied: put them in "
            f"argocd-notifications-secret under {service}-token",
        )
        spec = read.alert.spec
        for field_name, value in (
            ("inclusionList", spec.inclusion_list),
            ("exclusionList", spec.exclusion_list),
            ("eventMetadata", spec.event_metadata),
            ("summary", spec.summary),
        ):
            if value:
                notes.lose(f"$.spec.{field_name}", "Argo CD triggers do not filter event text")
        if (spec.event_severity or "info") == "info":
            notes.lose(
                "$.spec.eventSeverity",
                "info events (every reconciliation) become Argo CD's on-deployed, "
                "on-sync-failed and on-health-degraded triggers",
            )
        return service

    def _trigger(self, trigger: str) -> None:
        template = f"app-{trigger.removeprefix('on-')}"
        self.config[f"trigger.{trigger}"] = f"- when: {_WHEN[trigger]}\n  send: [{template}]\n"
        self.config[f"template.{template}"] = (
            f"message: Application {{{{.app.metadata.name}}}}: {trigger.removeprefix('on-')}\n"
        )


def _sends(alert: Alert, kind: str, namespace: str, name: str) -> bool:
    """Whether an Alert sends the events of that Kustomization or HelmRelease."""
    for source in alert.spec.event_sources:
        where = source.namespace or alert.metadata.namespace or ""
        if source.match_labels:
            continue
        if source.kind == kind and where == namespace and source.name in ("*", name):
            return True
    return False
