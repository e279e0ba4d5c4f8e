"""Helm's rendering procedure (``pkg/engine``) over one template set per chart.

One set per chart, ``missingkey=zero``, ``<no value>`` stripped, files starting with
``_`` not rendered, and Helm's error texts.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from typing import Any

from gitops_schema.gotemplate.errors import TemplateExecError, TemplateSyntaxError
from gitops_schema.gotemplate.helm import HELM, WARN_END, WARN_START
from gitops_schema.gotemplate.template import Template

ROOT = "gotpl"
_WARN = re.compile(re.escape(WARN_START) + "(.*)" + re.escape(WARN_END), re.S)


def _options(strict: bool) -> list[str]:
    return ["missingkey=error" if strict else "missingkey=zero"]


def cleanup_parse_error(name: str, exc: TemplateSyntaxError) -> TemplateSyntaxError:
    """Helm's ``parse error at (file:line): message``."""
    tokens = str(exc).split(": ")
    if len(tokens) == 1:
        return TemplateSyntaxError(f"parse error in ({name}): {exc}", name=name, line=exc.line)
    text = f"parse error at ({tokens[1]}): {tokens[-1]}"
    return TemplateSyntaxError(text, name=exc.name, line=exc.line)


def cleanup_exec_error(name: str, exc: TemplateExecError) -> TemplateExecError:
    """Helm's ``execution error at (file:line:col): message`` for ``required``/``fail``."""
    tokens = str(exc).split(": ", 2)
    if len(tokens) != 3:
        return TemplateExecError(f"execution error in ({name}): {exc}", reason=exc.reason)
    m = _WARN.search(tokens[2])
    if m:
        text = f"execution error at ({tokens[1]}): {m.group(1)}"
        return TemplateExecError(text, reason=m.group(1), name=exc.name, line=exc.line)
    return exc


def _run(template: Template, data: Any, name: str) -> str:
    return template.execute(data, name).replace("<no value>", "")


def render_helm(text: str, data: Any, *, name: str = "test", strict: bool = False) -> str:
    """Render one template the way Helm's function tests do (set ``gotpl``, ``missingkey=zero``).

    Raises:
        TemplateSyntaxError: Go's parse error.
        TemplateExecError: Go's execution error.
    """
    root = Template(ROOT, HELM, options=_options(strict))
    root.parse(text, name)
    return _run(root, data, name)


def render_chart(
    files: Iterable[tuple[str, str]], values: Any, *, strict: bool = False
) -> dict[str, str]:
    """Render every template file of a chart as ``helm template`` does.

    ``files`` are (path, text) pairs, e.g. ``("mychart/templates/svc.yaml", "...")``;
    ``values`` is the already coalesced render value (``.Values``, ``.Release``...).
    Files whose base name starts with ``_`` are parsed but not rendered.

    Raises:
        TemplateSyntaxError: ``parse error at (file:line): message``.
        TemplateExecError: ``execution error at (file:line:col): message`` or Go's text.
    """
    root = Template(ROOT, HELM, options=_options(strict))
    names = []
    for name, text in files:
        try:
            root.parse(text, name)
        except TemplateSyntaxError as exc:
            raise cleanup_parse_error(name, exc) from None
        names.append(name)
    rendered: dict[str, str] = {}
    for name in names:
        if posixpath.basename(name).startswith("_"):
            continue
        data = dict(values) if isinstance(values, dict) else {}
        data["Template"] = {"Name": name, "BasePath": posixpath.dirname(name)}
        try:
            rendered[name] = _run(root, data, name)
        except TemplateExecError as exc:
            raise cleanup_exec_error(name, exc) from None
    return rendered
