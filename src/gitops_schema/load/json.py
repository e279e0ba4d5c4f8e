r"""A JSON reader with positions, for the JSON that libyaml will not read.

JSON is almost YAML, and libyaml reads it fast, so JSON goes through :mod:`.yaml` first.
Where the two disagree (surrogate-pair escapes such as ``"\\ud83d\\ude00"``, which YAML
forbids), Kubernetes reads the file as JSON, and so do we, here.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from json.decoder import scanstring  # type: ignore[attr-defined]  # absent from typeshed
from typing import Any

from gitops_schema.diagnostics import Diagnostic, Severity
from gitops_schema.load.tree import Position, YamlMap, YamlSeq
from gitops_schema.load.yaml import ParsedDocument
from gitops_schema.location import Location

_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_SPACE = re.compile(r"[ \t\n\r]*")
_LITERALS = {"true": True, "false": False, "null": None}
_scan_string: Callable[[str, int], tuple[str, int]] = scanstring


class _JsonError(Exception):
    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.index = index


def looks_like_json(text: str) -> bool:
    """True when the text starts (after whitespace) with ``{`` or ``[``."""
    return text.lstrip()[:1] in ("{", "[")


class _Parser:
    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.diagnostics: list[Diagnostic] = []

    def position(self, index: int) -> Position:
        line = bisect.bisect_right(self.line_starts, index)
        return line, index - self.line_starts[line - 1] + 1

    def skip(self, index: int) -> int:
        match = _SPACE.match(self.text, index)
        assert match is not None
        return match.end()

    def value(self, index: int) -> tuple[Any, int]:
        text = self.text
        char = text[index : index + 1]
        if char == "{":
            return self.mapping(index)
        if char == "[":
            return self.sequence(index)
        if char == '"':
            try:
                value, end = _scan_string(text, index + 1)
                return value, end
            except ValueError as error:
                raise _JsonError(str(error).split(":")[0], index) from error
        for word, literal in _LITERALS.items():
            if text.startswith(word, index):
                return literal, index + len(word)
        match = _NUMBER.match(text, index)
        if match:
            number = match.group()
            if match.group(1) or match.group(2):
                return float(number), match.end()
            return int(number), match.end()
        raise _JsonError("expected a JSON value", index)

    def mapping(self, start: int) -> tuple[YamlMap, int]:
        result = YamlMap(self.position(start))
        index = self.skip(start + 1)
        if self.text[index : index + 1] == "}":
            return result, index + 1
        while True:
            if self.text[index : index + 1] != '"':
                raise _JsonError("expected a string key", index)
            key_position = self.position(index)
            key, index = self.value(index)
            index = self.skip(index)
            if self.text[index : index + 1] != ":":
                raise _JsonError("expected ':' after the key", index)
            index = self.skip(index + 1)
            value_position = self.position(index)
            value, index = self.value(index)
            if key in result:
                first = result.key_positions[key]
                self.diagnostics.append(
                    Diagnostic(
                        "yaml-duplicate-key",
                        Severity.ERROR,
                        f"duplicate key {key!r} (first defined at line {first[0]}); "
                        "the last value is kept, as Kubernetes does",
                        Location(self.file, *key_position),
                    )
                )
            result[key] = value
            result.key_positions[key] = key_position
            result.value_positions[key] = value_position
            index = self.skip(index)
            char = self.text[index : index + 1]
            if char == "}":
                return result, index + 1
            if char != ",":
                raise _JsonError("expected ',' or '}'", index)
            index = self.skip(index + 1)

    def sequence(self, start: int) -> tuple[YamlSeq, int]:
        result = YamlSeq(self.position(start))
        index = self.skip(start + 1)
        if self.text[index : index + 1] == "]":
            return result, index + 1
        while True:
            result.item_positions.append(self.position(index))
            value, index = self.value(index)
            result.append(value)
            index = self.skip(index)
            char = self.text[index : index + 1]
            if char == "]":
                return result, index + 1
            if char != ",":
                raise _JsonError("expected ',' or ']'", index)
            index = self.skip(index + 1)


def parse_json(text: str, file: str) -> tuple[list[ParsedDocument], list[Diagnostic]]:
    """Parse one JSON document with positions; a syntax error is a diagnostic."""
    parser = _Parser(text, file)
    try:
        start = parser.skip(0)
        data, end = parser.value(start)
        end = parser.skip(end)
        if end != len(text):
            raise _JsonError("unexpected text after the JSON value", end)
    except _JsonError as error:
        line, column = parser.position(error.index)
        return [], [
            Diagnostic(
                "yaml-syntax",
                Severity.ERROR,
                f"invalid JSON: {error}",
                Location(file, line, column),
            )
        ]
    except RecursionError:
        return [], [
            Diagnostic(
                "yaml-syntax",
                Severity.ERROR,
                "the document is nested too deeply to read",
                Location(file, 1, 1),
            )
        ]
    return [ParsedDocument(0, data, parser.position(start))], parser.diagnostics
