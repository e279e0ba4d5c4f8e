"""The outcome of a check: findings, what was checked, and the source text to quote."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from gitops_schema.check.rule import Rule
from gitops_schema.diagnostics import Diagnostic, Severity


@dataclass(slots=True)
class CheckResult:
    """Findings sorted by file, line and column, with what reporters need around them."""

    findings: list[Diagnostic]
    """Every finding after configuration and suppressions, sorted."""
    files: list[str]
    """Display paths of the files read."""
    objects: int
    """How many objects were checked."""
    rules: dict[str, Rule]
    """Every rule that was enabled, by id (for SARIF and JUnit rule metadata)."""
    sources: dict[str, str] = field(default_factory=dict)
    """The text of each file read, by display path, to quote offending lines."""
    root: str = ""
    """The checked path that ``file`` values are relative to ('' when several)."""
    repository_paths: dict[str, str] = field(default_factory=dict)
    """Each finding's file as a path from the repository's root (the git work tree), for
    reports read against the repository (SARIF); a file outside it has no entry."""
    suppressed: int = 0
    """Findings silenced by inline ``# gitops-schema: ignore[...]`` comments."""

    def counts(self) -> dict[str, int]:
        """Findings per severity, every severity present (0 when none)."""
        counter = Counter(f.severity.value for f in self.findings)
        return {s.value: counter.get(s.value, 0) for s in Severity}

    def summary(self) -> dict[str, Any]:
        """The ``summary`` object of the JSON report."""
        return {
            "files": len(self.files),
            "objects": self.objects,
            "findings": len(self.findings),
            **self.counts(),
            "suppressed": self.suppressed,
            "rules": dict(sorted(Counter(f.rule for f in self.findings).items())),
        }

    def failed(self, fail_on: Severity) -> bool:
        """True when a finding is at or above ``fail_on``."""
        return any(f.severity >= fail_on for f in self.findings)
