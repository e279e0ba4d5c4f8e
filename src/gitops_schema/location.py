"""Where a piece of configuration came from: file, line, column and JSON path.

This is a core module: it imports nothing of ours.
"""

from __future__ import annotations

from dataclasses import dataclass

JsonPath = tuple[str | int, ...]
"""A path into a document: mapping keys are strings, sequence indexes are ints."""


def format_json_path(path: JsonPath) -> str:
    """Render a path as JSONPath text, e.g. ``$.spec.generators[0].git``.

    Keys that are not plain identifiers are written in bracket form so the text stays
    unambiguous (``$.metadata.labels['app.kubernetes.io/name']``).
    """
    parts = ["$"]
    for step in path:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        elif step.replace("_", "a").replace("-", "a").isalnum() and not step[:1].isdigit():
            parts.append(f".{step}")
        else:
            escaped = step.replace("\\", "\\\\").replace("'", "\\'")
            parts.append(f"['{escaped}']")
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class Location:
    """A position in a source file; ``line`` and ``column`` are 1-based, 0 when unknown."""

    file: str
    line: int = 0
    column: int = 0
    path: JsonPath = ()
    """JSON path of the value inside its document."""
    document: int = 0
    """Index of the YAML document inside a multi-document file (0-based)."""

    @property
    def json_path(self) -> str:
        """The JSON path as text (``$`` for the document root)."""
        return format_json_path(self.path)

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        return where
