"""Reporters: a check result as text, JSON, SARIF 2.1.0 or JUnit XML.

Each reporter is a pure function from a :class:`CheckResult` to the text of a report; the
CLI decides where it goes. Only the text report has colour, which is a terminal's concern:
``REPORTERS["text"]`` is plain, and the CLI calls ``render_text(result, color=True)`` for a
terminal. This package imports no UI library (Rich, Typer).
"""

from collections.abc import Callable

from gitops_schema.check.report.json import render_json
from gitops_schema.check.report.junit import render_junit
from gitops_schema.check.report.sarif import render_sarif
from gitops_schema.check.report.text import render_text
from gitops_schema.check.result import CheckResult

Reporter = Callable[[CheckResult], str]
"""A report format: the whole report as text, ending in a newline."""

REPORTERS: dict[str, Reporter] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "junit": render_junit,
}
"""The formats of ``gitops-schema check -o``, by name."""

__all__ = ["REPORTERS", "Reporter", "render_json", "render_junit", "render_sarif", "render_text"]
