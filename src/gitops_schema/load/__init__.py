"""LOAD: files, folders, streams and git revisions to positioned documents.

Knows nothing of kinds: that is :mod:`gitops_schema.model`'s business. Every problem with
the input is a diagnostic; only an unreadable path or revision raises
:class:`~gitops_schema.errors.LoadError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from gitops_schema.diagnostics import Diagnostic, Report
from gitops_schema.errors import LoadError
from gitops_schema.load.document import Document
from gitops_schema.load.files import display_path, excluded, select, walk
from gitops_schema.load.gc import paused_gc
from gitops_schema.load.parsed import parsed_key, storable, stored_documents
from gitops_schema.load.plain import InputError, read_file
from gitops_schema.load.reader import (
    LoadOptions,
    decode,
    read_bytes,
    too_large,
    too_many_documents,
)
from gitops_schema.load.tree import Position, YamlMap, YamlSeq, from_plain

__all__ = [
    "Document",
    "LoadOptions",
    "LoadResult",
    "Position",
    "YamlMap",
    "YamlSeq",
    "from_plain",
    "list_files",
    "load_bytes",
    "load_paths",
]


@dataclass(slots=True)
class LoadResult:
    """The documents read, the files they came from, and what went wrong."""

    documents: list[Document] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    texts: dict[str, str] = field(default_factory=dict)
    """The decoded text of each file read, to quote lines and find inline comments."""

    def add(self, file: str, data: bytes, options: LoadOptions, *, name: str | None = None) -> None:
        """Parse one file's bytes into this result, within the documents left to read.

        ``name`` is the file's path relative to the folder read, which its documents are
        kept under in ``options.parsed`` (by default, ``file``).
        """
        left = options.max_documents - len(self.documents)
        if left <= 0:
            if not any(d.rule == "yaml-document-limit" for d in self.report):
                self.report.add(too_many_documents(file))
            return
        bounded = replace(options, max_documents=left)
        documents, diagnostics, text = _read(data, file, name or file, bounded)
        self.files.append(file)
        self.documents.extend(documents)
        self.report.extend(diagnostics)
        if text is not None:
            self.texts[file] = text

    def merge(self, other: LoadResult) -> None:
        """Add another result's documents, files, texts and diagnostics to this one."""
        self.documents.extend(other.documents)
        self.files.extend(other.files)
        self.report.extend(other.report)
        self.texts.update(other.texts)


def _read(
    data: bytes, file: str, name: str, options: LoadOptions
) -> tuple[list[Document], list[Diagnostic], str | None]:
    """:func:`read_bytes`, or the file's documents read back from ``options.parsed``."""
    store = options.parsed
    if store is None:
        return read_bytes(data, file, options)
    key = parsed_key(data, name, (options.max_file_size, options.max_expanded_nodes))
    entry = store.get(key, documents=list)
    documents = stored_documents(entry, file) if entry is not None else None
    if documents is not None and len(documents) <= options.max_documents:
        text, _ = decode(data, file)
        if text is not None:
            return documents, [], text
    documents, diagnostics, text = read_bytes(data, file, options)
    entry = storable(documents, diagnostics) if text is not None else None
    if entry is not None:
        store.put(key, entry)
    return documents, diagnostics, text


def load_bytes(data: bytes, name: str, options: LoadOptions | None = None) -> LoadResult:
    """Load one stream (stdin, an upload) under a display name."""
    result = LoadResult()
    with paused_gc():
        result.add(name, data, options or LoadOptions())
    return result


def load_paths(
    paths: Sequence[str | Path],
    *,
    revision: str | None = None,
    options: LoadOptions | None = None,
) -> LoadResult:
    """Load files and folders, from the work tree or, with ``revision``, from git.

    Folders are walked for ``.yaml``, ``.yml`` and ``.json`` files (see
    :func:`gitops_schema.load.files.select`); a file named explicitly is always read.

    Raises:
        LoadError: a path that does not exist, or a revision that cannot be resolved.
    """
    opts = options or LoadOptions()
    result = LoadResult()
    with paused_gc():
        for raw in paths:
            base = str(raw)
            if revision is None:
                _load_work_tree(Path(base), base, opts, result)
            else:
                _load_revision(Path(base), base, revision, opts, result)
    return result


def list_files(
    paths: Sequence[str | Path], *, revision: str | None = None, exclude: Sequence[str] = ()
) -> list[str]:
    """Every file under the paths (display paths), YAML or not, hidden folders pruned.

    What rules that check references (a kustomization's resources, a values file) look in.
    """
    found: list[str] = []
    for raw in paths:
        base, path = str(raw), Path(raw)
        if revision is not None:
            from gitops_schema.load.git import GitTree  # only to read a revision

            tree = GitTree(path if path.is_dir() else path.parent, revision)
            names = [f.path for f in tree.files()]
        elif path.is_dir():
            names = list(walk(path))
        else:
            found.append(base)
            continue
        found.extend(display_path(base, n) for n in names if not excluded(n, exclude))
    return found


def _load_work_tree(path: Path, base: str, options: LoadOptions, result: LoadResult) -> None:
    if path.is_dir():
        for relative in select(walk(path), options.exclude):
            _read_file(path / relative, display_path(base, relative), options, result, relative)
    elif path.exists():
        # A FIFO or device named on the command line is refused by _read_file, not "missing".
        _read_file(path, base, options, result, base)
    else:
        raise LoadError(f"{base}: no such file or folder")


def _read_file(path: Path, shown: str, options: LoadOptions, result: LoadResult, name: str) -> None:
    try:
        path.stat()
    except OSError as error:
        raise LoadError(f"{shown}: cannot read: {error.strerror}") from error
    try:
        data = read_file(path, shown, options)
    except InputError as error:
        # Not a regular file (a FIFO would block, /dev/zero never ends), or over the cap.
        result.files.append(shown)
        result.report.add(error.diagnostic)
        return
    result.add(shown, data, options, name=name)


def _load_revision(
    path: Path, base: str, revision: str, options: LoadOptions, result: LoadResult
) -> None:
    if not path.exists() and not path.parent.exists():
        raise LoadError(f"{base}: no such file or folder")
    from gitops_schema.load.git import GitTree  # only to read a revision

    tree = GitTree(path if path.is_dir() else path.parent, revision)
    wanted = {path.name} if path.exists() and not path.is_dir() else None
    files = {f.path: f for f in tree.files()}
    names = sorted(wanted & files.keys()) if wanted else select(files, options.exclude)
    if wanted and not names:
        raise LoadError(f"{base} does not exist at revision {revision}")
    shown = {name: base if wanted else display_path(base, name) for name in names}
    problems = {name: too_large(shown[name], files[name].size, options) for name in names}
    # Read by one streaming git process, in the order they are added.
    contents = tree.contents([files[name] for name in names if problems[name] is None])
    for name in names:
        problem = problems[name]
        if problem is not None:
            result.files.append(shown[name])
            result.report.add(problem)
            continue
        _, content = next(contents)
        result.add(shown[name], content, options, name=name)
