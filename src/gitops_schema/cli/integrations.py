"""``gitops-schema integrations argocd``: the Argo CD notifications configuration.

It sends every sync and health change of the subscribed Applications to ``serve``.
"""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(help="Configuration for the tools that send events.", no_args_is_help=True)

SERVICE = "gitops-schema"
TEMPLATE = "gitops-schema-app"
TOKEN_KEY = "gitops-schema-token"
# trigger -> (description, condition, what to send once per)
TRIGGERS = {
    "on-sync-succeeded": (
        "An operation succeeded.",
        "app.status.operationState != nil and app.status.operationState.phase in ['Succeeded']",
        "app.status.operationState.startedAt",
    ),
    "on-sync-failed": (
        "An operation failed or ended in error.",
        "app.status.operationState != nil and "
        "app.status.operationState.phase in ['Error', 'Failed']",
        "app.status.operationState.startedAt",
    ),
    "on-health-degraded": (
        "The application's health became Degraded.",
        "app.status.health.status == 'Degraded'",
        None,
    ),
    "on-deployed": (
        "Synced and healthy, once per revision.",
        "app.status.operationState != nil and "
        "app.status.operationState.phase in ['Succeeded'] and "
        "app.status.health.status == 'Healthy'",
        "app.status.operationState.syncResult.revision",
    ),
}


def argocd_notifications(url: str, namespace: str) -> str:
    """The ``argocd-notifications-cm`` ConfigMap (YAML) with our service, template, triggers."""
    lines = [
        "# Merge into Argo CD's notifications ConfigMap; put an ingest token of",
        "# `gitops-schema token create --role ingest --name argocd` under the key",
        f"# {TOKEN_KEY} of the Secret argocd-notifications-secret, and subscribe the",
        "# applications with these annotations (or the ConfigMap's `subscriptions`):",
        *(f'#   notifications.argoproj.io/subscribe.{name}.{SERVICE}: ""' for name in TRIGGERS),
        "apiVersion: v1",
        "kind: ConfigMap",
        "metadata:",
        "  name: argocd-notifications-cm",
        f"  namespace: {namespace}",
        "data:",
        f"  service.webhook.{SERVICE}: |",
        f"    url: {url.rstrip('/')}/api/v1/events/argocd",
        "    headers:",
        "      - name: Content-Type",
        "        value: application/json",
        "      - name: Authorization",
        f"        value: Bearer ${TOKEN_KEY}",
        f"  template.{TEMPLATE}: |",
        "    webhook:",
        f"      {SERVICE}:",
        "        method: POST",
        "        body: |",
        '          {"app": {{toJson .app}}}',
    ]
    for name, (description, condition, once_per) in TRIGGERS.items():
        lines += [
            f"  trigger.{name}: |",
            f"    - description: {description}",
            f"      when: {condition}",
        ]
        if once_per:
            lines.append(f"      oncePer: {once_per}")
        lines.append(f"      send: [{TEMPLATE}]")
    return "\n".join(lines) + "\n"


@app.command("argocd")
def argocd_command(
    url: Annotated[
        str, typer.Option("--url", help="Where Argo CD reaches `gitops-schema serve`.")
    ] = "http://gitops-schema.monitoring.svc:8080",
    namespace: Annotated[str, typer.Option("--namespace", help="Argo CD's namespace.")] = "argocd",
) -> None:
    """Print the argocd-notifications-cm service, template, triggers and subscription."""
    typer.echo(argocd_notifications(url, namespace), nl=False)
