"""What a lint rule is, and what it sees when it runs."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from gitops_schema.codes import Code
from gitops_schema.diagnostics import Diagnostic, Severity
from gitops_schema.errors import LoadError
from gitops_schema.load.git import GitTree, work_tree
from gitops_schema.location import Location
from gitops_schema.model import GitOpsObject

if TYPE_CHECKING:
    from gitops_schema.check.config import CheckConfig


@dataclass(frozen=True, slots=True)
class RuleContext:
    """Everything a rule may look at: the objects of the repository and its files."""

    objects: tuple[GitOpsObject, ...]
    files: frozenset[str]
    """Every file path of the checked tree (display paths, POSIX), YAML or not."""
    config: CheckConfig
    roots: tuple[str, ...] = ()
    """The paths checked, as given; file paths are shown under them."""
    revision: str | None = None
    """The git revision checked, or None for the work tree; where :meth:`exists` looks
    for paths outside the checked tree."""
    memo: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """Indexes several rules share, computed once per check (see :meth:`remember`)."""

    def remember(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` the first time a key is asked for; the same value afterwards."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    def relative(self, file: str) -> str:
        """A display path relative to the checked path it is under."""
        for root in self.roots:
            prefix = root.rstrip("/") + "/"
            if file.startswith(prefix):
                return file[len(prefix) :]
        return file

    def exists(self, path: str) -> bool:
        """True when a file, or a folder holding files, exists at a display path.

        The checked tree is looked in first; a path outside it (a subfolder or one file was
        checked) is looked for in the work tree, or in the checked revision.
        """
        if path in self.files:
            return True
        prefix = path.rstrip("/") + "/"
        if any(f.startswith(prefix) for f in self.files):
            return True
        if not self.roots:
            return False
        if self.revision is None:
            return Path(path).exists()
        revision = self.revision
        top = work_tree(Path(path))
        if top is None:
            return False
        # Rules ask for many paths: the revision's tree is listed once per check.
        paths = self.remember(f"revision-paths:{top}", lambda: _revision_paths(top, revision))
        try:
            relative = Path(path).resolve().relative_to(top.resolve()).as_posix()
        except ValueError:
            return False
        return relative in paths

    def of_kind(self, *kinds: str) -> Iterator[GitOpsObject]:
        """The objects of the given kinds, whatever their apiVersion."""
        index: dict[str, list[GitOpsObject]] = self.remember("objects-by-kind", self._by_kind)
        if len(kinds) == 1:
            return iter(index.get(kinds[0], ()))
        wanted = set(kinds)
        return (o for o in self.objects if o.kind in wanted)

    def _by_kind(self) -> dict[str, list[GitOpsObject]]:
        index: dict[str, list[GitOpsObject]] = {}
        for obj in self.objects:
            index.setdefault(obj.kind, []).append(obj)
        return index


def _revision_paths(top: Path, revision: str) -> frozenset[str]:
    """Every file of the repository at ``revision``, and every folder holding one."""
    try:
        files = [file.path for file in GitTree(top, revision).files()]
    except LoadError:
        return frozenset()
    found = set(files)
    for file in files:
        found.update(str(parent) for parent in PurePosixPath(file).parents if str(parent) != ".")
    return frozenset(found)


Check = Callable[[RuleContext], Iterable[Diagnostic]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A registered finding code and the check that finds it.

    ``check`` is None for codes whose findings another stage raises (the loader's
    ``yaml-syntax``, the schema validator's ``schema``): they are rules too, so that
    configuration, documentation and reports know them.
    """

    code: Code
    check: Check | None = field(default=None, compare=False)

    @property
    def id(self) -> str:
        """The code's id, e.g. ``secret-plaintext``."""
        return self.code.id

    @property
    def severity(self) -> Severity:
        """The default severity."""
        return self.code.severity

    def finding(self, message: str, location: Location) -> Diagnostic:
        """A diagnostic of this rule at its default severity."""
        return self.code.at(message, location)
