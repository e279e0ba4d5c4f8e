"""Notifications both ways: Argo CD subscriptions <-> Flux Alerts and Providers, with what
does not map stated exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gitops_schema.convert import ConvertOptions, Status, argocd_to_flux
from gitops_schema.convert.flux_to_argocd import flux_to_argocd

from .conftest import write

SUBSCRIBE = "notifications.argoproj.io/subscribe."
ARGO = f"""\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
  annotations:
    {SUBSCRIBE}on-sync-failed.slack: alerts
    {SUBSCRIBE}on-deployed.slack: alerts;deploys
    {SUBSCRIBE}on-created.email: me@example.com
    {SUBSCRIBE}teams: ""
spec:
  project: default
  source: {{repoURL: https://git.example.com/org/repo.git, targetRevision: main, path: apps/web}}
  destination: {{server: https://kubernetes.default.svc, namespace: web}}
  syncPolicy: {{automated: {{prune: true, selfHeal: true, allowEmpty: true}}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: argocd-notifications-cm, namespace: argocd}}
data:
  defaultTriggers.teams: |
    - on-sync-failed
"""
FLUX = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: repo, namespace: flux-system}
spec: {interval: 1m, url: https://git.example.com/org/flux.git, ref: {branch: main}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: web, namespace: flux-system}
spec:
  interval: 3m
  path: ./apps/web
  prune: true
  sourceRef: {kind: GitRepository, name: repo}
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata: {name: slack, namespace: flux-system}
spec: {type: slack, channel: general, secretRef: {name: slack-url}}
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata: {name: errors, namespace: flux-system}
spec:
  providerRef: {name: slack}
  eventSeverity: error
  eventSources: [{kind: Kustomization, name: '*'}, {kind: GitRepository, name: '*'}]
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata: {name: unused, namespace: flux-system}
spec:
  providerRef: {name: slack}
  eventSources: [{kind: HelmRelease, name: gone}]
"""
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"


def _objects(conversion: Any, kind: str) -> dict[str, dict[str, Any]]:
    return {
        obj["metadata"]["name"]: obj
        for objects in conversion.tree.files.values()
        for obj in objects
        if obj["kind"] == kind
    }


def test_subscriptions_become_providers_and_alerts(tmp_path: Path) -> None:
    write(tmp_path, {"argocd/app.yaml": ARGO, "apps/web/cm.yaml": CONFIGMAP})
    conversion = argocd_to_flux([tmp_path], ConvertOptions(output=tmp_path / "flux"))
    providers = _objects(conversion, "Provider")
    assert providers["slack-alerts"]["spec"] == {
        "type": "slack",
        "secretRef": {"name": "slack-alerts"},
        "channel": "alerts",
    }
    assert providers["teams"]["spec"]["type"] == "msteams"  # through defaultTriggers
    alerts = _objects(conversion, "Alert")
    failed = alerts["web-on-sync-failed-slack-alerts"]["spec"]
    assert failed["eventSeverity"] == "error"
    assert failed["eventSources"] == [{"kind": "Kustomization", "name": "web"}]
    assert alerts["web-on-deployed-slack-deploys"]["spec"]["eventSeverity"] == "info"
    assert "web-on-sync-failed-teams" in alerts
    (item,) = conversion.fidelity.items
    losses = {
        (loss.field.removeprefix("$.metadata.annotations"), loss.reason) for loss in item.losses
    }
    fields = {field for field, _ in losses}
    assert f"['{SUBSCRIBE}on-created.email']" in fields  # no Flux email provider
    assert any("on-deployed: Flux sends every info event" in reason for _, reason in losses)
    assert any("credentials" in reason for _, reason in losses)
    # A failed sync is a Flux error event: only the credentials are lost there.
    failed_losses = [r for f, r in losses if f == f"['{SUBSCRIBE}on-sync-failed.slack']"]
    assert len(failed_losses) == 1 and "credentials" in failed_losses[0]


def test_alerts_become_subscriptions_and_notification_settings(tmp_path: Path) -> None:
    write(tmp_path, {"clusters/prod/apps.yaml": FLUX, "apps/web/cm.yaml": CONFIGMAP})
    conversion = flux_to_argocd([tmp_path], ConvertOptions(output=tmp_path / "argo"))
    (app,) = _objects(conversion, "Application").values()
    annotations = app["metadata"]["annotations"]
    assert annotations == {
        f"{SUBSCRIBE}on-sync-failed.slack": "general",
        f"{SUBSCRIBE}on-health-degraded.slack": "general",
    }
    settings = _objects(conversion, "ConfigMap")["argocd-notifications-cm"]["data"]
    assert {"service.slack", "trigger.on-sync-failed", "template.app-sync-failed"} <= set(settings)
    items = {item.source.name: item for item in conversion.fidelity.items}
    errors = items["errors"]
    assert errors.source.kind == "Alert" and errors.source.line == 20
    assert errors.status is Status.LOSSY
    assert {loss.field for loss in errors.losses} == {
        "$.spec.eventSources[1]",
        "$.spec.providerRef",
    }
    assert items["unused"].status is Status.UNSUPPORTED
    # Every 3m is Argo CD's own reconciliation period: no loss.
    assert not [loss for loss in items["web"].losses if loss.field == "$.spec.interval"]


def test_a_failed_sync_subscription_survives_the_round_trip(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write(root, {"argocd/app.yaml": ARGO, "apps/web/cm.yaml": CONFIGMAP})
    argocd_to_flux([root], ConvertOptions(output=root / "flux")).tree.write()
    back = flux_to_argocd(
        [root / "flux"],
        ConvertOptions(output=root / "back", repos={"https://git.example.com/org/repo.git": root}),
    )
    annotations = _objects(back, "Application")["web"]["metadata"]["annotations"]
    assert annotations[f"{SUBSCRIBE}on-sync-failed.slack"] == "alerts;deploys"
    assert annotations[f"{SUBSCRIBE}on-deployed.slack"] == "alerts;deploys"
    assert annotations[f"{SUBSCRIBE}on-sync-failed.teams"] == ""
