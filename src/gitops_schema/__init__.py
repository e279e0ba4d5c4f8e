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

import importlib
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from gitops_schema.model import (
        GitOpsObject,
        ParseResult,
        Tool,
        parse_document,
        parse_documents,
    )

__version__ = "0.1.0"

_HOMES = {
    "gitops_schema.diagnostics": ("Diagnostic", "Report", "Severity"),
    "gitops_schema.errors": (
        "GitOpsError",
        "LoadError",
        "RevisionNotFound",
        "ToolError",
        "ToolFailed",
        "ToolNotFound",
        "UsageError",
    ),
    "gitops_schema.inventory": ("Inventory", "inventory"),
    "gitops_schema.load": ("Document", "LoadOptions", "LoadResult", "load_bytes", "load_paths"),
    "gitops_schema.location": ("Location",),
    "gitops_schema.model": (
        "GitOpsObject",
        "ParseResult",
        "Tool",
        "parse_document",
        "parse_documents",
    ),
}
_HOME = {name: module for module, names in _HOMES.items() for name in names}

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


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__all__)


class _Package(ModuleType):
    """This package, whose name ``inventory`` stays the function once the module is imported.

    Importing a submodule makes it an attribute of its package; the module
    ``gitops_schema.inventory`` would then hide the function of the same name.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _HOME and isinstance(value, ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
