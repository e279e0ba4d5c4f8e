"""``monitoring rules`` and ``monitoring dashboard``: promtool accepts the rules, promtool's unit
tests fire each alert when it should (and not before), and every PromQL of the dashboard parses."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import yaml

from gitops_schema.analytics.metric_names import ALL_METRICS

APP = 'tool="argocd", cluster="prod", namespace="argocd", name="web"'
LABELS = "tool: argocd, cluster: prod, namespace: argocd, name: web"

RULE_TESTS = f"""
rule_files: [rules.yaml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'gitops_schema_sync_operations_total{{{APP}, status="Failed"}}'
        values: '0 0 0 0 0 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1'
      - series: 'gitops_schema_sync_operations_total{{{APP}, status="Succeeded"}}'
        values: '0+1x40'
      - series: 'gitops_schema_app_sync_status{{{APP}, sync_status="OutOfSync"}}'
        values: '0 0 1x40'
      - series: 'gitops_schema_app_health_status{{{APP}, health_status="Degraded"}}'
        values: '0x10 1x20'
      - series: 'gitops_schema_dora_level{{window="30d", metric="lead_time", level="low"}}'
        values: '1x100'
      - series: 'gitops_schema_dora_level{{window="30d", metric="recovery_time", level="low"}}'
        values: '0x100'
    alert_rule_test:
      - eval_time: 4m
        alertname: GitOpsSyncFailed
        exp_alerts: []
      - eval_time: 7m
        alertname: GitOpsSyncFailed
        exp_alerts:
          - exp_labels: {{{LABELS}, status: Failed, severity: warning}}
            exp_annotations:
              summary: "Sync failed: argocd prod/argocd/web"
              description: "1 failed sync operation(s) of argocd prod/argocd/web in the last 15m."
      - eval_time: 25m
        alertname: GitOpsSyncFailed
        exp_alerts: []
      - eval_time: 20m
        alertname: GitOpsOutOfSync
        exp_alerts: []
      - eval_time: 33m
        alertname: GitOpsOutOfSync
        exp_alerts:
          - exp_labels: {{{LABELS}, sync_status: OutOfSync, severity: warning}}
            exp_annotations:
              summary: "Out of sync: argocd prod/argocd/web"
              description: "argocd prod/argocd/web has been OutOfSync for more than 30m."
      - eval_time: 14m
        alertname: GitOpsHealthDegraded
        exp_alerts: []
      - eval_time: 16m
        alertname: GitOpsHealthDegraded
        exp_alerts:
          - exp_labels: {{{LABELS}, health_status: Degraded, severity: critical}}
            exp_annotations:
              summary: "Degraded: argocd prod/argocd/web"
              description: "argocd prod/argocd/web has been Degraded for more than 5m."
      - eval_time: 40m
        alertname: GitOpsDoraLevelLow
        exp_alerts: []
      - eval_time: 70m
        alertname: GitOpsDoraLevelLow
        exp_alerts:
          - exp_labels: {{window: 30d, metric: lead_time, level: low, severity: info}}
            exp_annotations:
              summary: "DORA lead_time is at level low"
              description: >-
                Over the trailing 30d, the DORA key metric lead_time of production
                deployments is at level low (DevLake's 2023 thresholds).
"""


def _promtool(*args: str, cwd: Path) -> str:
    done = subprocess.run(["promtool", *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_rules_pass_promtool_check_and_unit_tests(
    cli: Callable[..., object], tmp_path: Path
) -> None:
    rules = tmp_path / "rules.yaml"
    done = cli("monitoring", "rules", "-o", str(rules))
    assert done.code == 0, done.err  # type: ignore[attr-defined]
    assert "SUCCESS: 4 rules found" in _promtool("check", "rules", "rules.yaml", cwd=tmp_path)
    (tmp_path / "tests.yaml").write_text(RULE_TESTS)
    assert "SUCCESS" in _promtool("test", "rules", "tests.yaml", cwd=tmp_path)


def test_prometheusrule_holds_the_same_groups(cli: Callable[..., object], tmp_path: Path) -> None:
    plain = yaml.safe_load(cli("monitoring", "rules").out)  # type: ignore[attr-defined]
    done = cli("monitoring", "rules", "--format", "prometheusrule", "--namespace", "obs")
    document = yaml.safe_load(done.out)  # type: ignore[attr-defined]
    assert (document["apiVersion"], document["kind"]) == (
        "monitoring.coreos.com/v1",
        "PrometheusRule",
    )
    assert document["metadata"]["namespace"] == "obs"
    assert document["spec"]["groups"] == plain["groups"]
    (tmp_path / "rule.yaml").write_text(yaml.safe_dump(document))
    # the project's own check validates the object's schema and runs promtool on it
    checked = cli("check", str(tmp_path / "rule.yaml"), "-o", "json")
    assert checked.code == 0, checked.out  # type: ignore[attr-defined]


def test_rules_durations_are_checked(cli: Callable[..., object]) -> None:
    done = cli("monitoring", "rules", "--out-of-sync-for", "10 minutes")
    assert done.code == 2  # type: ignore[attr-defined]
    assert "--out-of-sync-for '10 minutes': not a Prometheus duration" in done.err  # type: ignore[attr-defined]


def _grafana_promql(board: dict[str, object]) -> list[str]:
    exprs = []
    for panel in board["panels"]:  # type: ignore[attr-defined]
        for target in panel.get("targets", []):
            if "expr" in target:
                exprs.append(target["expr"])
    return exprs


def test_dashboard_panels_query_exported_metrics(
    cli: Callable[..., object], tmp_path: Path
) -> None:
    out = tmp_path / "dashboard.json"
    assert cli("monitoring", "dashboard", "-o", str(out)).code == 0  # type: ignore[attr-defined]
    board = json.loads(out.read_text())
    assert board["uid"] == "gitops-schema"
    titles = [panel["title"] for panel in board["panels"]]
    assert len(titles) == len(set(titles))
    assert all("gridPos" in panel for panel in board["panels"])
    exprs = _grafana_promql(board)
    # every metric named in a query is one /metrics exports
    exported = {metric.sample for metric in ALL_METRICS}
    named = {name for expr in exprs for name in re.findall(r"gitops_schema_\w+", expr)}
    assert named and named <= exported
    # every query parses: promtool checks them as recording rules, Grafana's macros filled in
    filled = [
        expr.replace("$__rate_interval", "5m")
        .replace("$__range", "1d")
        .replace("$cluster", ".*")
        .replace("$window", "30d")
        for expr in exprs
    ]
    rules = {
        "groups": [
            {
                "name": "dashboard",
                "rules": [
                    {"record": f"dashboard:query{index}", "expr": expr}
                    for index, expr in enumerate(filled)
                ],
            }
        ]
    }
    (tmp_path / "queries.yaml").write_text(yaml.safe_dump(rules))
    assert f"SUCCESS: {len(filled)} rules found" in _promtool(
        "check", "rules", "queries.yaml", cwd=tmp_path
    )
