"""Conformance runners: execute the shared test-vector suites and report every mismatch.

Each suite is a function ``run(directory) -> list[CaseResult]``; ``SUITES`` maps suite
names to them and ``python -m gitops_schema.conformance SUITE DIR`` runs one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class CaseResult:
    """The outcome of one vector."""

    file: str
    name: str
    passed: bool
    expected: str = ""
    got: str = ""


Runner = Callable[[Path], list[CaseResult]]


def _gotemplate(directory: Path) -> list[CaseResult]:
    from gitops_schema.conformance.gotemplate import run

    return run(directory)


def _argocd(directory: Path) -> list[CaseResult]:
    from gitops_schema.conformance.argocd import run

    return run(directory)


SUITES: dict[str, Runner] = {
    "gotemplate": _gotemplate,
    "argocd": _argocd,
}
"""Suite name -> runner; add new suites here."""

__all__ = ["SUITES", "CaseResult", "Runner"]
