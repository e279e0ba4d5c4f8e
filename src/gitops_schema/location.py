"""Where a piece of configuration came from: file, line, column and JSON path.

This is a core module: it imports nothing of ours.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_PART = 100
"""Characters of a file or folder name taken from an object (file systems allow 255 bytes)."""

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


def path_part(text: str, *, unsafe: re.Pattern[str] = _UNSAFE) -> str:
    """One file or folder name for ``text`` (a cluster, namespace, kind or name), safe to join.

    Only letters, digits, ``.``, ``_`` and ``-`` are kept, a name never starts with a dot
    (so never ``.`` nor ``..``) nor with ``_`` (the mark of names made here) and is at most
    ~110 characters; when anything had to change, a hash of the original is added, so two
    different texts never give the same name.
    """
    safe = unsafe.sub("_", text)
    if safe.startswith((".", "_")):
        safe = "_" + safe
    if safe == text and 0 < len(safe) <= _MAX_PART:
        return safe
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{safe[:_MAX_PART]}-{digest}" if safe else f"_{digest}"
