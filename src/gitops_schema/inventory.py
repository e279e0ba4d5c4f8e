"""INVENTORY: every GitOps object under some paths (or a revision), typed and located.

The first job users run: load (:mod:`gitops_schema.load`) then type
(:mod:`gitops_schema.model`), keeping every diagnostic of both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitops_schema.diagnostics import Report
from gitops_schema.errors import UsageError
from gitops_schema.load import LoadOptions, LoadResult, load_bytes, load_paths
from gitops_schema.model import GitOpsObject, Tool, parse_documents

STDIN = "-"
"""The path that stands for the standard input stream."""


@dataclass(slots=True)
class Inventory:
    """The objects found, the files read, and every diagnostic raised on the way."""

    objects: list[GitOpsObject] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    report: Report = field(default_factory=Report)

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON form: ``{"objects": [...], "diagnostics": [...]}``."""
        return {
            "objects": [
                {
                    "tool": o.tool.value,
                    "apiVersion": o.api_version,
                    "kind": o.kind,
                    "namespace": namespace_of(o),
                    "targetNamespace": target_namespace(o),
                    "name": o.name,
                    "file": o.document.file,
                    "line": o.location.line,
                }
                for o in self.objects
            ],
            "diagnostics": [d.to_dict() for d in self.report.sorted()],
        }


_TARGETS: dict[tuple[Tool, str], tuple[str, ...]] = {
    (Tool.ARGOCD, "Application"): ("spec", "destination", "namespace"),
    (Tool.FLUX, "Kustomization"): ("spec", "targetNamespace"),
    (Tool.FLUX, "HelmRelease"): ("spec", "targetNamespace"),
}
"""Where each kind that deploys names the namespace its objects go to."""


def namespace_of(obj: GitOpsObject) -> str | None:
    """The namespace the object itself lives in (``metadata.namespace``).

    A ``kustomization.yaml`` is no object of a cluster: its ``namespace:`` is where it puts
    the resources it builds, its target namespace.
    """
    return None if obj.tool is Tool.KUSTOMIZE else obj.namespace


def target_namespace(obj: GitOpsObject) -> str | None:
    """The namespace the object deploys to, for the kinds that deploy; None when unset.

    An Application's destination namespace, a Flux Kustomization's or HelmRelease's
    ``targetNamespace`` (a HelmRelease without one installs into its own namespace, as
    helm-controller does), a ``kustomization.yaml``'s ``namespace:``.
    """
    if obj.tool is Tool.KUSTOMIZE:
        return obj.namespace
    value: Any = obj.document.data
    for key in _TARGETS.get((obj.tool, obj.kind), ()):
        value = value.get(key) if isinstance(value, dict) else None
    if isinstance(value, str) and value:
        return value
    return obj.namespace if (obj.tool, obj.kind) == (Tool.FLUX, "HelmRelease") else None


def inventory(
    paths: Sequence[str | Path],
    *,
    revision: str | None = None,
    options: LoadOptions | None = None,
    stdin: bytes | None = None,
) -> Inventory:
    """Find and type every GitOps object under ``paths``.

    Args:
        paths: files and folders; ``"-"`` reads ``stdin``.
        revision: read the paths as of this git revision instead of the work tree.
        options: loader limits (file size cap, alias expansion bound).
        stdin: the bytes of the standard input, when ``"-"`` is among the paths.

    Raises:
        UsageError: ``"-"`` given without ``stdin``, or together with a revision.
        LoadError: a path or revision that cannot be read.
    """
    loaded = load_inputs(paths, revision=revision, options=options, stdin=stdin)
    parsed = parse_documents(loaded.documents)
    report = Report()
    report.extend(loaded.report)
    report.extend(parsed.report)
    return Inventory(parsed.objects, loaded.files, report)


def load_inputs(
    paths: Sequence[str | Path],
    *,
    revision: str | None = None,
    options: LoadOptions | None = None,
    stdin: bytes | None = None,
) -> LoadResult:
    """Load files, folders and ``"-"`` (standard input) as :func:`inventory` reads them."""
    loaded = LoadResult()
    for path in paths:
        if str(path) == STDIN:
            if stdin is None:
                raise UsageError("'-' reads the standard input, but none was given")
            if revision is not None:
                raise UsageError("the standard input has no git revision; drop --revision")
            part = load_bytes(stdin, "<stdin>", options)
        else:
            part = load_paths([path], revision=revision, options=options)
        loaded.merge(part)
    return loaded
