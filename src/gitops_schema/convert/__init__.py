"""CONVERT: Argo CD <-> Flux through one tool-neutral model, and API upgrades.

Above :mod:`gitops_schema.check` and :mod:`gitops_schema.compare`: a conversion reads the
repository (and its ApplicationSets' expansions), writes the other tool's objects with a
fidelity report, and can prove itself by rendering both sides.
"""

from __future__ import annotations

from gitops_schema.convert.argocd_to_flux import (
    AppLink,
    Conversion,
    ConvertOptions,
    argocd_to_flux,
)
from gitops_schema.convert.fidelity import (
    Fidelity,
    Item,
    Loss,
    ObjectRef,
    OutputRef,
    Status,
    render_json,
    render_markdown,
    render_text,
)

__all__ = [
    "AppLink",
    "Conversion",
    "ConvertOptions",
    "Fidelity",
    "Item",
    "Loss",
    "ObjectRef",
    "OutputRef",
    "Status",
    "argocd_to_flux",
    "render_json",
    "render_markdown",
    "render_text",
]
