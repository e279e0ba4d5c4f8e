"""What the Argo CD and Flux walks share: the state of one repository's render.

A walk goes in waves (the entry points, then what they rendered, and so on); this module
keeps what every wave adds to (the rendered applications, the report, the objects already
visited on each cluster) and turns a render's result back into typed objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from pathlib import Path

from gitops_schema.codes.render import RENDER_DUPLICATE
from gitops_schema.desired.types import RenderedApp, RenderedRepository, RenderOptions
from gitops_schema.diagnostics import Diagnostic, Report
from gitops_schema.load import Document, LoadOptions, from_plain, load_paths
from gitops_schema.location import Location
from gitops_schema.model import GitOpsObject, ObjectId, Tool, parse_documents
from gitops_schema.render import RenderCache, RenderResult


class Walk:
    """One repository's render in progress: its options, results and visited objects."""

    def __init__(self, root: Path, options: RenderOptions, only: str | None) -> None:
        self.root = root
        self.options = options
        self.only = only
        self.result = RenderedRepository()
        self.seen: dict[tuple[str, ObjectId], Location] = {}

    @property
    def report(self) -> Report:
        """The diagnostics of the render so far."""
        return self.result.report

    def add(self, app: RenderedApp) -> None:
        """Keep a rendered application, and say so to whoever follows the progress."""
        self.result.apps.append(app)
        if self.options.progress is not None:
            self.options.progress(app)

    def first_visit(self, cluster: str, key: ObjectId, where: Location) -> bool:
        """Whether this object is new on the cluster; a second definition is reported.

        Two definitions of one object on a cluster fight over it in the real
        controller, so only the first is rendered.
        """
        first = self.seen.get((cluster, key))
        if first == where:
            # The same definition reached again, as a Flux bootstrap Kustomization reaches
            # itself and its siblings: one object, applied once.
            return False
        if first is not None:
            self.report.add(
                RENDER_DUPLICATE.at(
                    f"{key.kind} {key.name!r} on cluster {cluster!r} is already defined at "
                    f"{first}; this definition is not rendered",
                    where,
                )
            )
            return False
        self.seen[cluster, key] = where
        return True

    def keep(self, cluster: str) -> bool:
        """Whether ``cluster`` is rendered (all are unless one was asked for)."""
        self.result.clusters.add(cluster)
        return self.only is None or cluster == self.only


_UNREAD = frozenset({Tool.PROMETHEUS, Tool.KUSTOMIZE, Tool.HELM})


def load_objects(
    paths: Iterable[Path],
    exclude: tuple[str, ...],
    report: Report,
    cache: RenderCache | None = None,
) -> list[GitOpsObject]:
    """The typed objects under ``paths``; what could not be read goes to ``report``.

    With a ``cache``, files parsed before (in another revision) are not parsed again.
    """
    loaded = load_paths(list(paths), options=LoadOptions(exclude=exclude, parsed=cache))
    report.extend(loaded.report)
    # A render reads no Prometheus-operator object, and kustomization and Chart.yaml files
    # as their engines do: their models are not worth building.
    return parse_documents(loaded.documents, envelopes=_UNREAD).objects


def rendered_objects(result: RenderResult, origin: str, kinds: Set[str]) -> list[GitOpsObject]:
    """The rendered objects of ``kinds``, typed; the others are not read again."""
    documents = [
        Document(origin, index, from_plain(manifest), (0, 0))
        for index, manifest in enumerate(result.manifests)
        if manifest.get("kind") in kinds
    ]
    return parse_documents(documents).objects if documents else []


def located(report: Report, where: Location) -> list[Diagnostic]:
    """Diagnostics of a render, placed at the declaring object when they have no file."""
    placed = []
    for diagnostic in report:
        if diagnostic.location.file and not diagnostic.location.file.startswith("<"):
            placed.append(diagnostic)
        else:
            placed.append(
                Diagnostic(diagnostic.rule, diagnostic.severity, diagnostic.message, where)
            )
    return placed
