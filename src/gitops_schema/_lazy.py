"""Names a package exports, imported from their modules on first use.

A package that re-exports its modules' names eagerly makes importing any one of its
modules import them all: ``gitops_schema.model.kinds`` would load every typed model, and
``gitops_schema.render.cache`` every engine. Each package lists where its names live; a
name is imported when first asked for (``from gitops_schema.render import Bounds``) and
then kept in the package like an eagerly imported one.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import Any


def lazy_exports(
    package: str, homes: Mapping[str, Sequence[str]]
) -> tuple[list[str], Callable[[str], Any], Callable[[], list[str]]]:
    """``__all__``, ``__getattr__`` and ``__dir__`` of ``package``, which exports ``homes``.

    ``homes`` maps a module (relative to the package, e.g. ``".cache"``) to the names of
    it the package exports. A submodule whose name is also an exported name (the module
    ``gitops_schema.inventory`` and its function ``inventory``) does not hide the name
    once imported.
    """
    home = {name: module for module, names in homes.items() for name in names}

    def __getattr__(name: str) -> Any:
        module = home.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        vars(sys.modules[package])[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*home, *(n for n in vars(sys.modules[package]) if n.startswith("__"))})

    module = sys.modules[package]
    if any(name in home for name in _submodule_names(homes)):
        module.__class__ = _KeepsExportedNames
    return sorted(home), __getattr__, __dir__


def _submodule_names(homes: Mapping[str, Sequence[str]]) -> set[str]:
    return {module.lstrip(".").partition(".")[0] for module in homes}


class _KeepsExportedNames(ModuleType):
    """A package whose exported names are not replaced by its submodules of the same name.

    Importing a submodule makes it an attribute of its package, which would otherwise
    replace the exported name it shares.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        exported = getattr(self, "__all__", ())
        if name in exported and isinstance(value, ModuleType):
            return
        super().__setattr__(name, value)
