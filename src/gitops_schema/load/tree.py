"""Positioned containers: the JSON-like values the loader produces.

A :class:`YamlMap` is a ``dict`` and a :class:`YamlSeq` is a ``list``, so every consumer
can treat loaded data as plain JSON; each also remembers where it and each of its
entries start in the source. Scalars carry no position of their own: their parent holds it.
"""

from __future__ import annotations

from typing import Any

Position = tuple[int, int]
"""(line, column), both 1-based."""


class YamlMap(dict[str, Any]):
    """A mapping that knows its own position and those of its keys and values."""

    __slots__ = ("key_positions", "position", "value_positions")

    def __init__(self, position: Position = (0, 0)) -> None:
        super().__init__()
        self.position = position
        self.key_positions: dict[str, Position] = {}
        self.value_positions: dict[str, Position] = {}


class YamlSeq(list[Any]):
    """A sequence that knows its own position and that of each item."""

    __slots__ = ("item_positions", "position")

    def __init__(self, position: Position = (0, 0)) -> None:
        super().__init__()
        self.position = position
        self.item_positions: list[Position] = []


def position_of(value: Any) -> Position | None:
    """The position of a loaded container, or None for scalars and plain containers."""
    if isinstance(value, YamlMap | YamlSeq):
        return value.position
    return None


def from_plain(value: Any) -> Any:
    """Plain JSON-like data as loaded containers, without positions (e.g. a render's output).

    Objects that no file holds (kustomize and Helm keep no positions) can then be typed
    and validated like loaded ones.
    """
    if isinstance(value, dict):
        mapping = YamlMap()
        for key, item in value.items():
            mapping[str(key)] = from_plain(item)
        return mapping
    if isinstance(value, list):
        sequence = YamlSeq()
        sequence.extend(from_plain(item) for item in value)
        sequence.item_positions = [(0, 0)] * len(sequence)
        return sequence
    return value
