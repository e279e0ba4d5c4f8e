"""gitops-schema: GitOps configuration as typed, validated data.

The library stages are importable from here; the CLI (:mod:`gitops_schema.cli`) is a
thin layer over them. Example::

    from gitops_schema import inventory

    found = inventory(["examples/"])
    for obj in found.objects:
        print(obj.tool, obj.kind, obj.name, obj.location)
    for problem in found.report:
        print(problem)
"""

from gitops_schema.diagnostics import Diagnostic, Report, Severity
from gitops_schema.errors import (
    GitOpsError,
    LoadError,
    RevisionNotFound,
    ToolError,
    ToolFailed,
    ToolNotFound,
    UsageError,
)
from gitops_schema.inventory import Inventory, inventory
from gitops_schema.load import Document, LoadOptions, LoadResult, load_bytes, load_paths
from gitops_schema.location import Location
from gitops_schema.model import GitOpsObject, ParseResult, Tool, parse_document, parse_documents

__version__ = "0.1.0"

__all__ = [
    "Diagnostic",
    "Document",
    "GitOpsError",
    "GitOpsObject",
    "Inventory",
    "LoadError",
    "LoadOptions",
    "LoadResult",
    "Location",
    "ParseResult",
    "Report",
    "RevisionNotFound",
    "Severity",
    "Tool",
    "ToolError",
    "ToolFailed",
    "ToolNotFound",
    "UsageError",
    "__version__",
    "inventory",
    "load_bytes",
    "load_paths",
    "parse_document",
    "parse_documents",
]
