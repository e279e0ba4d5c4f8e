"""The text report: findings grouped by file, each quoting the source line it points at.

Shaped like gcc and rustc output, so editors and CI problem matchers pick up the
``file:line:col:`` prefix. Colour is plain ANSI and the caller decides whether to use it;
this module imports no UI library.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from itertools import groupby

from gitops_schema.check.result import CheckResult
from gitops_schema.check.schema import MISSING_TAIL, missing_schema
from gitops_schema.codes.reading import TEMPLATE_SKIPPED
from gitops_schema.diagnostics import Diagnostic, Severity

TAB_WIDTH = 4
"""Columns a tab advances to, in quoted source lines and in the caret line under them."""

MAX_QUOTED = 120
"""Characters of a source line quoted at most; minified JSON must not flood the report."""

# The line breaks ruamel counts, so that line N of the split text is line N of a finding.
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")

_SEVERITY_STYLE = {Severity.ERROR: "1;31", Severity.WARNING: "1;33", Severity.INFO: "1;36"}
_BOLD = "1"
_GUTTER = "1;34"


def render_text(result: CheckResult, *, color: bool = False) -> str:
    """Every finding with its source line and a caret, then a one-line summary.

    Args:
        result: The outcome of a check.
        color: Whether to add ANSI colour codes (for a terminal).

    Returns:
        The report, ending in a newline.
    """
    blocks: list[str] = []
    missing: dict[str, list[Diagnostic]] = {}
    for file, findings in groupby(result.findings, key=lambda f: f.location.file):
        lines = source_lines(result.sources.get(file))
        for finding in findings:
            noted = missing_schema(finding)
            if noted is not None:
                missing.setdefault(noted[0], []).append(finding)
            else:
                # A skipped template is about the whole file: its first line says nothing.
                whole_file = finding.rule == TEMPLATE_SKIPPED.id
                blocks.append(format_finding(finding, None if whole_file else lines, color=color))
    if missing:
        blocks.append("\n".join(_missing_line(group, color) for group in missing.values()))
    blocks.append(summary_line(result, color=color))
    return "\n\n".join(blocks) + "\n"


def _missing_line(group: Sequence[Diagnostic], color: bool) -> str:
    """The ``schema-missing`` notes of one kind as one line, at the first object of it."""
    first = group[0]
    kind, _, where = missing_schema(first) or ("?", "", "")
    versions = ", ".join(dict.fromkeys((missing_schema(f) or ("", "?", ""))[1] for f in group))
    style = _SEVERITY_STYLE[first.severity]
    return (
        f"{_paint(str(first.location), _BOLD, color)}: "
        f"{_paint(f'{first.severity.value}[{first.rule}]', style, color)}: "
        f"no schema known for {_printable(kind)} ({_printable(versions)}) {where}; {MISSING_TAIL}"
    )


def source_lines(text: str | None) -> list[str] | None:
    """The lines of a file's text, numbered as the YAML reader numbers them (index 0 is line 1)."""
    return None if text is None else _LINE_BREAK.split(text)


def format_finding(finding: Diagnostic, lines: Sequence[str] | None, *, color: bool = False) -> str:
    """One finding: ``file:line:col: severity[rule]: message``, its source line and a caret.

    Args:
        finding: The finding to show.
        lines: The lines of its file (see :func:`source_lines`), or None when the text is
            unknown; then no source is quoted.
        color: Whether to add ANSI colour codes.

    Returns:
        The finding's lines, without a trailing newline.
    """
    loc = finding.location
    style = _SEVERITY_STYLE[finding.severity]
    out = [
        f"{_paint(str(loc), _BOLD, color)}: "
        f"{_paint(f'{finding.severity.value}[{finding.rule}]', style, color)}: "
        f"{_printable(finding.message, keep_newlines=True)}"
    ]
    shown = _shown_lines(lines, loc.line)
    width = len(str(loc.line)) if shown else 0
    start = _window_start(shown[-1][1], loc.column) if shown else 0
    for number, line in shown:
        number_text = _paint(f"{number:>{width}} |", _GUTTER, color)
        out.append(f"{number_text} {_expand(_window(line, start))[0]}".rstrip())
    if shown and loc.column:
        gutter = _paint(" " * width + " |", _GUTTER, color)
        indent = _expand(_window(shown[-1][1][: loc.column - 1], start))[1]
        out.append(f"{gutter} {' ' * indent}{_paint('^', style, color)}")
    if loc.path:
        out.append(f"{' ' * width} = at {_printable(loc.json_path)}")
    return "\n".join(out)


def summary_line(result: CheckResult, *, color: bool = False) -> str:
    """``3 errors, 2 warnings, 1 info in 12 files (4 suppressed)``; no suppressed part at 0."""
    counts = result.counts()
    parts = [
        _count(counts[Severity.ERROR.value], "error"),
        _count(counts[Severity.WARNING.value], "warning"),
        f"{counts[Severity.INFO.value]} info",
    ]
    if color:
        order = (Severity.ERROR, Severity.WARNING, Severity.INFO)
        parts = [
            _paint(part, _SEVERITY_STYLE[severity], counts[severity.value] > 0)
            for part, severity in zip(parts, order, strict=True)
        ]
    line = f"{', '.join(parts)} in {_count(len(result.files), 'file')}"
    if result.suppressed:
        line += f" ({result.suppressed} suppressed)"
    return line


def _shown_lines(lines: Sequence[str] | None, line: int) -> list[tuple[int, str]]:
    """The offending line, preceded by the line above when that is its parent or sibling.

    A line above that is indented deeper ends some other block, and a blank line or a
    document separator says nothing, so those are left out.
    """
    if lines is None or not 1 <= line <= len(lines):
        return []
    here = lines[line - 1]
    shown = [(line, here)]
    if line > 1:
        above = lines[line - 2]
        if above.strip() not in ("", "---") and _indent(above) <= _indent(here):
            shown.insert(0, (line - 1, above))
    return shown


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _window_start(line: str, column: int) -> int:
    """Where to start quoting a line so that its column shows (long lines are cut)."""
    if len(line) <= MAX_QUOTED or column <= MAX_QUOTED // 2:
        return 0
    return min(column - 1 - MAX_QUOTED // 2, len(line) - MAX_QUOTED)


def _window(text: str, start: int) -> str:
    """At most :data:`MAX_QUOTED` characters of ``text`` from ``start``, with cuts marked."""
    head = "…" if start else ""
    tail = "…" if len(text) > start + MAX_QUOTED else ""
    return head + text[start : start + MAX_QUOTED] + tail


def _expand(text: str) -> tuple[str, int]:
    """The text as a terminal shows it, and its width in terminal columns.

    Tabs go to the next multiple of :data:`TAB_WIDTH`; wide East Asian characters take two
    columns and combining marks none, so a caret lines up under what it points at. Control
    characters become U+FFFD: a YAML file must not drive the reader's terminal.
    """
    shown: list[str] = []
    width = 0
    for char in text:
        if char == "\t":
            step = TAB_WIDTH - width % TAB_WIDTH
            shown.append(" " * step)
            width += step
            continue
        category = unicodedata.category(char)
        if category == "Cc":
            char = "\ufffd"
        shown.append(char)
        if category in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return "".join(shown), width


def _printable(text: str, *, keep_newlines: bool = False) -> str:
    allowed = "\t\n" if keep_newlines else "\t"
    return "".join(c if c in allowed or unicodedata.category(c) != "Cc" else "\ufffd" for c in text)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _paint(text: str, style: str, color: bool) -> str:
    return f"\x1b[{style}m{text}\x1b[0m" if color else text
