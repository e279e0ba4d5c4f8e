"""Errors raised by the template engine, with Go's message text.

``TemplateError`` joins the project's exception tree under ``GitOpsError``::

    TemplateError
     ├── TemplateSyntaxError   raised by compile(): Go's Parse would fail
     └── TemplateExecError     raised by Template.execute(): Go's Execute would fail

``str(error)`` is exactly the text Go prints, so callers can match on Go's wording.
"""

from __future__ import annotations

from gitops_schema.errors import GitOpsError


class TemplateError(GitOpsError):
    """Base of the template errors; ``line``/``column`` are 1-based, 0 when unknown."""

    def __init__(self, message: str, *, name: str = "", line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.name = name
        self.line = line
        self.column = column


class TemplateSyntaxError(TemplateError):
    """A template that Go's parser rejects."""


class TemplateExecError(TemplateError):
    """A template that fails while executing; ``reason`` is Go's message without context."""

    def __init__(
        self,
        message: str,
        *,
        reason: str = "",
        name: str = "",
        line: int = 0,
        column: int = 0,
    ) -> None:
        super().__init__(message, name=name, line=line, column=column)
        self.reason = reason or message


class LimitExceeded(TemplateExecError):
    """Execution hit one of the safety bounds (depth, iterations, output size)."""
