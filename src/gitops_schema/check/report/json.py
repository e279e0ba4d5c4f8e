"""The JSON report: ``{"findings": [...], "summary": {...}}``, a stable shape for scripts."""

from __future__ import annotations

import json
from typing import Any

from gitops_schema.check.result import CheckResult
from gitops_schema.diagnostics import Diagnostic


def render_json(result: CheckResult) -> str:
    """The findings, each with rule, severity, file, line, column, path and message.

    ``file`` is relative to the checked path; ``line`` and ``column`` are 1-based (0 when
    unknown); ``path`` is the JSONPath of the offending key or value in its document.

    Args:
        result: The outcome of a check.

    Returns:
        The report, indented by two spaces and ending in a newline.
    """
    document = {
        "findings": [_finding(f) for f in result.findings],
        "summary": result.summary(),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _finding(finding: Diagnostic) -> dict[str, Any]:
    loc = finding.location
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "file": loc.file,
        "line": loc.line,
        "column": loc.column,
        "path": loc.json_path,
        "message": finding.message,
    }
