"""The files of a Flux source artifact, and the glob dialects Flux matches them with.

source-controller archives a GitRepository or OCIRepository without the files that
``.sourceignore`` files (gitignore syntax, read in every folder) and ``spec.ignore`` exclude,
and without VCS metadata; when neither gives a pattern, common CI files, images and archives
are left out as well. Only regular files are archived: symlinks and empty folders are not
in an artifact. Three pattern dialects meet here: Go's ``path.Match`` (one path segment) and
doublestar (``**`` across segments, ``{a,b}``), both from :mod:`gitops_schema.golang.glob`,
and go-git's gitignore patterns, read here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from gitops_schema.golang.glob import BadPattern as GlobError
from gitops_schema.golang.glob import doublestar_match
from gitops_schema.golang.glob import path_match as go_match

__all__ = [
    "DEFAULT_RULES",
    "GlobError",
    "IgnoreRules",
    "artifact_files",
    "doublestar_match",
    "go_match",
    "has_glob",
    "read_patterns",
]

IGNORE_FILE = ".sourceignore"
_VCS = (".git/", ".gitignore", ".gitmodules", ".gitattributes")
_DEFAULTS = (
    *("*.jpg", "*.jpeg", "*.gif", "*.png", "*.wmv", "*.flv", "*.tar.gz", "*.zip"),
    *(".github/", ".circleci/", ".travis.yml", ".gitlab-ci.yml", "appveyor.yml", ".drone.yml"),
    *("cloudbuild.yaml", "codeship-services.yml", "codeship-steps.yml"),
    *("**/.goreleaser.yml", "**/.sops.yaml", "**/.flux.yaml"),
)
"""source-controller's exclusions when a source gives no ignore pattern of its own."""


def has_glob(path: str) -> bool:
    """Whether a path is a pattern for source-watcher (it has ``*``, ``?``, ``[`` or ``]``)."""
    return any(c in path for c in "*?[]")


class _Match(Enum):
    NONE = 0
    EXCLUDE = 1
    INCLUDE = 2


@dataclass(frozen=True, slots=True)
class _IgnorePattern:
    """One gitignore line as go-git reads it, scoped to the folder (``domain``) it is from."""

    domain: tuple[str, ...]
    parts: tuple[str, ...]
    inclusion: bool
    dir_only: bool
    anchored: bool
    """The pattern has a ``/``: it is matched segment by segment from its folder."""

    @classmethod
    def parse(cls, line: str, domain: tuple[str, ...]) -> _IgnorePattern:
        inclusion = line.startswith("!")
        if inclusion:
            line = line[1:]
        if not line.endswith("\\ "):
            line = line.rstrip(" ")
        dir_only = line.endswith("/")
        if dir_only:
            line = line[:-1]
        return cls(domain, tuple(line.split("/")), inclusion, dir_only, "/" in line)

    def match(self, path: Sequence[str], is_dir: bool) -> _Match:
        if len(path) <= len(self.domain) or tuple(path[: len(self.domain)]) != self.domain:
            return _Match.NONE
        rest = path[len(self.domain) :]
        found = self._glob(rest, is_dir) if self.anchored else self._name(rest, is_dir)
        if not found:
            return _Match.NONE
        return _Match.INCLUDE if self.inclusion else _Match.EXCLUDE

    def _name(self, path: Sequence[str], is_dir: bool) -> bool:
        # Any segment may match: a folder's name excludes everything below it.
        for index, name in enumerate(path):
            if _segment(self.parts[0], name):
                return not (self.dir_only and not is_dir and index == len(path) - 1)
        return False

    def _glob(self, path: Sequence[str], is_dir: bool) -> bool:
        rest = list(path)
        matched, traverse = False, False
        for index, part in enumerate(self.parts):
            if part == "":
                traverse = False
                continue
            if part == "**":
                if index == len(self.parts) - 1:
                    break
                traverse = True
                continue
            if "**" in part or not rest:
                return False
            if traverse:
                traverse = False
                while rest:
                    name = rest.pop(0)
                    if _segment(part, name):
                        matched = True
                        break
                    if not rest:
                        matched = False
            else:
                if not _segment(part, rest[0]):
                    return False
                matched = True
                rest.pop(0)
        # The matched prefix may be a folder of the path: what is below it matches too.
        return matched and not (self.dir_only and not is_dir and not rest)


def _segment(pattern: str, name: str) -> bool:
    try:
        return go_match(pattern, name)
    except GlobError:
        # go-git treats a malformed pattern as one that matches nothing.
        return False


@dataclass(frozen=True, slots=True)
class IgnoreRules:
    """The ignore patterns of one artifact, in increasing priority."""

    patterns: tuple[_IgnorePattern, ...]

    @classmethod
    def of(cls, lines: Iterable[tuple[str, tuple[str, ...]]]) -> IgnoreRules:
        """The rules of a source from (pattern line, folder it applies to), lowest priority first.

        VCS metadata is always ignored; the default exclusions only when the source gives no
        pattern of its own.
        """
        own = [_IgnorePattern.parse(line, domain) for line, domain in lines]
        base = _VCS if own else (*_VCS, *_DEFAULTS)
        return cls((*(_IgnorePattern.parse(line, ()) for line in base), *own))

    def ignores(self, path: str) -> bool:
        """Whether the file at ``path`` (``/``-separated, relative) is left out."""
        parts = path.split("/")
        for pattern in reversed(self.patterns):
            found = pattern.match(parts, False)
            if found is not _Match.NONE:
                return found is _Match.EXCLUDE
        return False


DEFAULT_RULES = IgnoreRules.of(())
"""What an archive without patterns of its own leaves out (as an ExternalArtifact's)."""


def read_patterns(text: str, domain: tuple[str, ...] = ()) -> list[tuple[str, tuple[str, ...]]]:
    """The pattern lines of an ignore file's text (comments and blank lines skipped)."""
    return [
        (line, domain) for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]


def artifact_files(folder: Path, *, ignore: str | None = None, filtered: bool) -> dict[str, Path]:
    """The regular files of a source folder as its artifact holds them: relative path -> file.

    Args:
        folder: the source's local copy.
        ignore: the source's ``spec.ignore``, if it has one.
        filtered: apply source-controller's ignore rules (GitRepository, OCIRepository);
            otherwise the folder is the artifact as it is (a checkout's ``.git`` aside).
    """
    files: dict[str, Path] = {}
    lines: list[tuple[str, tuple[str, ...]]] = []
    for current, dirs, names in os.walk(folder):
        # Sorted, so that .sourceignore files are read in the order source-controller reads
        # them (parents before children, siblings by name): later ones take precedence.
        dirs[:] = sorted(d for d in dirs if d != ".git" and not os.path.islink(Path(current, d)))
        relative = Path(current).relative_to(folder).parts
        for name in sorted(names):
            path = Path(current, name)
            if path.is_symlink() or not path.is_file():
                continue
            files["/".join((*relative, name))] = path
            if filtered and name == IGNORE_FILE:
                lines.extend(
                    read_patterns(path.read_text(encoding="utf-8", errors="replace"), relative)
                )
    if not filtered:
        return files
    if ignore is not None:
        lines.extend(read_patterns(ignore))
    rules = IgnoreRules.of(lines)
    return {path: file for path, file in files.items() if not rules.ignores(path)}
