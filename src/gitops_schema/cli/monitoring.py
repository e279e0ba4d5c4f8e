"""``gitops-schema monitoring rules|dashboard``: alert rules and a Grafana dashboard.

Both read the metrics ``serve`` exports at ``/metrics``.
"""

from __future__ import annotations

import json
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
import yaml

from gitops_schema.errors import UsageError

app = typer.Typer(
    help="Prometheus alert rules and a Grafana dashboard for the history service.",
    no_args_is_help=True,
)

# Prometheus' duration syntax (model.ParseDuration): units from largest to smallest.
_DURATION = re.compile(r"^((\d+)y)?((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$")


class RulesFormat(StrEnum):
    """Output formats of ``monitoring rules``."""

    PROMETHEUS = "prometheus"
    PROMETHEUSRULE = "prometheusrule"


def _duration(option: str, value: str) -> str:
    if not value or value == "0" or not _DURATION.match(value):
        raise UsageError(f"{option} {value!r}: not a Prometheus duration (e.g. 30m, 1h, 7d)")
    return value


def _write(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"-o {output}: cannot write: {error.strerror}") from None


@app.command("rules")
def rules_command(
    format: Annotated[
        RulesFormat,
        typer.Option("--format", help="A Prometheus rule file, or a PrometheusRule object."),
    ] = RulesFormat.PROMETHEUS,
    namespace: Annotated[
        str, typer.Option("--namespace", help="The PrometheusRule's namespace.")
    ] = "monitoring",
    out_of_sync_for: Annotated[
        str, typer.Option("--out-of-sync-for", help="Alert on objects OutOfSync this long.")
    ] = "30m",
    degraded_for: Annotated[
        str, typer.Option("--degraded-for", help="Alert on objects Degraded this long.")
    ] = "5m",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
) -> None:
    """Alert rules: sync failures, out of sync too long, degraded health, low DORA levels."""
    from gitops_schema.analytics.alert_rules import RuleSettings, rules_document

    settings = RuleSettings(
        out_of_sync_for=_duration("--out-of-sync-for", out_of_sync_for),
        degraded_for=_duration("--degraded-for", degraded_for),
    )
    document = rules_document(format.value, settings, namespace=namespace)
    _write(yaml.safe_dump(document, sort_keys=False, width=200), output)


@app.command("dashboard")
def dashboard_command(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the JSON to this file.")
    ] = None,
    title: Annotated[str, typer.Option("--title", help="The dashboard's title.")] = (
        "GitOps history"
    ),
) -> None:
    """A Grafana dashboard (JSON) over /metrics and the store's PostgreSQL tables."""
    from gitops_schema.analytics.grafana import grafana_dashboard

    _write(json.dumps(grafana_dashboard(title), indent=2) + "\n", output)
