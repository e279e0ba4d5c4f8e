"""Diagnostics: the one way every stage reports a problem in the configuration it read.

A stage returns its output together with a :class:`Report`; it never raises for bad
configuration. This is a core module: it imports only :mod:`gitops_schema.location`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from gitops_schema.location import Location


class Severity(StrEnum):
    """How bad a diagnostic is; ordered, so severities compare as their rank."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """0 for info, 1 for warning, 2 for error."""
        return _RANK[self]

    def __ge__(self, other: object) -> bool:
        if isinstance(other, Severity):
            return self.rank >= other.rank
        return NotImplemented

    def __gt__(self, other: object) -> bool:
        if isinstance(other, Severity):
            return self.rank > other.rank
        return NotImplemented

    def __le__(self, other: object) -> bool:
        if isinstance(other, Severity):
            return self.rank <= other.rank
        return NotImplemented

    def __lt__(self, other: object) -> bool:
        if isinstance(other, Severity):
            return self.rank < other.rank
        return NotImplemented


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in the configuration, pinned to where it is."""

    rule: str
    """Stable kebab-case rule id, e.g. ``yaml-duplicate-key``."""
    severity: Severity
    message: str
    location: Location

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON form: rule, severity, message, file, line, column, path."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.location.file,
            "line": self.location.line,
            "column": self.location.column,
            "path": self.location.json_path,
        }

    def __str__(self) -> str:
        return f"{self.location}: {self.severity.value}: {self.message} [{self.rule}]"


def _sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    return (d.location.file, d.location.line, d.location.column, d.rule)


@dataclass(slots=True)
class Report:
    """An ordered collection of diagnostics that a stage accumulates instead of aborting."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        """Record one diagnostic."""
        self.diagnostics.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        """Record several diagnostics, e.g. another stage's report."""
        self.diagnostics.extend(diagnostics)

    def emit(self, rule: str, severity: Severity, message: str, location: Location) -> None:
        """Build and record a diagnostic in one call."""
        self.diagnostics.append(Diagnostic(rule, severity, message, location))

    @property
    def ok(self) -> bool:
        """True when no diagnostic is an error."""
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)

    def at_least(self, severity: Severity) -> list[Diagnostic]:
        """The diagnostics at or above a severity."""
        return [d for d in self.diagnostics if d.severity >= severity]

    def sorted(self) -> list[Diagnostic]:
        """The diagnostics ordered by file, line, column and rule."""
        return sorted(self.diagnostics, key=_sort_key)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.diagnostics)

    def __len__(self) -> int:
        return len(self.diagnostics)
