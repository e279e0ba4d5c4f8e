"""The exception tree, for broken environments only.

Broken *configuration* is never an exception: it is a
:class:`~gitops_schema.diagnostics.Diagnostic` in a report. Exceptions are for what stops
the tool itself from working::

    GitOpsError
     ├── UsageError          a command line or API call that cannot be carried out
     ├── LoadError           a path, revision or stream that cannot be read at all
     │    └── RevisionNotFound
     └── ToolError           an external engine is missing or failed
          ├── ToolNotFound
          └── ToolFailed

This is a core module: it imports nothing of ours but :mod:`gitops_schema.location`.
"""

from __future__ import annotations

from gitops_schema.location import Location


class GitOpsError(Exception):
    """Base of every error raised by gitops-schema."""

    def __init__(self, message: str, *, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location is not None:
            return f"{self.location}: {self.message}"
        return self.message


class UsageError(GitOpsError):
    """A request that cannot be carried out as given (bad option, missing argument)."""


class LoadError(GitOpsError):
    """A path, revision or stream that cannot be read at all."""


class RevisionNotFound(LoadError):
    """A git revision that does not resolve in the repository."""


class ToolError(GitOpsError):
    """An external engine (kustomize, helm, promtool) is missing or failed."""


class ToolNotFound(ToolError):
    """An external engine is not installed."""


class ToolFailed(ToolError):
    """An external engine ran and failed."""

    def __init__(
        self, message: str, *, output: str | None = None, location: Location | None = None
    ) -> None:
        super().__init__(message, location=location)
        self.output = output
        """What the engine printed on standard error, when it ran to an exit status."""
