"""Inline suppressions: ``# gitops-schema: ignore[rule-id, ...]``.

On the offending line (or alone on the line above it), a suppression silences that line's
findings; in the comments just above an object (or on its first line), all of that
object's findings. A bare ``# gitops-schema: ignore`` silences every rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from gitops_schema.diagnostics import Diagnostic
from gitops_schema.load import Document

_MARK = re.compile(r"#\s*gitops-schema:\s*ignore(?:\[(?P<rules>[^\]]*)\])?")
ALL = "*"


def _rules(line: str) -> set[str] | None:
    match = _MARK.search(line)
    if match is None:
        return None
    listed = match["rules"]
    if listed is None:
        return {ALL}
    return {r.strip() for r in listed.split(",") if r.strip()}


@dataclass(slots=True)
class Suppressions:
    """The suppressions of the files read, by (file, line) and by (file, document)."""

    lines: dict[tuple[str, int], set[str]] = field(default_factory=dict)
    documents: dict[tuple[str, int], set[str]] = field(default_factory=dict)

    @classmethod
    def scan(cls, texts: dict[str, str], documents: Iterable[Document]) -> Suppressions:
        """Find every suppression comment in the texts of the files read."""
        found = cls()
        split: dict[str, list[str]] = {}
        for file, text in texts.items():
            if "gitops-schema:" not in text:
                continue
            lines = split[file] = text.splitlines()
            for number, line in enumerate(lines, start=1):
                rules = _rules(line)
                if rules is None:
                    continue
                found.lines.setdefault((file, number), set()).update(rules)
                # A comment alone on its line also covers the next line.
                if line.lstrip().startswith("#"):
                    found.lines.setdefault((file, number + 1), set()).update(rules)
        for document in documents:
            text_lines = split.get(document.file)
            if text_lines is None:
                continue
            rules = found._header(text_lines, document.position[0])
            if rules:
                found.documents.setdefault((document.file, document.index), set()).update(rules)
        return found

    @staticmethod
    def _header(lines: list[str], start: int) -> set[str]:
        """Rules named on an object's first line or in the comments right above it."""
        rules: set[str] = set()
        number = start
        while number >= 1:
            line = lines[number - 1].strip()
            if number != start and line and not line.startswith(("#", "---")):
                break
            rules |= _rules(line) or set()
            number -= 1
        return rules

    def silences(self, finding: Diagnostic) -> bool:
        """True when a suppression covers this finding."""
        where = finding.location
        for rules in (
            self.lines.get((where.file, where.line)),
            self.documents.get((where.file, where.document)),
        ):
            if rules and (ALL in rules or finding.rule in rules):
                return True
        return False
