"""Text, Markdown and JSON views of the applications a comparison could not render.

Shared by the ``diff`` and ``envdiff`` reports; ``side`` names what a failure happened in
(``revision`` or ``environment``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gitops_schema.compare.diff import RenderFailure

__all__ = ["failures_json", "failures_markdown", "failures_text", "not_rendered"]


def not_rendered(failures: Sequence[RenderFailure]) -> str:
    """``N application(s) could not be rendered``, counting each application once."""
    count = len({(f.cluster, f.application) for f in failures})
    return f"{count} application(s) could not be rendered"


def failures_text(failures: Sequence[RenderFailure]) -> list[str]:
    """Lines: each application that could not be rendered, then each side's reasons."""
    if not failures:
        return []
    out = [f"{not_rendered(failures)}:"]
    for (cluster, application), group in _grouped(failures).items():
        out.append(f"  cluster {cluster}, {application}")
        for failure in group:
            out.extend(f"    {failure.side}: {reason}" for reason in failure.reasons)
    return out


def failures_markdown(failures: Sequence[RenderFailure], side: str) -> list[str]:
    """A section with one table row per application, side and reason."""
    if not failures:
        return []
    out = [
        f"### Not rendered ({not_rendered(failures)})",
        "",
        f"| cluster | application | {side} | reason |",
        "|---|---|---|---|",
    ]
    for failure in failures:
        out.extend(
            f"| `{failure.cluster}` | `{failure.application}` | {_cell(failure.side)} "
            f"| {_cell(reason)} |"
            for reason in failure.reasons
        )
    return [*out, ""]


def failures_json(failures: Sequence[RenderFailure], side: str) -> list[dict[str, Any]]:
    """``[{"cluster", "application", side, "reasons": [...]}]``."""
    return [
        {
            "cluster": f.cluster,
            "application": f.application,
            side: f.side,
            "reasons": list(f.reasons),
        }
        for f in failures
    ]


def _grouped(failures: Sequence[RenderFailure]) -> dict[tuple[str, str], list[RenderFailure]]:
    groups: dict[tuple[str, str], list[RenderFailure]] = {}
    for failure in failures:
        groups.setdefault((failure.cluster, failure.application), []).append(failure)
    return groups


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")
