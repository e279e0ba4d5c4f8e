"""The applications of a render that could not be rendered, as comparisons report them.

Their reasons are what their renders reported, with paths relative to the repository:
engines name the files they read by absolute path.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from gitops_schema.codes.render import RENDER_INPUT_INVALID
from gitops_schema.compare.diff import RenderFailure
from gitops_schema.compare.normalize import malformed
from gitops_schema.desired import RenderedApp, RenderedRepository
from gitops_schema.diagnostics import Diagnostic, Report
from gitops_schema.location import Location

__all__ = ["defined", "failure", "reason", "screen", "told", "unreached"]

_DEFINITIONS = frozenset({"Application", "Kustomization", "HelmRelease"})


def defined(app: RenderedApp) -> list[str]:
    """``Kind/name`` of each application ``app`` renders (app of apps, Flux trees)."""
    return [
        f"{manifest['kind']}/{(manifest.get('metadata') or {}).get('name')}"
        for manifest in app.manifests
        if manifest.get("kind") in _DEFINITIONS
    ]


def failure(app: RenderedApp, side: str, root: Path) -> RenderFailure:
    """``app``'s failure on ``side`` (a revision or an environment) of a comparison."""
    reasons = tuple(dict.fromkeys(reason(d, root) for d in app.problems))
    return RenderFailure(app.cluster, f"{app.kind}/{app.name}", side, reasons)


def screen(rendered: RenderedRepository) -> RenderedRepository:
    """``rendered``, with each application that rendered a malformed object failed.

    Such an object (``metadata: [a]``) cannot be matched with its counterpart: its
    application is not compared, and the problem is reported at the application's file
    and line (in its problems and in the repository's report).
    """
    for app in rendered.apps:
        for problem in malformed(app.manifests):
            diagnostic = RENDER_INPUT_INVALID.at(f"{app.kind} {app.name}: {problem}", app.location)
            app.problems.append(diagnostic)
            rendered.report.add(diagnostic)
    return rendered


def unreached(
    cluster: str, application: str, where: Location, parent: str, side: str, root: Path
) -> RenderFailure:
    """``application`` on ``side``: not there because ``parent``, which defines it, failed.

    ``where`` is the location the reason names.
    """
    text = f"{where}: {parent}, which defines it, could not be rendered"
    return RenderFailure(cluster, application, side, (_relative(text, _prefixes(root)),))


def reason(diagnostic: Diagnostic, root: Path) -> str:
    """``file:line:column: message``, with ``root``'s paths told relative to it."""
    return _relative(f"{diagnostic.location}: {diagnostic.message}", _prefixes(root))


def told(report: Report, root: Path) -> Report:
    """``report`` with ``root``'s paths told relative to it, as the reasons.

    In the messages and in the locations: a repository given as ``/abs/repo`` or ``..``
    names its files as one given as ``.`` does.
    """
    prefixes = list(_prefixes(root))
    return Report(
        [
            replace(d, message=_relative(d.message, prefixes), location=_located(d, prefixes))
            for d in report
        ]
    )


def _located(diagnostic: Diagnostic, prefixes: list[str]) -> Location:
    where = diagnostic.location
    for prefix in prefixes:
        if where.file.startswith(prefix):
            return replace(where, file=where.file[len(prefix) :])
    return where


def _prefixes(root: Path) -> Iterable[str]:
    # Longest first, so a folder inside another is cut whole.
    folders = {str(root.resolve())} | ({str(root)} if str(root) != "." else set())
    return sorted((f"{folder.rstrip('/')}/" for folder in folders), key=len, reverse=True)


def _relative(text: str, prefixes: Iterable[str]) -> str:
    for prefix in prefixes:
        text = text.replace(prefix, "")
    return text
