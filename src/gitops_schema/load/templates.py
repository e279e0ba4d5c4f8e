"""Files that are templates of another tool, not YAML: told apart, and skipped with a note.

An Ansible role's Jinja (``{% for %}``, ``*.j2``) or a Helm-style template kept outside a
chart's ``templates/`` is not meant to be read as YAML until its tool has run; reporting it
as a ``yaml-syntax`` error would fail a run over files that are fine. An unquoted
ApplicationSet parameter (``repoURL: {{.app.source}}``) is a real mistake and stays one:
only block-level template actions, Jinja tags and Helm's objects mark a file as a template.
"""

from __future__ import annotations

import re

from gitops_schema.diagnostics import Diagnostic, Severity
from gitops_schema.location import Location

RULE = "template-skipped"
TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".tpl", ".gotmpl")
_JINJA = re.compile(r"\{%-?\s*[a-z]|\{#")
# A line that is nothing but a Go template action, or one of Helm's built-in objects.
_HELM = re.compile(
    r"^[ \t]*\{\{-?\s*(?:if|else|end|range|with|define|template|include|block|/\*)\b"
    r"|\{\{-?\s*(?:\.Values|\.Release|\.Chart|\.Capabilities|\$\.Values)\b|\binclude \"",
    re.MULTILINE,
)


def template_tool(file: str, text: str) -> str | None:
    """The template language of ``text`` ("Jinja", "Go"), or None when it is not one."""
    if file.endswith(TEMPLATE_SUFFIXES) and ("{{" in text or "{%" in text):
        return "Jinja" if file.endswith((".j2", ".jinja", ".jinja2")) else "Go"
    if _JINJA.search(text):
        return "Jinja"
    if _HELM.search(text):
        return "Go"
    return None


def skipped(file: str, tool: str) -> Diagnostic:
    """The one note that says a template file was not read."""
    return Diagnostic(
        RULE,
        Severity.INFO,
        f"a {tool} template of another tool, not YAML until that tool renders it; not read",
        Location(file, 1, 1),
    )
