"""What a finding code is: its id, default severity and documentation."""

from __future__ import annotations

from dataclasses import dataclass

from gitops_schema.diagnostics import Diagnostic, Severity
from gitops_schema.location import Location


@dataclass(frozen=True, slots=True)
class Code:
    """A stable kebab-case finding code, its default severity and how to fix what it finds.

    ``bad`` and ``good`` are short examples (YAML, or a command) of configuration that
    gets the finding and of configuration that does not.
    """

    id: str
    severity: Severity
    summary: str
    bad: str
    good: str
    explanation: str = ""

    def at(self, message: str, location: Location) -> Diagnostic:
        """A diagnostic of this code at its default severity."""
        return Diagnostic(self.id, self.severity, message, location)
