"""Flux ExternalArtifacts, made offline as source-watcher's ArtifactGenerator makes them.

An ArtifactGenerator (``source.extensions.fluxcd.io``) copies files of its sources into
new artifacts, which Kustomizations then use as ``sourceRef.kind: ExternalArtifact``. Each
artifact is made here into a folder named by the hash of its content, so a render of it is
cached like a render of any folder.

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
import re
import shutil
import tarfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from gitops_schema.diagnostics import Report, Severity
from gitops_schema.location import Location
from gitops_schema.model import GitOpsObject
from gitops_schema.render.manifests import find_object
from gitops_schema.render.sourceignore import (
    DEFAULT_RULES,
    GlobError,
    artifact_files,
    doublestar_match,
    go_match,
    has_glob,
)

__all__ = [
    "ClusterArtifacts",
    "CopyError",
    "CopyOperation",
    "build_artifact",
    "write_artifact",
]

GROUP = "source.extensions.fluxcd.io"
KIND = "ArtifactGenerator"
STRATEGIES = ("Overwrite", "Merge", "Extract")
SOURCE_KINDS = ("GitRepository", "OCIRepository", "Bucket", "HelmChart", "ExternalArtifact")
_FILTERED = frozenset({"GitRepository", "OCIRepository"})
"""Sources source-controller archives through its ignore rules."""
_TARBALL = (".tar.gz", ".tgz")
_ALIAS = re.compile(r"^[a-z0-9]([a-z0-9_-]*[a-z0-9])?$")
_CAPTURE = re.compile(r"\{([^{}]*)\}")
_CAPTURE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


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


# -- the copy ----------------------------------------------------------------------------


@dataclass(slots=True)
class _Tree:
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
    trees = {alias: _Tree(files) for alias, files in sources.items()}
    staging = _Staging()
    for operation in operations:
        try:
            _apply(operation, trees, staging)
        except CopyError as error:
            raise CopyError(
                f"copy from '{operation.source}' to '{operation.to}': {error}"
            ) from None
    return {path: data for path, data in staging.files.items() if not DEFAULT_RULES.ignores(path)}


def _apply(operation: CopyOperation, trees: Mapping[str, _Tree], staging: _Staging) -> None:
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
    operation: CopyOperation, tree: _Tree, path: str, staging: _Staging, destination: str
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
    tree: _Tree,
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
    tree: _Tree, folder: str, base: str, exclude: Sequence[str]
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


def _glob(tree: _Tree, pattern: str) -> list[str]:
    """Go's ``fs.Glob``: one path segment per pattern segment, ``**`` being ``*``."""
    go_match(pattern, "")
    if not any(c in pattern for c in "*?[\\"):
        return [pattern] if pattern in tree.files or tree.is_dir(pattern) else []
    folder, _, name = pattern.rpartition("/")
    if not any(c in folder for c in "*?[\\"):
        return _glob_in(tree, folder, name)
    return [match for parent in _glob(tree, folder) for match in _glob_in(tree, parent, name)]


def _glob_in(tree: _Tree, folder: str, pattern: str) -> list[str]:
    return [
        f"{folder}/{name}" if folder else name
        for name in tree.children.get(folder, [])
        if go_match(pattern, name)
    ]


def _extract_glob(tree: _Tree, pattern: str) -> list[str]:
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
    merged = _deep_merge(_yaml_map(existing, source), _yaml_map(overlay, source))
    return yaml.safe_dump(merged, sort_keys=True, default_flow_style=False).encode()


def _yaml_map(data: bytes, source: str) -> dict[Any, Any]:
    """Every document of a YAML stream merged into one mapping, as source-watcher reads it."""
    merged: dict[Any, Any] = {}
    try:
        for document in yaml.load_all(data, Loader=yaml.CSafeLoader):
            if document is None:
                continue
            if not isinstance(document, dict):
                raise CopyError(f"cannot merge '{source}': a YAML document is not a mapping")
            merged = _deep_merge(merged, _json_keys(document))
    except yaml.YAMLError as error:
        raise CopyError(f"cannot merge '{source}': {error}") from None
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


def _deep_merge(base: Mapping[Any, Any], overlay: Mapping[Any, Any]) -> dict[Any, Any]:
    out = dict(base)
    for key, value in overlay.items():
        current = out.get(key)
        if isinstance(value, Mapping) and isinstance(current, Mapping):
            out[key] = _deep_merge(current, value)
        else:
            out[key] = value
    return out


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


# -- generators --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Source:
    alias: str
    kind: str
    key: str
    """``Kind/namespace/name``."""


@dataclass(frozen=True, slots=True)
class _Artifact:
    name: str
    copy: tuple[CopyOperation, ...]
    index: int
    """Its position in ``spec.artifacts``, to report where it is written."""


@dataclass(slots=True)
class _Generator:
    obj: GitOpsObject
    where: Location
    namespace: str
    sources: list[_Source]
    artifacts: list[_Artifact]
    path_pattern: str | None

    def locate(self, *path: str | int) -> Location:
        """Where a field is written; a rendered generator is reported where it came from."""
        if self.obj.document.file.startswith("<"):
            return self.where
        return self.obj.document.locate(path)

    def produces(self) -> set[str]:
        """The ExternalArtifacts it names without a pathPattern (those are known up front)."""
        if self.path_pattern is not None:
            return set()
        return {f"ExternalArtifact/{self.namespace}/{a.name}" for a in self.artifacts}


def _parse(obj: GitOpsObject, where: Location, report: Report) -> _Generator | None:
    """The generator's spec, or None (reported) when it is not one source-watcher accepts."""
    data = obj.document.data
    spec = data.get("spec") if isinstance(data, Mapping) else None
    namespace = obj.namespace or "default"
    generator = _Generator(obj, where, namespace, [], [], None)

    def invalid(message: str, *path: str | int) -> None:
        report.emit(
            "render-flux-artifact-invalid",
            Severity.ERROR,
            f"ArtifactGenerator {namespace}/{obj.name}: {message}",
            generator.locate(*path),
        )

    if not isinstance(spec, Mapping):
        invalid("spec is missing", "spec")
        return None
    sources, artifacts = spec.get("sources"), spec.get("artifacts")
    if not isinstance(sources, list) or not sources:
        invalid("spec.sources must list at least one source", "spec", "sources")
        return None
    if not isinstance(artifacts, list) or not artifacts:
        invalid("spec.artifacts must list at least one artifact", "spec", "artifacts")
        return None
    aliases: set[str] = set()
    for index, source in enumerate(sources):
        alias = source.get("alias") if isinstance(source, Mapping) else None
        kind = source.get("kind") if isinstance(source, Mapping) else None
        name = source.get("name") if isinstance(source, Mapping) else None
        if not (isinstance(alias, str) and _ALIAS.match(alias)) or alias in aliases:
            invalid(
                f"source {index} needs a unique alias (a-z, 0-9, - and _)", "spec", "sources", index
            )
            return None
        if kind not in SOURCE_KINDS or not isinstance(name, str):
            invalid(
                f"source '{alias}' needs a name and a kind among {', '.join(SOURCE_KINDS)}",
                *("spec", "sources", index),
            )
            return None
        aliases.add(alias)
        source_namespace = source.get("namespace") or namespace
        generator.sources.append(_Source(alias, kind, f"{kind}/{source_namespace}/{name}"))
    for index, artifact in enumerate(artifacts):
        name = artifact.get("name") if isinstance(artifact, Mapping) else None
        copies = artifact.get("copy") if isinstance(artifact, Mapping) else None
        if not isinstance(name, str) or not isinstance(copies, list) or not copies:
            invalid(
                f"artifact {index} needs a name and copy operations", "spec", "artifacts", index
            )
            return None
        operations = []
        for number, entry in enumerate(copies):
            if not (
                isinstance(entry, Mapping)
                and isinstance(entry.get("from"), str)
                and isinstance(entry.get("to"), str)
            ):
                invalid(
                    f"artifact {name}: copy {number} needs 'from' and 'to'",
                    *("spec", "artifacts", index, "copy", number),
                )
                return None
            exclude = entry.get("exclude") or []
            operations.append(
                CopyOperation(
                    entry["from"],
                    entry["to"],
                    tuple(str(e) for e in exclude) if isinstance(exclude, list) else (),
                    str(entry.get("strategy") or "Overwrite"),
                )
            )
        generator.artifacts.append(_Artifact(name, tuple(operations), index))
    pattern = spec.get("pathPattern")
    generator.path_pattern = pattern if isinstance(pattern, str) and pattern else None
    return generator


def _expand(generator: _Generator, trees: Mapping[str, Mapping[str, Path]]) -> list[_Artifact]:
    """The artifacts of a generator: one set per folder its pathPattern matches.

    Raises:
        CopyError: the pattern, a captured folder name or a rendered name is not valid.
    """
    if generator.path_pattern is None:
        return generator.artifacts
    pattern = generator.path_pattern
    if not pattern.startswith("@") or "/" not in pattern:
        raise CopyError(f"invalid pathPattern format: {pattern}")
    alias, relative = pattern[1:].split("/", 1)
    if alias not in trees:
        raise CopyError(f"pathPattern {pattern!r}: source alias {alias} not found")
    names = _CAPTURE.findall(relative)
    if any(brace in _CAPTURE.sub("", relative) for brace in "{}"):
        raise CopyError(f"pathPattern {pattern!r}: unbalanced braces")
    if len(set(names)) != len(names) or not all(_CAPTURE_NAME.match(n) for n in names):
        raise CopyError(f"pathPattern {pattern!r}: capture names must be unique identifiers")
    regex = re.compile(
        "".join(
            f"(?P<{piece[1:-1]}>[^/]+)" if _CAPTURE.fullmatch(piece) else re.escape(piece)
            for piece in re.split(r"(\{[^{}]*\})", relative)
        )
    )
    made: list[_Artifact] = []
    seen: dict[str, str] = {}
    for folder in _folders(_Tree(trees[alias]), ""):
        found = regex.fullmatch(folder)
        if found is None:
            continue
        raw = found.groupdict()
        lowered = {key: value.lower() for key, value in raw.items()}
        for key, value in lowered.items():
            if len(value) > 63 or not _LABEL_VALUE.match(value):
                raise CopyError(
                    f"pathPattern {pattern!r}: captured value {value!r} for variable {key!r} "
                    "is not a valid Kubernetes label value"
                )
        for artifact in generator.artifacts:
            name = _render(artifact.name, lowered)
            if len(name) > 253 or not _DNS_SUBDOMAIN.match(name):
                raise CopyError(
                    f"pathPattern {pattern!r}: rendered artifact name {name!r} is not a valid "
                    "Kubernetes object name"
                )
            if name in seen:
                raise CopyError(
                    f"pathPattern {pattern!r}: directories {seen[name]!r} and {folder!r} both "
                    f"resolve to artifact name {name!r}"
                )
            seen[name] = folder
            copies = tuple(
                CopyOperation(_render(c.source, raw), _render(c.to, raw), c.exclude, c.strategy)
                for c in artifact.copy
            )
            made.append(_Artifact(name, copies, artifact.index))
    return made


def _folders(tree: _Tree, folder: str) -> Iterator[str]:
    for name in tree.children.get(folder, []):
        path = f"{folder}/{name}" if folder else name
        if tree.is_dir(path):
            yield path
            yield from _folders(tree, path)


def _render(template: str, values: Mapping[str, str]) -> str:
    def value(found: re.Match[str]) -> str:
        if found.group(1) not in values:
            raise CopyError(f"invalid template {template!r}: unknown capture {found.group(0)}")
        return values[found.group(1)]

    return _CAPTURE.sub(value, template)


class ClusterArtifacts:
    """The ExternalArtifacts each cluster's ArtifactGenerators make, as local folders.

    Folders are written under ``folder`` (which the caller owns and removes), named by the
    hash of their content: the same artifact on two clusters is one folder.
    """

    def __init__(
        self,
        folder: Path,
        *,
        repository: Path,
        repos: Mapping[str, Path],
        objects: Sequence[GitOpsObject] = (),
    ) -> None:
        """A store with no artifact yet.

        Args:
            folder: where the artifacts are written.
            repository: the repository rendered; a GitRepository source is read from it.
            repos: the user's mappings (``Kind/namespace/name`` -> folder), which come first.
            objects: the repository's objects: the ``spec.ignore`` of the GitRepositories and
                OCIRepositories among them applies to those sources.
        """
        self._folder = folder
        self._repository = repository
        self._repos = dict(repos)
        self._sources = [
            dict(o.document.data) for o in objects if o.kind in _FILTERED and not o.is_patch
        ]
        self._made: dict[str, dict[str, Path]] = {}
        self._by: dict[tuple[str, str], _Generator] = {}
        self._trees: dict[tuple[Path, bool, str | None], dict[str, Path]] = {}

    def sources(self, cluster: str, given: Mapping[str, Path]) -> dict[str, Path]:
        """``given`` (the sources the user mapped) and the cluster's artifacts, ``given`` first."""
        return {**self._made.get(cluster, {}), **given}

    def add(
        self,
        cluster: str,
        generators: Iterable[tuple[GitOpsObject, Location]],
        given: Mapping[str, Path],
    ) -> Report:
        """Make the artifacts of ``generators`` (each with where to report it) on ``cluster``.

        Args:
            cluster: the cluster that applies them.
            generators: ArtifactGenerator objects; one already made on the cluster is
                skipped, another of the same name is reported.
            given: source ``Kind/namespace/name`` -> folder, as the renders get them.

        Returns:
            Diagnostics (``render-flux-artifact-*``) for what cannot be made offline.
        """
        report = Report()
        pending = []
        for obj, where in generators:
            key = (cluster, f"{obj.namespace or 'default'}/{obj.name}")
            first = self._by.get(key)
            if first is not None:
                if first.obj.document.data != obj.document.data:
                    report.emit(
                        "render-flux-artifact-duplicate",
                        Severity.ERROR,
                        f"ArtifactGenerator {key[1]} on cluster {cluster!r} is already "
                        f"defined at {first.where}; this definition is not rendered",
                        where,
                    )
                continue
            parsed = _parse(obj, where, report)
            if parsed is not None:
                self._by[key] = parsed
                pending.append(parsed)
        # A generator may read another's artifact: make those first.
        while pending:
            waiting: set[str] = set()
            for generator in pending:
                waiting |= generator.produces()
            ready = [
                g for g in pending if not any(s.key in waiting - g.produces() for s in g.sources)
            ] or pending
            for generator in ready:
                self._make(cluster, generator, given, report)
            pending = [g for g in pending if g not in ready]
        return report

    def _make(
        self, cluster: str, generator: _Generator, given: Mapping[str, Path], report: Report
    ) -> None:
        trees: dict[str, Mapping[str, Path]] = {}
        for index, source in enumerate(generator.sources):
            found = self._source_files(cluster, source, given)
            if found is None:
                report.emit(
                    "render-flux-artifact-source-unavailable",
                    Severity.ERROR,
                    f"ArtifactGenerator {generator.namespace}/{generator.obj.name}: source "
                    f"{source.key} is not available offline; map it to a folder with "
                    f"--repo {source.key}=DIR",
                    generator.locate("spec", "sources", index),
                )
            else:
                trees[source.alias] = found
        if len(trees) < len(generator.sources):
            return
        try:
            artifacts = _expand(generator, trees)
        except CopyError as error:
            report.emit(
                "render-flux-artifact-invalid",
                Severity.ERROR,
                f"ArtifactGenerator {generator.namespace}/{generator.obj.name}: {error}",
                generator.locate("spec", "pathPattern"),
            )
            return
        made = self._made.setdefault(cluster, {})
        for artifact in artifacts:
            key = f"ExternalArtifact/{generator.namespace}/{artifact.name}"
            try:
                files = build_artifact(artifact.copy, trees)
            except CopyError as error:
                report.emit(
                    "render-flux-artifact-copy-failed",
                    Severity.ERROR,
                    f"ArtifactGenerator {generator.namespace}/{generator.obj.name}, artifact "
                    f"{artifact.name}: {error}",
                    generator.locate("spec", "artifacts", artifact.index),
                )
                continue
            if key in made:
                report.emit(
                    "render-flux-artifact-duplicate",
                    Severity.ERROR,
                    f"{key} on cluster {cluster!r} is made by another ArtifactGenerator too; "
                    "this one is not used",
                    generator.locate("spec", "artifacts", artifact.index),
                )
                continue
            self._folder.mkdir(parents=True, exist_ok=True)
            made[key] = write_artifact(files, self._folder)

    def _source_files(
        self, cluster: str, source: _Source, given: Mapping[str, Path]
    ) -> Mapping[str, Path] | None:
        folder = given.get(source.key) or self._repos.get(source.key)
        if folder is None and source.kind == "GitRepository":
            folder = self._repository
        if folder is None and source.kind == "ExternalArtifact":
            # Made here: already as its archive holds it.
            made = self._made.get(cluster, {}).get(source.key)
            return None if made is None else self._files(made, False, None)
        if folder is None or not folder.is_dir():
            return None
        kind, namespace, name = source.key.split("/", 2)
        defined = find_object(self._sources, kind, namespace, name)
        spec = (defined or {}).get("spec") or {}
        ignore = spec.get("ignore") if isinstance(spec.get("ignore"), str) else None
        return self._files(folder, source.kind in _FILTERED, ignore)

    def _files(self, folder: Path, filtered: bool, ignore: str | None) -> dict[str, Path]:
        key = (folder, filtered, ignore)
        if key not in self._trees:
            self._trees[key] = artifact_files(folder, ignore=ignore, filtered=filtered)
        return self._trees[key]


def generators_beside(
    entries: Iterable[tuple[str, GitOpsObject]], objects: Iterable[GitOpsObject]
) -> dict[str, list[tuple[GitOpsObject, Location]]]:
    """Cluster -> the ArtifactGenerators beside its entry points.

    Those are written in the folder of one of the cluster's entry points, or below it: what
    the cluster's own sync applies along with them.
    """
    folders: dict[str, set[PurePosixPath]] = {}
    for cluster, entry in entries:
        folders.setdefault(cluster, set()).add(PurePosixPath(entry.document.file).parent)
    found: dict[str, list[tuple[GitOpsObject, Location]]] = {}
    for obj in objects:
        if not is_generator(obj):
            continue
        where = PurePosixPath(obj.document.file).parent
        for cluster, tops in folders.items():
            if any(where == top or top in where.parents for top in tops):
                found.setdefault(cluster, []).append((obj, obj.location))
    return found


def is_generator(obj: GitOpsObject) -> bool:
    """Whether an object is a source-watcher ArtifactGenerator."""
    return obj.kind == KIND and obj.api_version.startswith(f"{GROUP}/") and not obj.is_patch
