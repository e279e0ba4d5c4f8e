"""Text, Markdown (pull-request comments) and JSON views of a :class:`~.diff.Diff`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from gitops_schema.compare.diff import Action, AppDiff, Diff, ObjectChange
from gitops_schema.compare.failures_render import (
    failures_json,
    failures_markdown,
    failures_text,
    not_rendered,
)

__all__ = [
    "DIFF_REPORTERS",
    "GITHUB_COMMENT_LIMIT",
    "render_json",
    "render_markdown",
    "render_text",
]

GITHUB_COMMENT_LIMIT = 65_536
"""The most characters GitHub accepts in one pull-request comment."""

_SIGN = {Action.ADDED: "+", Action.REMOVED: "-", Action.CHANGED: "~"}
_RESET = "\x1b[0m"
_LINE_COLORS = (("+++", "\x1b[1m"), ("---", "\x1b[1m"), ("@@", "\x1b[36m"))
_SIGN_COLORS = {"+": "\x1b[32m", "-": "\x1b[31m"}


def render_text(diff: Diff, *, color: bool = False) -> str:
    """Every change as a terminal report, unified diffs included.

    Args:
        diff: what :func:`~.diff.diff_sets` returned.
        color: paint additions green, removals red and hunk headers cyan (ANSI).
    """
    out: list[str] = []
    for cluster in diff.clusters:
        apps = [app for app in cluster.applications if app.changes]
        if not apps:
            continue
        out.append(f"cluster {cluster.cluster}")
        for app in apps:
            out.append(f"  application {app.application}: {_counts(app)}")
            for change in app.changes:
                out.append(f"    {_SIGN[change.action]} {change.id}")
                out.extend(f"      {_paint(line, color)}" for line in change.diff.splitlines())
    out.extend(failures_text(diff.failures))
    out.append(_total(diff))
    return "\n".join(out) + "\n"


def render_markdown(diff: Diff, *, limit: int = GITHUB_COMMENT_LIMIT) -> str:
    """A pull-request comment: a summary table per cluster, then one ``<details>`` per object.

    Diffs that would push the comment past ``limit`` characters are left out (the first
    one cut short when there is room for part of it), and a note says how many.
    """
    head = [
        "## gitops-schema diff",
        "",
        _total(diff),
        "",
        *failures_markdown(diff.failures, "revision"),
    ]
    blocks: list[str] = []
    for cluster in diff.clusters:
        apps = [app for app in cluster.applications if app.changes]
        quiet = len(cluster.applications) - len(apps)
        head += [f"### cluster `{cluster.cluster}`", ""]
        if apps:
            head += [
                "| application | added | removed | changed | unchanged |",
                "|---|--:|--:|--:|--:|",
            ]
            head += [
                f"| `{app.application}` | {len(app.added)} | {len(app.removed)} "
                f"| {len(app.changed)} | {app.unchanged} |"
                for app in apps
            ]
            head.append("")
        if quiet:
            head += [f"{quiet} application(s) without changes.", ""]
        blocks += [_details(cluster.cluster, app, change) for app in apps for change in app.changes]
    return _fit("\n".join(head), blocks, limit)


def render_json(diff: Diff) -> str:
    """The diff as JSON with a stable schema (keys sorted, two-space indent).

    ``{"clusters": [{"cluster", "applications": [{"application", "added": [ids],
    "removed": [ids], "changed": [{"id", "diff"}], "unchanged"}]}],
    "summary": {"added", "removed", "changed", "unchanged"}}``, and when an application
    could not be rendered, ``"failed": [{"cluster", "application", "revision", "reasons"}]``.
    """
    summary = diff.summary
    document: dict[str, Any] = {
        "clusters": [
            {
                "cluster": cluster.cluster,
                "applications": [
                    {
                        "application": app.application,
                        "added": [str(change.id) for change in app.added],
                        "removed": [str(change.id) for change in app.removed],
                        "changed": [
                            {"id": str(change.id), "diff": change.diff} for change in app.changed
                        ],
                        "unchanged": app.unchanged,
                    }
                    for app in cluster.applications
                ],
            }
            for cluster in diff.clusters
        ],
        "summary": {
            "added": summary.added,
            "removed": summary.removed,
            "changed": summary.changed,
            "unchanged": summary.unchanged,
        },
    }
    if diff.failures:
        document["failed"] = failures_json(diff.failures, "revision")
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


DIFF_REPORTERS: dict[str, Callable[[Diff], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}
"""The formats of ``gitops-schema diff -o``, by name (text without colour)."""


def _counts(app: AppDiff) -> str:
    return (
        f"{len(app.added)} added, {len(app.removed)} removed, "
        f"{len(app.changed)} changed, {app.unchanged} unchanged"
    )


def _total(diff: Diff) -> str:
    s = diff.summary
    if diff.changed:
        total = (
            f"{s.added} added, {s.removed} removed, {s.changed} changed, {s.unchanged} unchanged"
        )
    elif diff.failures:
        total = f"No changes in what was rendered ({s.unchanged} objects unchanged)"
    else:
        return f"No changes ({s.unchanged} objects unchanged)."
    return f"{total}; {not_rendered(diff.failures)}" if diff.failures else total


def _paint(line: str, color: bool) -> str:
    if not color:
        return line
    for prefix, code in _LINE_COLORS:
        if line.startswith(prefix):
            return f"{code}{line}{_RESET}"
    code = _SIGN_COLORS.get(line[:1], "")
    return f"{code}{line}{_RESET}" if code else line


def _details(cluster: str, app: AppDiff, change: ObjectChange) -> str:
    # A fence longer than any backtick run inside the diff keeps the block closed.
    fence = "`" * max(3, _longest_backticks(change.diff) + 1)
    return "\n".join(
        [
            "<details>",
            f"<summary>{_SIGN[change.action]} <code>{cluster}</code> / "
            f"<code>{app.application}</code>: <code>{change.id}</code> {change.action}</summary>",
            "",
            f"{fence}diff",
            change.diff.rstrip("\n"),
            fence,
            "",
            "</details>",
            "",
        ]
    )


def _longest_backticks(text: str) -> int:
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return longest


def _fit(head: str, blocks: list[str], limit: int) -> str:
    # Room kept for the truncation note, so adding it never breaks the limit.
    reserve = 300
    out = head + "\n"
    for index, block in enumerate(blocks):
        if len(out) + len(block) + 1 <= limit - (reserve if index < len(blocks) - 1 else 0):
            out += block + "\n"
            continue
        room = limit - reserve - len(out)
        shown = index
        cut = _cut(block, room)
        if cut is not None:
            out += cut + "\n"
            shown += 1
        left = len(blocks) - shown
        note = (
            f"> [!NOTE]\n> Output truncated to stay under GitHub's {limit:,}-character comment "
            f"limit: {left} more object diff(s) not shown"
            + (" and the last one shown is cut short" if cut is not None else "")
            + ". Run `gitops-schema diff -o text` for the full diff.\n"
        )
        return out + note
    return out


def _cut(block: str, room: int) -> str | None:
    # Only worth showing when a useful part of the diff fits; the fence and the
    # closing tags are kept so the Markdown stays well-formed.
    if room < 1_000:
        return None
    lines = block.split("\n")
    opening = next(i for i, line in enumerate(lines) if line.endswith("diff"))
    fence = lines[opening][: -len("diff")]
    tail = [fence, "", "</details>", ""]
    marker = "… (diff cut short)"
    kept = lines[: opening + 1]
    size = sum(len(line) + 1 for line in kept + tail) + len(marker) + 1
    for line in lines[opening + 1 : -len(tail)]:
        if size + len(line) + 1 > room:
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join([*kept, marker, *tail])
