"""Text, Markdown and JSON views of :class:`~.envdiff.EnvDiffs`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from gitops_schema.compare.envdiff import EnvDiff, EnvDiffs, FieldDifference
from gitops_schema.compare.failures_render import failures_json, failures_markdown, failures_text

__all__ = [
    "ENVDIFF_REPORTERS",
    "render_envdiff_json",
    "render_envdiff_markdown",
    "render_envdiff_text",
]


def render_envdiff_text(diffs: EnvDiffs) -> str:
    """The matrix and the differences of every application, then the overall score."""
    out: list[str] = []
    for app in diffs.applications:
        out.append(f"application {app.application}: consistency {_score(app.score)}")
        width = max((len(str(row.id)) for row in app.objects), default=0)
        out.append(f"  {'object':<{width}}  " + "  ".join(app.environments))
        for row in app.objects:
            cells = "  ".join(
                f"{'yes' if env in row.present else 'NO':<{len(env)}}" for env in app.environments
            )
            out.append(f"  {row.id!s:<{width}}  {cells}".rstrip())
        for row in app.objects:
            if row.missing:
                out.append(f"  ! {row.id}: missing in {', '.join(row.missing)} (unexpected)")
            for difference in row.differences:
                mark = "  " if difference.expected else "! "
                verdict = "expected" if difference.expected else "unexpected"
                out.append(f"  {mark}{row.id} {difference.path}: {verdict} ({difference.reason})")
                out.append(f"      {_values(app, difference)}")
        out.append("")
    if diffs.failures:
        out.extend([*failures_text(diffs.failures), ""])
    out.append(f"overall consistency: {_score(diffs.score, _NONE_COMPARED)}")
    return "\n".join(out) + "\n"


def render_envdiff_markdown(diffs: EnvDiffs) -> str:
    """Per application: its score, the object matrix, then a table of the differences."""
    out = [
        "## gitops-schema envdiff",
        "",
        f"Overall consistency: **{_score(diffs.score, _NONE_COMPARED)}**",
        "",
    ]
    out += failures_markdown(diffs.failures, "environment")
    for app in diffs.applications:
        out += [f"### `{app.application}`: {_score(app.score)}", ""]
        out.append("| object | " + " | ".join(app.environments) + " |")
        out.append("|---|" + ":-:|" * len(app.environments))
        out += [
            f"| `{row.id}` | "
            + " | ".join("✅" if env in row.present else "❌" for env in app.environments)
            + " |"
            for row in app.objects
        ]
        out.append("")
        rows = [(row, d) for row in app.objects for d in row.differences]
        if rows:
            out.append("| | object | field | reason | " + " | ".join(app.environments) + " |")
            out.append("|---|---|---|---|" + "---|" * len(app.environments))
            for row, difference in rows:
                mark = "✅ expected" if difference.expected else "⚠️ unexpected"
                cells = " | ".join(
                    _cell(difference.values.get(env, _MISSING)) for env in app.environments
                )
                out.append(
                    f"| {mark} | `{row.id}` | `{difference.path}` | {difference.reason} | {cells} |"
                )
            out.append("")
    return "\n".join(out)


def render_envdiff_json(diffs: EnvDiffs) -> str:
    """The comparison as JSON with a stable schema (keys sorted, two-space indent).

    ``{"applications": [{"application", "environments", "score", "compared", "consistent",
    "objects": [{"id", "present", "missing", "differences": [{"path", "expected",
    "reason", "values": {env: value}}]}]}], "score"}``, a score null when nothing was
    rendered; when an application could not be rendered, ``"failed": [{"cluster",
    "application", "environment", "reasons"}]``.
    """
    document: dict[str, Any] = {
        "applications": [_app_json(app) for app in diffs.applications],
        "score": _rounded(diffs.score),
    }
    if diffs.failures:
        document["failed"] = failures_json(diffs.failures, "environment")
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


ENVDIFF_REPORTERS: dict[str, Callable[[EnvDiffs], str]] = {
    "text": render_envdiff_text,
    "markdown": render_envdiff_markdown,
    "json": render_envdiff_json,
}
"""The formats of ``gitops-schema envdiff -o``, by name."""


def _app_json(app: EnvDiff) -> dict[str, Any]:
    return {
        "application": app.application,
        "environments": list(app.environments),
        "score": _rounded(app.score),
        "compared": app.compared,
        "consistent": app.consistent,
        "objects": [
            {
                "id": str(row.id),
                "present": list(row.present),
                "missing": list(row.missing),
                "differences": [
                    {
                        "path": d.path,
                        "expected": d.expected,
                        "reason": d.reason,
                        "values": dict(d.values),
                    }
                    for d in row.differences
                ],
            }
            for row in app.objects
        ],
    }


_MISSING = object()
_NONE_COMPARED = "no application rendered in two environments"


def _score(score: float | None, none: str = "nothing rendered") -> str:
    return f"n/a ({none})" if score is None else f"{score:.1f}%"


def _rounded(score: float | None) -> float | None:
    return None if score is None else round(score, 2)


def _values(app: EnvDiff, difference: FieldDifference) -> str:
    return "  ".join(
        f"{env}={_show(difference.values.get(env, _MISSING))}" for env in app.environments
    )


def _show(value: Any) -> str:
    return "(unset)" if value is _MISSING else json.dumps(value, sort_keys=True)


def _cell(value: Any) -> str:
    return "—" if value is _MISSING else f"`{_show(value)}`".replace("|", "\\|")
