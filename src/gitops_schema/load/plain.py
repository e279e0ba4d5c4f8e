"""Files and text read as plain data, through the checks every loaded file goes through.

What render reads besides the repository's objects — values files, ``Chart.yaml``, patches,
file parameters, manifests of a folder, an engine's output — comes here: only regular
files, the size cap, the encoding check, YAML with the alias bound and the depth guard of
:mod:`.yaml`. Whatever is wrong becomes an :class:`InputError` holding a diagnostic with
the file, line and column, which the reader reports for the application it renders.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from gitops_schema.codes import CODES
from gitops_schema.codes.reading import FILE_NOT_REGULAR, YAML_ALIAS_LIMIT, YAML_SYNTAX
from gitops_schema.diagnostics import Diagnostic
from gitops_schema.load.reader import LoadOptions, decode, too_large
from gitops_schema.load.yaml import DEFAULT_MAX_EXPANDED_NODES, parse_documents, syntax_diagnostic
from gitops_schema.location import Location

__all__ = [
    "InputError",
    "bounded",
    "first_yaml_value",
    "mapping_of",
    "read_file",
    "read_text",
    "read_yaml_mapping",
    "text_of",
    "to_plain",
    "yaml_error",
    "yaml_values",
]


class InputError(ValueError):
    """A file or text that cannot be read as what it should be; ``diagnostic`` says where."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(f"{diagnostic.location}: {diagnostic.message}")
        self.diagnostic = diagnostic


def read_file(path: Path, shown: str | None = None, options: LoadOptions | None = None) -> bytes:
    """The bytes of a regular file, within the size cap.

    Opened without blocking and checked before a byte is read, so a FIFO or a device
    named ``values.yaml`` is refused instead of hanging or filling memory.

    Raises:
        InputError: not a regular file, too large, or unreadable.
    """
    name = shown or str(path)
    opts = options or LoadOptions()
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise _error(FILE_NOT_REGULAR.id, f"cannot read: {error.strerror}", name) from error
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(
                FILE_NOT_REGULAR.at(
                    "not a regular file (a FIFO, device or socket); not read", Location(name)
                )
            )
        problem = too_large(name, info.st_size, opts)
        if problem is not None:
            raise InputError(problem)
        with os.fdopen(handle, "rb", closefd=False) as stream:
            # One byte past the cap: a file that grew since fstat is still caught.
            data = stream.read(opts.max_file_size + 1)
    except OSError as error:
        raise _error(FILE_NOT_REGULAR.id, f"cannot read: {error.strerror}", name) from error
    finally:
        os.close(handle)
    problem = too_large(name, len(data), opts)
    if problem is not None:
        raise InputError(problem)
    return data


def read_text(path: Path, shown: str | None = None, options: LoadOptions | None = None) -> str:
    """The text of a regular file: UTF-8 (or UTF-16/32 with a byte-order mark), not binary.

    Raises:
        InputError: as :func:`read_file`, or bytes that are not such text.
    """
    name = shown or str(path)
    return text_of(read_file(path, name, options), name)


def yaml_values(text: str, file: str, options: LoadOptions | None = None) -> list[Any]:
    """Every non-empty document of a YAML stream as plain data (dicts, lists, scalars).

    Scalars are read as Kubernetes reads them (see :mod:`.scalars`); a duplicate key keeps
    its last value, as Helm and Kubernetes do.

    Raises:
        InputError: a syntax error, an alias bomb or a document nested too deeply.
    """
    limit = (options or LoadOptions()).max_expanded_nodes
    parsed, diagnostics = parse_documents(text, file, max_expanded_nodes=limit)
    for diagnostic in diagnostics:
        if diagnostic.rule != "yaml-duplicate-key":
            raise InputError(diagnostic)
    try:
        return [to_plain(document.data) for document in parsed]
    except RecursionError:
        raise _error(YAML_SYNTAX.id, "the document is nested too deeply to read", file) from None


def text_of(data: bytes, file: str) -> str:
    """Bytes as text, as :func:`read_text` decodes a file's.

    Raises:
        InputError: binary data, or bytes that are not UTF-8 (nor UTF-16/32 with a BOM).
    """
    text, problem = decode(data, file)
    if text is None:
        assert problem is not None
        raise InputError(problem)
    return text


def first_yaml_value(text: str, file: str, options: LoadOptions | None = None) -> Any:
    """The first document of a YAML stream as plain data, None when there is none.

    Raises:
        InputError: as :func:`yaml_values`.
    """
    documents = yaml_values(text, file, options)
    return documents[0] if documents else None


def read_yaml_mapping(
    path: Path, shown: str | None = None, options: LoadOptions | None = None
) -> dict[str, Any]:
    """A file holding one YAML mapping (a values file, a ``Chart.yaml``); empty is ``{}``.

    Raises:
        InputError: as :func:`read_text` and :func:`yaml_values`, or a first document that
            is not a mapping (a list, a string).
    """
    name = shown or str(path)
    return mapping_of(first_yaml_value(read_text(path, name, options), name, options), name)


def mapping_of(value: Any, file: str) -> dict[str, Any]:
    """``value`` when it is a mapping, ``{}`` for null.

    Raises:
        InputError: anything else, named by its type.
    """
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    found = "a list" if isinstance(value, list) else f"the scalar {str(value)[:40]!r}"
    raise InputError(YAML_SYNTAX.at(f"expected a mapping, found {found}", Location(file, 1, 1)))


def to_plain(value: Any) -> Any:
    """Loaded containers (or any dict/list tree) as plain ``dict`` and ``list``."""
    if isinstance(value, dict):
        return {key: to_plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_plain(item) for item in value]
    return value


def bounded(value: Any, file: str, limit: int = DEFAULT_MAX_EXPANDED_NODES) -> None:
    """Check that data built by another YAML reader stays within the loader's alias bound.

    PyYAML shares an aliased node between its uses, so an alias bomb is small in memory
    until something walks it; a node that contains itself never ends. This counts the
    values ``value`` expands to, each shared node once, and refuses cycles.

    Raises:
        InputError: more than ``limit`` values, or a node that contains itself.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: Any) -> int:
        if not isinstance(node, dict | list):
            return 1
        key = id(node)
        known = sizes.get(key)
        if known is not None:
            return known
        if key in active:
            raise _error(YAML_ALIAS_LIMIT.id, "an alias refers to the node that contains it", file)
        active.add(key)
        items = node.values() if isinstance(node, dict) else node
        total = 1 + sum(size(item) for item in items)
        active.discard(key)
        if total > limit:
            raise _error(
                YAML_ALIAS_LIMIT.id,
                f"aliases expand this document to more than {limit:,} values (an alias bomb?)",
                file,
            )
        sizes[key] = total
        return total

    try:
        size(value)
    except RecursionError:
        raise _error(YAML_SYNTAX.id, "the document is nested too deeply to read", file) from None


def yaml_error(error: Any, file: str) -> Diagnostic:
    """A PyYAML error (of a reader other than the loader's) as a ``yaml-syntax`` diagnostic."""
    return syntax_diagnostic(error, file, 0)


def _error(rule: str, message: str, file: str) -> InputError:
    return InputError(CODES[rule].at(message, Location(file)))
