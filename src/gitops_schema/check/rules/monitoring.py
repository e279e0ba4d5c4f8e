"""Prometheus-operator: ServiceMonitors that select nothing, rules promtool rejects."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from gitops_schema.check.rule import Rule, RuleContext
from gitops_schema.check.rules._helpers import at, spec
from gitops_schema.codes import Code
from gitops_schema.diagnostics import Diagnostic, Severity
from gitops_schema.model import GitOpsObject, Tool
from gitops_schema.model.base import Resource
from gitops_schema.model.monitoring import NamespaceSelector, ServiceMonitor
from gitops_schema.model.selectors import matches_label_selector

PROMTOOL_TIMEOUT = 60


def _namespace_ok(
    monitor: GitOpsObject, service: GitOpsObject, selector: NamespaceSelector | None
) -> bool:
    if selector is None or not selector.model_fields_set:
        # No namespaceSelector: the ServiceMonitor's own namespace only.
        return monitor.namespace is None or service.namespace in (None, monitor.namespace)
    if selector.any is True:
        return True
    return service.namespace is None or service.namespace in selector.match_names


def check_selects_nothing(context: RuleContext) -> Iterator[Diagnostic]:
    """ServiceMonitors whose selector matches no Service of the checked files."""
    services = [o for o in context.of_kind("Service") if o.api_version == "v1"]
    for monitor in context.of_kind("ServiceMonitor"):
        if monitor.tool is not Tool.PROMETHEUS or not isinstance(monitor.model, ServiceMonitor):
            continue
        wanted = monitor.model.spec
        selector = wanted.selector.model_dump(by_alias=True, exclude_unset=True)
        for service in services:
            # The envelope's metadata is typed even for a kind without a model.
            model = service.model
            labels = model.metadata.labels if isinstance(model, Resource) else {}
            if _namespace_ok(
                monitor, service, wanted.namespace_selector
            ) and matches_label_selector(labels, selector):
                break
        else:
            yield SELECTS_NOTHING.finding(
                f"ServiceMonitor {monitor.name!r} selects no Service of the checked files "
                f"(selector {json.dumps(selector, sort_keys=True)}); "
                "if the Service comes from a chart or another repository, check its labels",
                at(monitor, "spec", "selector", key=True),
            )


_PROMTOOL_LINE = re.compile(
    r'group "(?P<group>[^"]*)", rule (?P<rule>\d+)(?:, "[^"]*")?: (?P<msg>.*)'
)
_TEMP_POSITION = re.compile(r"^\d+:\d+: ")


def check_rules(context: RuleContext) -> Iterator[Diagnostic]:
    """PrometheusRule groups that Prometheus' own promtool rejects."""
    rules = [o for o in context.of_kind("PrometheusRule") if o.tool is Tool.PROMETHEUS]
    if not rules:
        return
    promtool = shutil.which("promtool")
    if promtool is None:
        yield Diagnostic(
            PROMETHEUS_RULE_INVALID.id,
            Severity.INFO,
            "promtool is not installed (Debian package 'prometheus'): PrometheusRule "
            "expressions were not checked",
            rules[0].location,
        )
        return
    with tempfile.TemporaryDirectory(prefix="gitops-schema-promtool-") as folder:
        for obj in rules:
            yield from _promtool(promtool, Path(folder), obj)


def _promtool(promtool: str, folder: Path, obj: GitOpsObject) -> Iterator[Diagnostic]:
    # promtool judges the groups as written (a PrometheusRule that does not fit its model
    # too): they are handed over from the document, not from the model.
    groups = spec(obj).get("groups")
    if not isinstance(groups, list):
        return
    path = folder / "rules.yaml"
    # JSON is YAML, and json writes our positioned containers as the plain data they are.
    path.write_text(json.dumps({"groups": groups}))
    try:
        done = subprocess.run(
            [promtool, "check", "rules", str(path)],
            capture_output=True,
            text=True,
            timeout=PROMTOOL_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        yield PROMETHEUS_RULE_INVALID.finding(
            f"promtool did not finish in {PROMTOOL_TIMEOUT}s", at(obj, "spec", "groups")
        )
        return
    if done.returncode == 0:
        return
    names = [g.get("name") if isinstance(g, dict) else None for g in groups]
    prefix = f"{path}: "
    for line in (done.stdout + done.stderr).splitlines():
        line = line.strip()
        if not line.startswith(prefix):
            continue
        # Positions promtool gives are in our temporary file; the rule index is not.
        message = _TEMP_POSITION.sub("", line.removeprefix(prefix))
        match = _PROMTOOL_LINE.match(message)
        if match is None:
            yield PROMETHEUS_RULE_INVALID.finding(f"promtool: {message}", at(obj, "spec", "groups"))
            continue
        group = names.index(match["group"]) if match["group"] in names else 0
        index = int(match["rule"]) - 1
        yield PROMETHEUS_RULE_INVALID.finding(
            f"promtool: {match['msg'].strip()}",
            at(obj, "spec", "groups", group, "rules", index, "expr"),
        )


SELECTS_NOTHING = Rule(
    Code(
        "servicemonitor-selects-nothing",
        Severity.WARNING,
        "A ServiceMonitor whose selector matches no Service in the repository.",
        bad="selector:\n  matchLabels: {app: user-servce}   # typo",
        good="selector:\n  matchLabels: {app: user-service}",
    ),
    check=check_selects_nothing,
)

PROMETHEUS_RULE_INVALID = Rule(
    Code(
        "prometheusrule-invalid",
        Severity.ERROR,
        "A PrometheusRule that Prometheus' promtool rejects (PromQL, durations, duplicate names).",
        bad="expr: rate(http_requests_total[5m]",
        good="expr: rate(http_requests_total[5m]) > 0",
        explanation="Needs promtool (Debian package 'prometheus'); without it an info finding "
        "says the rules were not checked.",
    ),
    check=check_rules,
)

RULES = (SELECTS_NOTHING, PROMETHEUS_RULE_INVALID)
