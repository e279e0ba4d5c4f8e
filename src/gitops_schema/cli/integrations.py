"""``gitops-schema integrations argocd``: the Argo CD notifications configuration.

It sends every sync and health change of the subscribed Applications to ``serve``.
"""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlsplit

import typer

from gitops_schema.errors import UsageError

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


_NAMESPACE = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")
"""A Kubernetes namespace name (an RFC 1123 label)."""


def _checked(url: str, namespace: str) -> None:
    """Refuse what Argo CD could not use, or what would change the YAML printed.

    Raises:
        UsageError: a URL that is not http(s) with a host, or holds a space, a quote or a
            line break; a namespace that is not a Kubernetes name.
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it checks the port is a number in range
    except ValueError as error:
        raise UsageError(f"--url {url!r}: {error}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"--url {url!r}: give the http(s) address Argo CD reaches gitops-schema serve at, "
            "e.g. http://gitops-schema.monitoring.svc:8080"
        )
    if re.search(r"[\s\"'#]", url):
        raise UsageError(f"--url {url!r}: a URL has no spaces, quotes, '#' or line breaks")
    if not _NAMESPACE.fullmatch(namespace):
        raise UsageError(
            f"--namespace {namespace!r}: not a Kubernetes namespace name (lower-case letters, "
            "digits and '-', at most 63)"
        )


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
    _checked(url, namespace)
    typer.echo(argocd_notifications(url, namespace), nl=False)
