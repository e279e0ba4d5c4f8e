"""Parsed files kept by content: a file read before is not parsed again.

A diff renders a revision that differs from the last one rendered by a file or two; its
other files were parsed then. Their documents are stored under the hash of the file's
bytes, its name relative to the folder read (so a git revision's temporary copy and the
work tree share entries) and the loader's limits: a changed, renamed or new file is a
miss and is parsed, a deleted one is simply not read.

Only what reads back exactly as it was parsed is stored: a file parsed without a
diagnostic, whose values are JSON scalars and whose containers are not shared (a YAML
alias makes one value appear twice). Entries are JSON, checked as they are read: what
does not read back as documents is a miss, parsed again.
"""

from __future__ import annotations

import hashlib
from typing import Any, Protocol

from gitops_schema.diagnostics import Diagnostic
from gitops_schema.load.document import Document
from gitops_schema.load.tree import Position, YamlMap, YamlSeq

_SCALARS = (str, int, float, bool, type(None))


class EntryStore(Protocol):
    """Where parsed files are kept (the render cache is one)."""

    def get(self, key: str, **shape: type) -> dict[str, Any] | None:
        """The entry stored under ``key``, when its fields have the types of ``shape``."""

    def put(self, key: str, entry: dict[str, Any]) -> None:
        """Store ``entry`` under ``key``."""


def parsed_key(data: bytes, name: str, limits: tuple[int, ...]) -> str:
    """The key of a file's documents: its bytes, its relative name, the loader's limits."""
    digest = hashlib.sha256(b"parsed\0")
    digest.update(f"{name}\0{limits}\0".encode("utf-8", "surrogatepass"))
    digest.update(data)
    return digest.hexdigest()


def stored_documents(entry: dict[str, Any], file: str) -> list[Document] | None:
    """The documents of a stored entry, told as ``file``'s; None when it does not read back."""
    try:
        return [
            Document(file, _integer(index), _value(data), _position((line, column)), _prefix(path))
            for index, line, column, path, data in entry["documents"]
        ]
    except (KeyError, TypeError, ValueError, RecursionError):
        return None


def storable(documents: list[Document], diagnostics: list[Diagnostic]) -> dict[str, Any] | None:
    """The entry of a file's documents, or None when they would not read back the same."""
    if diagnostics:
        return None
    seen: set[int] = set()
    try:
        encoded = [
            [d.index, d.position[0], d.position[1], list(d.prefix), _encoded(d.data, seen)]
            for d in documents
        ]
    except _NotStorable:
        return None
    return {"documents": encoded}


class _NotStorable(Exception):
    pass


def _encoded(value: Any, seen: set[int]) -> Any:
    if type(value) in _SCALARS:
        return value
    if id(value) in seen:
        raise _NotStorable  # An alias: read back, it would be two values.
    seen.add(id(value))
    if type(value) is YamlMap:
        keys, values = value.key_positions, value.value_positions
        if keys.keys() != value.keys() or values.keys() != value.keys():
            raise _NotStorable
        return {
            "m": list(value.position),
            "k": [[k, *keys[k], *values[k], _encoded(v, seen)] for k, v in value.items()],
        }
    if type(value) is YamlSeq:
        if len(value.item_positions) != len(value):
            raise _NotStorable
        return {
            "s": list(value.position),
            "i": [list(p) for p in value.item_positions],
            "v": [_encoded(v, seen) for v in value],
        }
    raise _NotStorable


def _value(encoded: Any) -> Any:
    if type(encoded) is not dict:
        if type(encoded) in _SCALARS:
            return encoded
        raise TypeError(f"not a stored value: {type(encoded).__name__}")
    if "m" in encoded:
        mapping = YamlMap(_position(encoded["m"]))
        keys, values = mapping.key_positions, mapping.value_positions
        for key, key_line, key_column, line, column, item in encoded["k"]:
            if type(key) is not str:
                raise TypeError("a mapping key that is not a string")
            mapping[key] = _value(item)
            keys[key] = (key_line, key_column)
            values[key] = (line, column)
        return mapping
    sequence = YamlSeq(_position(encoded["s"]))
    sequence.extend(_value(item) for item in encoded["v"])
    sequence.item_positions = [_position(p) for p in encoded["i"]]
    if len(sequence.item_positions) != len(sequence):
        raise ValueError("item positions do not match the items")
    return sequence


def _position(encoded: Any) -> Position:
    line, column = encoded
    return _integer(line), _integer(column)


def _integer(encoded: Any) -> int:
    if type(encoded) is not int:
        raise TypeError("not an integer")
    return encoded


def _prefix(encoded: Any) -> tuple[str | int, ...]:
    if type(encoded) is not list or not all(type(p) in (str, int) for p in encoded):
        raise TypeError("a document prefix that is not a JSON path")
    return tuple(encoded)
