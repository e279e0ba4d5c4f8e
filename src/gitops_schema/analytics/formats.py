"""The tabular forms of a report: rows for a terminal table, CSV and a standalone HTML page.

The JSON form is the report itself.
"""

from __future__ import annotations

import csv
import html
import io
from typing import Any

from gitops_schema.analytics.reports import rows_of


def _flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def table(name: str, report: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Column names and rows of text (nested objects as dotted columns; null as empty)."""
    rows = [_flatten(row) for row in rows_of(name, report)]
    columns: list[str] = []
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    return columns, [[_text(row.get(column)) for column in columns] for row in rows]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e15 else repr(value)
    return str(value)


def to_csv(name: str, report: dict[str, Any]) -> str:
    """The report's rows as CSV with a header line."""
    columns, rows = table(name, report)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def to_html(name: str, report: dict[str, Any], caption: str) -> str:
    """A standalone HTML page holding the report's rows as a table."""
    columns, rows = table(name, report)
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "\n".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    title = html.escape(f"gitops-schema report {name}")
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title>\n<style>body{{font-family:sans-serif}}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;"
        "text-align:left}</style></head>\n<body>\n"
        f"<table>\n<caption>{html.escape(caption)}</caption>\n<thead><tr>{head}</tr></thead>\n"
        f"<tbody>\n{body}\n</tbody>\n</table>\n</body></html>\n"
    )
