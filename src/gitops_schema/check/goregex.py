"""Go ``pattern``s of JSON schemas, matched on RE2 as the API server and Helm match them.

CRD and Kubernetes schemas are written for Go's ``regexp``; :func:`normalise
<gitops_schema.check.schema_normalise.normalise>` moves each ``pattern`` to the
:data:`GO_PATTERN` keyword, which this module's validator checks with
:mod:`gitops_schema.golang.regex`, never rewritten for another engine.
"""

from __future__ import annotations

from typing import Any

from gitops_schema.golang.regex import RegexError, Regexp, compile_go

__all__ = ["GO_PATTERN", "KEYWORDS", "go_pattern"]

GO_PATTERN = "x-go-pattern"
"""The keyword a schema's ``pattern`` is moved to."""


def go_pattern(pattern: str) -> Regexp | None:
    """The compiled pattern, or None when Go would refuse it (then it is not checked)."""
    try:
        return compile_go(pattern)
    except RegexError:
        return None


class _GoPattern:
    """jsonschema-rs keyword: a string must hold a match of the Go pattern."""

    def __init__(self, parent: Any, value: str, schema_path: Any) -> None:
        compiled = go_pattern(value)
        if compiled is None:  # normalise keeps only patterns that compile
            raise ValueError(f"not a Go regular expression: {value}")
        self.regexp = compiled

    def validate(self, instance: Any) -> None:
        # The message is the pattern; the schema messages word it as for ``pattern``.
        if isinstance(instance, str) and not self.regexp.matches(instance):
            raise ValueError(self.regexp.pattern)


KEYWORDS: dict[str, Any] = {GO_PATTERN: _GoPattern}
"""Custom keywords every validator of ours is built with."""
