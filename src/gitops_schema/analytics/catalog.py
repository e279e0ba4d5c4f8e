"""The reports, named once: what each one is, which options it takes, where its rows are.

``gitops-schema report NAME`` and ``GET /api/v1/reports/{name}`` are both built from
:data:`REPORTS`; this module imports nothing heavy, so the CLI can list the reports without
loading the database layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Extra = Literal["by", "repo"]


@dataclass(frozen=True)
class ReportSpec:
    """One report."""

    name: str
    summary: str
    rows: str | None
    """The key of its list of rows (table and CSV forms); ``None``: the report is one row."""
    extras: tuple[Extra, ...] = ()
    """Options beyond the window and scope: ``by`` (groups), ``repo`` (check it first)."""


REPORTS: Final = (
    ReportSpec(
        "sync-stats",
        "Sync operations per object and status: count and average/min/max/p95 duration.",
        "rows",
    ),
    ReportSpec(
        "dora",
        "The four DORA keys with their levels (DevLake's 2023 thresholds).",
        None,
        ("by",),
    ),
    ReportSpec(
        "deployments",
        "What was deployed in the window, and whether a failure followed.",
        "deployments",
    ),
    ReportSpec(
        "audit",
        "Who changed which GitOps definition when (config revisions recorded from git).",
        "revisions",
    ),
    ReportSpec(
        "compliance",
        "The check findings of each recorded revision that changed a GitOps definition.",
        "findings",
        ("repo",),
    ),
)
NAMES: Final = tuple(spec.name for spec in REPORTS)


def spec(name: str) -> ReportSpec:
    """The report called ``name`` (``KeyError`` when there is none)."""
    for found in REPORTS:
        if found.name == name:
            return found
    raise KeyError(name)
