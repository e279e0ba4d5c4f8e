"""A loaded YAML document and the way back from a JSON path to its source position."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gitops_schema.load.tree import Position, YamlMap, YamlSeq
from gitops_schema.location import JsonPath, Location


@dataclass(frozen=True, slots=True)
class Document:
    """One YAML document (or one item of a ``List``) of one file.

    ``data`` is JSON-like: :class:`YamlMap`, :class:`YamlSeq`, str, int, float, bool or
    None. ``prefix`` is the JSON path of ``data`` inside the file's document, non-empty
    for the items of an unwrapped ``List``.
    """

    file: str
    index: int
    data: Any
    position: Position
    prefix: JsonPath = ()

    @property
    def location(self) -> Location:
        """Where the document (or list item) starts."""
        return Location(self.file, self.position[0], self.position[1], self.prefix, self.index)

    def locate(self, path: JsonPath, *, key: bool = False) -> Location:
        """The source location of the value at ``path`` inside ``data``.

        With ``key=True`` the location is that of the mapping key rather than its value
        (which is where an unknown or duplicate field is best reported). A path that runs
        past the loaded data resolves to the deepest existing ancestor, so a missing field
        is reported where it should have been.
        """
        line, column = self.position
        node: Any = self.data
        for depth, step in enumerate(path):
            last = depth == len(path) - 1
            if isinstance(node, YamlMap) and isinstance(step, str) and step in node:
                positions = node.key_positions if key and last else node.value_positions
                # Data built without positions (see from_plain) keeps its parent's.
                line, column = positions.get(step, (line, column))
                node = node[step]
            elif (
                isinstance(node, YamlSeq)
                and isinstance(step, int)
                and -len(node) <= step < len(node)
            ):
                line, column = node.item_positions[step]
                node = node[step]
            else:
                break
        return Location(self.file, line, column, self.prefix + tuple(path), self.index)
