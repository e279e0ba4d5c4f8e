"""``upgrade``: deprecated and removed apiVersions -> current, with their field changes.

kustomization.yaml's deprecated fields become their replacements too.

Which apiVersions are old, and what replaces them, is ``check``'s deprecation table (one
source of truth). Files are edited with ruamel.yaml's round-trip mode, so comments, key
order, quoting and indentation stay; a file with nothing to upgrade is never rewritten.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import itertools
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from gitops_schema.check.config import DEFAULT_FLUX_VERSION, DEFAULT_KUBERNETES_VERSION
from gitops_schema.check.rules.deprecations import ApiLifecycle, lifecycles
from gitops_schema.codes.reading import YAML_SYNTAX
from gitops_schema.convert.upgrade_fields import (
    FIELD_UPGRADES,
    MANUAL_KINDS,
    Edits,
    kustomization_upgrade,
)
from gitops_schema.convert.yaml_edit import replace_scalar
from gitops_schema.diagnostics import Report, Severity
from gitops_schema.load import LoadOptions, load_paths
from gitops_schema.location import Location
from gitops_schema.model.kustomize import FILE_NAMES

__all__ = ["FileUpgrade", "UpgradeResult", "upgrade_paths"]

_KUSTOMIZE_API = "kustomize.config.k8s.io/"
_KUSTOMIZE_FIELDS = frozenset(
    {"bases", "commonLabels", "patchesStrategicMerge", "patchesJson6902", "imageTags", "vars"}
)


@dataclass(frozen=True, slots=True)
class Change:
    """One upgrade made (or needed by hand) in a file."""

    line: int
    message: str
    manual: bool = False


@dataclass(slots=True)
class FileUpgrade:
    """A file's text before and after, and the changes between them."""

    path: Path
    shown: str
    before: str
    after: str
    changes: list[Change] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when the text changes."""
        return self.before != self.after

    def diff(self) -> str:
        """The change as a unified diff."""
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                fromfile=f"a/{self.shown.lstrip('/')}",
                tofile=f"b/{self.shown.lstrip('/')}",
            )
        )


@dataclass(slots=True)
class UpgradeResult:
    """Every file with something to upgrade, and the diagnostics of reading them."""

    files: list[FileUpgrade] = field(default_factory=list)
    report: Report = field(default_factory=Report)

    def write(self) -> int:
        """Rewrite the changed files in place; the number written.

        Each file is replaced whole or not at all: a write that fails (a full disk, a
        read-only folder) leaves it as it was.

        Raises:
            OSError: a file could not be written; the files before it were.
        """
        written = 0
        for upgrade in self.files:
            if upgrade.changed:
                _replace(upgrade.path, upgrade.after)
                written += 1
        return written


def _replace(path: Path, text: str) -> None:
    """Write ``text`` over the file ``path`` (through its symlinks), keeping its mode."""
    target = path.resolve()
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        shutil.copymode(target, temporary)
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            # Named by the file the user gave, not the temporary one beside it.
            raise OSError(error.errno, error.strerror, str(path)) from error
        raise


def _release(text: str) -> tuple[int, ...]:
    # Releases (major.minor) deprecate and remove APIs, patch releases never do.
    parts = text.strip().removeprefix("v").split(".")
    return tuple(int(part) for part in parts[:2] if part.isdigit())


def _due(item: ApiLifecycle, kubernetes: str, flux: str) -> bool:
    """Whether an apiVersion is deprecated (or removed) at the target release."""
    target = _release(kubernetes if item.tool == "kubernetes" else flux)
    since = item.deprecated_in or item.removed_in
    return since is not None and target >= _release(since)


class _Indentation:
    """The block indentation a file uses, so rewritten parts look like the rest."""

    def __init__(self, text: str) -> None:
        self.mapping, self.sequence, self.offset = 2, 2, 0
        lines = [
            line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
        ]
        found_map = found_seq = False
        for line, following in itertools.pairwise(lines):
            if not line.rstrip().endswith(":") or line.lstrip().startswith("- "):
                continue
            parent = len(line) - len(line.lstrip())
            child = len(following) - len(following.lstrip())
            if child <= parent and not following.lstrip().startswith("- "):
                continue
            if following.lstrip().startswith("- ") and not found_seq:
                self.offset = max(child - parent, 0)
                self.sequence = self.offset + 2
                found_seq = True
            elif not following.lstrip().startswith("- ") and not found_map:
                self.mapping = child - parent
                found_map = True
            if found_map and found_seq:
                break


def _yaml(text: str) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    indentation = _Indentation(text)
    yaml.indent(
        mapping=indentation.mapping, sequence=indentation.sequence, offset=indentation.offset
    )
    yaml.explicit_start = bool(re.match(r"(\s*#[^\n]*\n)*\s*---", text))
    return yaml


def _line(node: CommentedMap, key: str) -> int:
    try:
        return int(node.lc.key(key)[0]) + 1
    except (KeyError, TypeError, AttributeError):
        return int(getattr(node.lc, "line", 0) or 0) + 1


class _Upgrader:
    def __init__(self, kubernetes: str, flux: str) -> None:
        self.kubernetes = kubernetes
        self.flux = flux

    def wanted(self, data: Any, name: str) -> bool:
        """Whether a loaded document has anything to upgrade (before parsing it again)."""
        if not isinstance(data, dict):
            return False
        api_version = str(data.get("apiVersion") or "")
        if name in FILE_NAMES and (not api_version or api_version.startswith(_KUSTOMIZE_API)):
            return bool(_KUSTOMIZE_FIELDS.intersection(data)) or _generator_env(data)
        item = lifecycles().get((api_version, str(data.get("kind") or "")))
        return item is not None and _due(item, self.kubernetes, self.flux)

    def document(self, doc: Any, kustomization_file: bool, changes: list[Change]) -> None:
        if not isinstance(doc, CommentedMap):
            return
        api_version = str(doc.get("apiVersion") or "")
        kind = str(doc.get("kind") or "")
        if kustomization_file and (not api_version or api_version.startswith(_KUSTOMIZE_API)):
            if _KUSTOMIZE_FIELDS.intersection(doc) or _generator_env(doc):
                self._edits(doc, kustomization_upgrade, "kustomization", changes)
            return
        item = lifecycles().get((api_version, kind))
        if item is None or not _due(item, self.kubernetes, self.flux):
            return
        line = _line(doc, "apiVersion")
        group = api_version.rpartition("/")[0]
        if item.replacement is None or kind in MANUAL_KINDS:
            edits = Edits()
            upgrade = FIELD_UPGRADES.get((group, kind))
            if upgrade is not None:
                upgrade(doc, edits)
            reason = "; ".join(edits.manual) or "it has no replacement"
            changes.append(Change(line, f"{kind} {api_version}: not upgraded: {reason}", True))
            return
        replace_scalar(doc, "apiVersion", item.replacement)
        changes.append(Change(line, f"{kind} {api_version} -> {item.replacement}"))
        upgrade = FIELD_UPGRADES.get((group, kind))
        if upgrade is not None and not _same_schema(api_version, item.replacement, kind):
            self._edits(doc, upgrade, kind, changes)

    def _edits(
        self,
        doc: CommentedMap,
        upgrade: Callable[[CommentedMap, Edits], None],
        what: str,
        changes: list[Change],
    ) -> None:
        edits = Edits()
        upgrade(doc, edits)
        line = int(getattr(doc.lc, "line", 0) or 0) + 1
        changes.extend(Change(line, f"{what}: {done}") for done in edits.done)
        changes.extend(Change(line, f"{what}: {todo}", True) for todo in edits.manual)


def _same_schema(old: str, new: str, kind: str) -> bool:
    """Upgrades whose versions share one schema need no field change."""
    return kind == "HorizontalPodAutoscaler" and old.endswith("/v2beta2")


def _generator_env(doc: dict[str, Any]) -> bool:
    return any(
        isinstance(g, dict) and "env" in g
        for kind in ("configMapGenerator", "secretGenerator")
        for g in (doc.get(kind) or [])
    )


_SEPARATOR = re.compile(r"^(?=---(?:[ \t].*)?$)", re.MULTILINE)


def _segments(text: str) -> list[str]:
    """The file's text cut at document separators; comment-only parts join the next."""
    segments: list[str] = []
    pending = ""
    for part in _SEPARATOR.split(text):
        body = [
            line
            for line in part.splitlines()
            if line.strip() and not line.lstrip().startswith("#") and line.strip() != "---"
        ]
        if body:
            segments.append(pending + part)
            pending = ""
        else:
            pending += part
    if pending:
        if segments:
            segments[-1] += pending
        else:
            segments.append(pending)
    return segments


def _upgrade_segment(
    segment: str, first_line: int, kustomization: bool, upgrader: _Upgrader
) -> tuple[str, list[Change]]:
    """One document's text, upgraded (itself when nothing changes), and the changes.

    Each document is parsed and written on its own, with its own indentation, so the
    documents of a file with nothing to upgrade keep their exact text.

    Raises:
        YAMLError: the document is not YAML ruamel can round-trip.
    """
    yaml = _yaml(segment)
    document = yaml.load(segment)
    found: list[Change] = []
    upgrader.document(document, kustomization, found)
    changes = [Change(c.line + first_line, c.message, c.manual) for c in found]
    if all(change.manual for change in changes):
        return segment, changes
    stream = io.StringIO()
    yaml.dump(document, stream)
    after = stream.getvalue()
    # Keep what followed the document (blank lines, comments before the next separator).
    tail = segment[len(segment.rstrip()) :]
    return after.rstrip() + (tail if tail else ""), changes


def _upgrade_file(
    path: Path, shown: str, upgrader: _Upgrader, report: Report
) -> FileUpgrade | None:
    text = path.read_text("utf-8")
    kustomization = path.name in FILE_NAMES
    changes: list[Change] = []
    parts: list[str] = []
    line = 0
    for segment in _segments(text):
        try:
            upgraded, found = _upgrade_segment(segment, line, kustomization, upgrader)
        except YAMLError as error:
            report.add(
                YAML_SYNTAX.at(
                    f"not rewritable by a YAML round-trip, left as it is: {error}",
                    Location(shown, line + 1),
                )
            )
            return None
        parts.append(upgraded)
        changes.extend(found)
        line += segment.count("\n")
    if not changes:
        return None
    return FileUpgrade(path, shown, text, "".join(parts), changes)


def upgrade_paths(
    paths: Sequence[Path],
    *,
    kubernetes_version: str = DEFAULT_KUBERNETES_VERSION,
    flux_version: str = DEFAULT_FLUX_VERSION,
    exclude: tuple[str, ...] = (),
    progress: Callable[[str], None] | None = None,
) -> UpgradeResult:
    """The upgrades of every YAML file under ``paths`` (nothing is written).

    Files are found and checked by the loader first (its limits and diagnostics apply);
    only files holding something to upgrade are parsed again for rewriting.

    Raises:
        LoadError: a path cannot be read.
    """
    result = UpgradeResult()
    loaded = load_paths(list(paths), options=LoadOptions(exclude=exclude))
    result.report.extend(loaded.report)
    broken = {d.location.file for d in loaded.report if d.severity is Severity.ERROR}
    upgrader = _Upgrader(kubernetes_version, flux_version)
    files = dict.fromkeys(
        d.file for d in loaded.documents if upgrader.wanted(d.data, d.file.rpartition("/")[2])
    )
    for shown in files:
        if shown in broken or not shown.endswith((".yaml", ".yml")):
            continue
        if progress is not None:
            progress(shown)
        upgraded = _upgrade_file(Path(shown), shown, upgrader, result.report)
        if upgraded is not None:
            result.files.append(upgraded)
    return result
