"""The copy of Flux's ArtifactGenerator: an artifact's files from its sources' files.

The copy follows source-watcher's builder:

* ``from: "@alias/pattern"``. A pattern without ``*?[]`` names one file or folder: a file
  goes to ``to`` (into it when ``to`` ends with ``/`` or is a folder already), a folder is
  copied *as a subfolder* of ``to``, as ``cp -r`` does. A pattern is matched one level at
  a time as Go's ``fs.Glob`` does (``**`` is ``*`` there); each match is copied to ``to``
  with its path, except that ``dir/**`` drops the ``dir/`` prefix. No match is an error.
* ``exclude``: doublestar patterns tried on the path from the source root and on the path
  below the pattern's literal prefix (or the copied folder); a pattern without ``/`` also
  matches a file name at any depth. Excluding every match is an error.
* ``strategy``: ``Overwrite`` (later copies replace files), ``Merge`` (a YAML file copied
  onto an existing one is deep-merged into it, lists replaced, as Helm merges values; not
  for files inside a copied folder) or ``Extract`` (``.tar.gz``/``.tgz`` archives are
  unpacked into ``to``; a pattern here may use ``**`` across folders).
* ``pathPattern``: one set of artifacts per source folder matching it, its ``{captures}``
  substituted into the artifact names (lowercased) and the copy paths.

A source is read as its artifact holds it (:func:`.sourceignore.artifact_files`), and the
artifact made is stripped of what source-controller's default ignore rules exclude.
"""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import shutil
import tarfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gitops_schema.load.plain import InputError, text_of, yaml_values
from gitops_schema.render.helm_values import merge_values
from gitops_schema.render.sourceignore import (
    DEFAULT_RULES,
    GlobError,
    doublestar_match,
    go_match,
    has_glob,
)

__all__ = [
    "STRATEGIES",
    "CopyError",
    "CopyOperation",
    "SourceTree",
    "build_artifact",
    "write_artifact",
]

STRATEGIES = ("Overwrite", "Merge", "Extract")
_TARBALL = (".tar.gz", ".tgz")


class CopyError(Exception):
    """A copy operation that source-watcher would fail on."""


@dataclass(frozen=True, slots=True)
class CopyOperation:
    """One ``spec.artifacts[].copy[]`` entry."""

    source: str
    """``from``: ``@alias/pattern``."""
    to: str
    """``@artifact/path``."""
    exclude: tuple[str, ...] = ()
    strategy: str = "Overwrite"


@dataclass(slots=True)
class SourceTree:
    """The files of one source, and the folders they make."""

    files: Mapping[str, Path]
    children: dict[str, list[str]] = field(default_factory=dict)
    """Folder ("" for the root) -> names in it, sorted as Go's ReadDir sorts them."""

    def __post_init__(self) -> None:
        found: dict[str, set[str]] = {"": set()}
        for path in self.files:
            parent, _, name = path.rpartition("/")
            found.setdefault(parent, set()).add(name)
            while parent:
                grand, _, folder = parent.rpartition("/")
                found.setdefault(grand, set()).add(folder)
                parent = grand
        self.children = {folder: sorted(names) for folder, names in found.items()}

    def is_dir(self, path: str) -> bool:
        """Whether ``path`` (relative, "" for the root) is a folder of the source."""
        return path in self.children


@dataclass(slots=True)
class _Staging:
    """The artifact being made: its files' content and its folders (empty ones too)."""

    files: dict[str, bytes] = field(default_factory=dict)
    dirs: set[str] = field(default_factory=lambda: {""})

    def mkdir(self, path: str) -> None:
        while path not in self.dirs:
            if path in self.files:
                raise CopyError(f"'{path}' is a file, not a directory")
            self.dirs.add(path)
            path = posixpath.dirname(path)

    def write(self, path: str, content: bytes) -> None:
        if path in self.dirs:
            raise CopyError(f"'{path}' is a directory")
        self.mkdir(posixpath.dirname(path))
        self.files[path] = content


def build_artifact(
    operations: Sequence[CopyOperation], sources: Mapping[str, Mapping[str, Path]]
) -> dict[str, bytes]:
    """The files of an artifact made by ``operations``, applied in order.

    Args:
        operations: the copy operations of one artifact.
        sources: alias -> the files of that source (relative path -> local file), as
            :func:`.sourceignore.artifact_files` reads them.

    Returns:
        Relative path -> content, less what source-controller's default ignore rules leave
        out of an archive.

    Raises:
        CopyError: an operation source-watcher would fail on (the message says why).
    """
    trees = {alias: SourceTree(files) for alias, files in sources.items()}
    staging = _Staging()
    for operation in operations:
        try:
            _apply(operation, trees, staging)
        except CopyError as error:
            raise CopyError(
                f"copy from '{operation.source}' to '{operation.to}': {error}"
            ) from None
    return {path: data for path, data in staging.files.items() if not DEFAULT_RULES.ignores(path)}


def _apply(operation: CopyOperation, trees: Mapping[str, SourceTree], staging: _Staging) -> None:
    if not operation.source.startswith("@") or "/" not in operation.source:
        raise CopyError("source must be '@alias/pattern'")
    alias, pattern = operation.source[1:].split("/", 1)
    if not operation.to.startswith("@artifact/"):
        raise CopyError("destination must start with '@artifact/'")
    destination = _clean(operation.to.removeprefix("@artifact/"))
    if destination.startswith("../") or destination == "..":
        raise CopyError("destination is outside the artifact")
    if operation.strategy not in STRATEGIES:
        raise CopyError(f"unknown strategy '{operation.strategy}' (one of {', '.join(STRATEGIES)})")
    tree = trees.get(alias)
    if tree is None:
        raise CopyError(f"source alias '{alias}' not found")
    for exclude in operation.exclude:
        try:
            doublestar_match(exclude, ".")
        except GlobError:
            raise CopyError(f"invalid exclude pattern '{exclude}'") from None
    if not has_glob(pattern):
        _copy_single(operation, tree, _clean(pattern), staging, destination)
        return
    try:
        matches = (
            _extract_glob(tree, pattern)
            if operation.strategy == "Extract"
            else _glob(tree, pattern)
        )
    except GlobError:
        raise CopyError(f"invalid glob pattern '{pattern}': syntax error in pattern") from None
    if not matches:
        raise CopyError(f"no files match pattern '{pattern}' in source '{alias}'")
    base = _selection_root(pattern)
    kept = [
        m for m in matches if m not in (".", "..") and not _excluded(m, base, operation.exclude)
    ]
    if not kept:
        raise CopyError(f"all files matching pattern '{pattern}' in source '{alias}' were excluded")
    prefix = pattern.removesuffix("/**") if pattern.endswith("/**") else None
    for match in kept:
        if operation.strategy == "Extract":
            if match.lower().endswith(_TARBALL):
                _extract(tree.files[match], match, staging, destination)
            continue
        if prefix is not None and match.startswith(f"{prefix}/"):
            target = _join(destination, match[len(prefix) + 1 :])
        else:
            target = _join(destination, match)
        _copy(operation, tree, match, staging, target, base)


def _copy_single(
    operation: CopyOperation, tree: SourceTree, path: str, staging: _Staging, destination: str
) -> None:
    """A pattern naming one file or folder: ``cp`` semantics."""
    source = "" if path == "." else path
    if source.startswith("../") or source == "..":
        raise CopyError(f"source '{path}' is outside the source")
    if tree.is_dir(source):
        if operation.strategy == "Extract":
            raise CopyError(f"extract strategy is not supported for directories, got '{path}'")
        target = _join(destination, posixpath.basename(source))
        _copy(operation, tree, source, staging, target, source or ".")
        return
    if source not in tree.files:
        raise CopyError(f"source '{path}' does not exist")
    if _excluded(source, ".", operation.exclude):
        return
    if operation.strategy == "Extract":
        if not source.lower().endswith(_TARBALL):
            raise CopyError(
                f"extract strategy requires tarball file (.tar.gz or .tgz), got '{source}'"
            )
        _extract(tree.files[source], source, staging, destination)
        return
    if operation.to.endswith("/") or destination in staging.dirs:
        destination = _join(destination, posixpath.basename(source))
    _copy(operation, tree, source, staging, destination, ".")


def _copy(
    operation: CopyOperation,
    tree: SourceTree,
    source: str,
    staging: _Staging,
    target: str,
    base: str,
) -> None:
    """Copy a file or, recursively, a folder; only a file copied by itself is merged."""
    if not tree.is_dir(source):
        data = tree.files[source].read_bytes()
        if operation.strategy == "Merge" and (target in staging.files or target in staging.dirs):
            if target in staging.dirs:
                raise CopyError(f"cannot merge into '{target}': it is a directory")
            data = _merge(staging.files[target], data, source)
        staging.write(target, data)
        return
    staging.mkdir(target)
    for path, is_dir in _walk(tree, source, base, operation.exclude):
        relative = path[len(source) + 1 :] if source else path
        if is_dir:
            staging.mkdir(_join(target, relative))
        else:
            staging.write(_join(target, relative), tree.files[path].read_bytes())


def _walk(
    tree: SourceTree, folder: str, base: str, exclude: Sequence[str]
) -> Iterator[tuple[str, bool]]:
    """What is below ``folder`` in lexical order, as Go's WalkDir; excluded folders pruned."""
    for name in tree.children.get(folder, []):
        path = f"{folder}/{name}" if folder else name
        if _excluded(path, base, exclude):
            continue
        is_dir = tree.is_dir(path)
        yield path, is_dir
        if is_dir:
            yield from _walk(tree, path, base, exclude)


def _glob(tree: SourceTree, pattern: str) -> list[str]:
    """Go's ``fs.Glob``: one path segment per pattern segment, ``**`` being ``*``."""
    go_match(pattern, "")
    if not any(c in pattern for c in "*?[\\"):
        return [pattern] if pattern in tree.files or tree.is_dir(pattern) else []
    folder, _, name = pattern.rpartition("/")
    if not any(c in folder for c in "*?[\\"):
        return _glob_in(tree, folder, name)
    return [match for parent in _glob(tree, folder) for match in _glob_in(tree, parent, name)]


def _glob_in(tree: SourceTree, folder: str, pattern: str) -> list[str]:
    return [
        f"{folder}/{name}" if folder else name
        for name in tree.children.get(folder, [])
        if go_match(pattern, name)
    ]


def _extract_glob(tree: SourceTree, pattern: str) -> list[str]:
    """The files matching a doublestar pattern, as the Extract strategy globs (in walk order)."""
    doublestar_match(pattern, "")
    found = [path for path in tree.files if doublestar_match(pattern, path)]
    return sorted(found, key=lambda path: path.split("/"))


def _selection_root(pattern: str) -> str:
    """The literal folder before the first pattern segment ("." for none)."""
    parts = []
    for part in _clean(pattern).split("/"):
        if has_glob(part):
            break
        parts.append(part)
    return "/".join(p for p in parts if p) or "."


def _excluded(path: str, base: str, patterns: Sequence[str]) -> bool:
    """Whether ``exclude`` drops ``path``: from the source root, or from ``base``."""
    if _matches_any(path, patterns):
        return True
    if base in (".", ""):
        return False
    relative = posixpath.relpath(path, base)
    if relative == "." or relative == ".." or relative.startswith("../") or relative == path:
        return False
    return _matches_any(relative, patterns)


def _matches_any(path: str, patterns: Sequence[str]) -> bool:
    name = posixpath.basename(path)
    return any(
        doublestar_match(pattern, path) or ("/" not in pattern and doublestar_match(pattern, name))
        for pattern in patterns
    )


def _merge(existing: bytes, overlay: bytes, source: str) -> bytes:
    merged = merge_values(_yaml_map(existing, source), _yaml_map(overlay, source))
    return yaml.safe_dump(merged, sort_keys=True, default_flow_style=False).encode()


def _yaml_map(data: bytes, source: str) -> dict[Any, Any]:
    """Every document of a YAML stream merged into one mapping, as source-watcher reads it."""
    merged: dict[Any, Any] = {}
    try:
        documents = yaml_values(text_of(data, source), source)
    except InputError as error:
        raise CopyError(f"cannot merge '{source}': {error.diagnostic.message}") from None
    for document in documents:
        if document is None:
            continue
        if not isinstance(document, dict):
            raise CopyError(f"cannot merge '{source}': a YAML document is not a mapping")
        merged = merge_values(merged, _json_keys(document))
    return merged


def _json_keys(value: Any) -> Any:
    """Mapping keys as strings, as source-watcher's YAML library (by way of JSON) has them."""
    if isinstance(value, dict):
        return {_json_key(key): _json_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_keys(item) for item in value]
    return value


def _json_key(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return "null" if key is None else str(key)


def _extract(archive: Path, name: str, staging: _Staging, destination: str) -> None:
    """Unpack a tarball's files and folders into ``destination``.

    Links are not unpacked: an artifact's archive holds regular files only, so they would
    not reach the built artifact anyway.
    """
    staging.mkdir(destination)
    try:
        with tarfile.open(fileobj=io.BytesIO(archive.read_bytes()), mode="r:*") as tar:
            for member in tar:
                path = _clean(member.name.lstrip("/"))
                if path == ".." or path.startswith("../"):
                    raise CopyError(f"'{name}': entry '{member.name}' is outside the archive")
                if member.isdir():
                    staging.mkdir(_join(destination, path))
                elif member.isfile():
                    content = tar.extractfile(member)
                    if content is not None:
                        staging.write(_join(destination, path), content.read())
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise CopyError(f"failed to extract tarball '{name}': {error}") from None


def _clean(path: str) -> str:
    """A path as Go's ``path.Clean`` makes it, relative ("" for the root)."""
    cleaned = posixpath.normpath(path or ".").lstrip("/")
    return "" if cleaned == "." else cleaned


def _join(*parts: str) -> str:
    return _clean("/".join(p for p in parts if p))


def write_artifact(files: Mapping[str, bytes], into: Path) -> Path:
    """The folder, under ``into``, holding ``files``: named by their hash, written once."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + hashlib.sha256(files[path]).digest())
    folder = into / digest.hexdigest()[:32]
    if folder.is_dir():
        return folder
    staging = into / f".staging-{os.getpid()}-{digest.hexdigest()[:8]}"
    for path, data in files.items():
        target = staging.joinpath(*path.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    staging.mkdir(parents=True, exist_ok=True)
    try:
        staging.rename(folder)
    except OSError:
        # Made meanwhile by an identical artifact: the same content, keep that one.
        shutil.rmtree(staging)
    return folder
