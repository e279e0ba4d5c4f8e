"""gitops-schema: GitOps configuration as typed, validated data.

The library stages are importable from here; the CLI (:mod:`gitops_schema.cli`) is a
thin layer over them. Example::

    from gitops_schema import inventory

    found = inventory(["examples/"])
    for obj in found.objects:
        print(obj.tool, obj.kind, obj.name, obj.location)
    for problem in found.report:
        print(problem)

The names below are imported on first use: importing any part of the package (as every
command does) does not load every typed model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gitops_schema._lazy import lazy_exports

if TYPE_CHECKING:
    from gitops_schema.diagnostics import Diagnostic as Diagnostic
    from gitops_schema.diagnostics import Report as Report
    from gitops_schema.diagnostics import Severity as Severity
    from gitops_schema.errors import GitOpsError as GitOpsError
    from gitops_schema.errors import LoadError as LoadError
    from gitops_schema.errors import RevisionNotFound as RevisionNotFound
    from gitops_schema.errors import ToolError as ToolError
    from gitops_schema.errors import ToolFailed as ToolFailed
    from gitops_schema.errors import ToolNotFound as ToolNotFound
    from gitops_schema.errors import UsageError as UsageError
    from gitops_schema.inventory import Inventory as Inventory
    from gitops_schema.inventory import inventory as inventory
    from gitops_schema.load import Document as Document
    from gitops_schema.load import LoadOptions as LoadOptions
    from gitops_schema.load import LoadResult as LoadResult
    from gitops_schema.load import load_bytes as load_bytes
    from gitops_schema.load import load_paths as load_paths
    from gitops_schema.location import Location as Location
    from gitops_schema.model import GitOpsObject as GitOpsObject
    from gitops_schema.model import ParseResult as ParseResult
    from gitops_schema.model import Tool as Tool
    from gitops_schema.model import parse_document as parse_document
    from gitops_schema.model import parse_documents as parse_documents

__version__ = "0.1.0"

_exported, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        ".diagnostics": ("Diagnostic", "Report", "Severity"),
        ".errors": (
            "GitOpsError",
            "LoadError",
            "RevisionNotFound",
            "ToolError",
            "ToolFailed",
            "ToolNotFound",
            "UsageError",
        ),
        ".inventory": ("Inventory", "inventory"),
        ".load": ("Document", "LoadOptions", "LoadResult", "load_bytes", "load_paths"),
        ".location": ("Location",),
        ".model": ("GitOpsObject", "ParseResult", "Tool", "parse_document", "parse_documents"),
    },
)
__all__ = sorted([*_exported, "__version__"])
