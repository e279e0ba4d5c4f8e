"""Flux ExternalArtifacts, made offline as source-watcher's ArtifactGenerator makes them.

An ArtifactGenerator (``source.extensions.fluxcd.io``) copies files of its sources into
new artifacts, which Kustomizations then use as ``sourceRef.kind: ExternalArtifact``. Each
artifact is made here into a folder named by the hash of its content, so a render of it is
cached like a render of any folder.

How files are copied is :mod:`.artifact_copy`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from gitops_schema.diagnostics import Report, Severity
from gitops_schema.location import Location
from gitops_schema.model import GitOpsObject
from gitops_schema.model.flux_source import GitRepository, OCIRepository
from gitops_schema.model.identity import ObjectId, object_id
from gitops_schema.render.artifact_copy import (
    CopyError,
    CopyOperation,
    SourceTree,
    build_artifact,
    write_artifact,
)
from gitops_schema.render.flux_source import SourceFolders, source_id, source_key, source_keyed
from gitops_schema.render.sourceignore import (
    artifact_files,
)

__all__ = ["ClusterArtifacts", "generators_beside", "is_generator"]

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


@dataclass(frozen=True, slots=True)
class _Source:
    alias: str
    kind: str
    key: ObjectId


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

    def produces(self) -> set[ObjectId]:
        """The ExternalArtifacts it names without a pathPattern (those are known up front)."""
        if self.path_pattern is not None:
            return set()
        return {source_id("ExternalArtifact", self.namespace, a.name) for a in self.artifacts}


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
        generator.sources.append(_Source(alias, kind, source_id(kind, source_namespace, name)))
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
    for folder in _folders(SourceTree(trees[alias]), ""):
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


def _folders(tree: SourceTree, folder: str) -> Iterator[str]:
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
        repos: SourceFolders,
        objects: Sequence[GitOpsObject] = (),
    ) -> None:
        """A store with no artifact yet.

        Args:
            folder: where the artifacts are written.
            repository: the repository rendered; a GitRepository source is read from it.
            repos: the user's mappings (source -> folder), which come first; repository
                URLs among them are left out.
            objects: the repository's objects: the ``spec.ignore`` of the GitRepositories and
                OCIRepositories among them applies to those sources.
        """
        self._folder = folder
        self._repository = repository
        self._repos = source_keyed(repos)
        self._ignores: dict[ObjectId, str | None] = {}
        for obj in objects:
            if isinstance(obj.model, GitRepository | OCIRepository) and not obj.is_patch:
                key = source_id(obj.kind, obj.namespace or "default", obj.name)
                self._ignores.setdefault(key, obj.model.spec.ignore)
        self._made: dict[str, dict[ObjectId, Path]] = {}
        self._by: dict[tuple[str, ObjectId], _Generator] = {}
        self._trees: dict[tuple[Path, bool, str | None], dict[str, Path]] = {}

    def sources(self, cluster: str, given: SourceFolders) -> dict[str, Path]:
        """``given`` (the sources the user mapped) and the cluster's artifacts, ``given`` first.

        Keyed ``Kind/namespace/name``, as ``--repo`` and the Flux renders take them.
        """
        found = {**self._made.get(cluster, {}), **source_keyed(given)}
        return {source_key(source): folder for source, folder in found.items()}

    def add(
        self,
        cluster: str,
        generators: Iterable[tuple[GitOpsObject, Location]],
        given: SourceFolders,
    ) -> Report:
        """Make the artifacts of ``generators`` (each with where to report it) on ``cluster``.

        Args:
            cluster: the cluster that applies them.
            generators: ArtifactGenerator objects; one already made on the cluster is
                skipped, another of the same name is reported.
            given: source (its identity or ``Kind/namespace/name``) -> folder, as the
                renders get them.

        Returns:
            Diagnostics (``render-flux-artifact-*``) for what cannot be made offline.
        """
        report = Report()
        folders = source_keyed(given)
        pending = []
        for obj, where in generators:
            key = (cluster, object_id(obj)._replace(namespace=obj.namespace or "default"))
            first = self._by.get(key)
            if first is not None:
                if first.obj.document.data != obj.document.data:
                    report.emit(
                        "render-flux-artifact-duplicate",
                        Severity.ERROR,
                        f"ArtifactGenerator {obj.namespace or 'default'}/{obj.name} on cluster "
                        f"{cluster!r} is already "
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
            waiting: set[ObjectId] = set()
            for generator in pending:
                waiting |= generator.produces()
            ready = [
                g for g in pending if not any(s.key in waiting - g.produces() for s in g.sources)
            ] or pending
            for generator in ready:
                self._make(cluster, generator, folders, report)
            pending = [g for g in pending if g not in ready]
        return report

    def _make(
        self, cluster: str, generator: _Generator, given: Mapping[ObjectId, Path], report: Report
    ) -> None:
        trees: dict[str, Mapping[str, Path]] = {}
        for index, source in enumerate(generator.sources):
            found = self._source_files(cluster, source, given)
            if found is None:
                report.emit(
                    "render-flux-artifact-source-unavailable",
                    Severity.ERROR,
                    f"ArtifactGenerator {generator.namespace}/{generator.obj.name}: source "
                    f"{source_key(source.key)} is not available offline; map it to a folder "
                    f"with --repo {source_key(source.key)}=DIR",
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
            key = source_id("ExternalArtifact", generator.namespace, artifact.name)
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
                    f"{source_key(key)} on cluster {cluster!r} is made by another "
                    "ArtifactGenerator too; "
                    "this one is not used",
                    generator.locate("spec", "artifacts", artifact.index),
                )
                continue
            self._folder.mkdir(parents=True, exist_ok=True)
            made[key] = write_artifact(files, self._folder)

    def _source_files(
        self, cluster: str, source: _Source, given: Mapping[ObjectId, Path]
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
        ignore = self._ignores.get(source.key)
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
