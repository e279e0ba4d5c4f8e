"""Flux's post-build variable substitution (fluxcd/pkg ``envsubst``), exactly.

Only ``${...}`` is expanded; ``$var`` stays as written and ``$$`` is a literal ``$`` (so
``$${var}`` prints ``${var}``). Inside the braces: ``${var}``, the default forms
``${var:=d}``, ``${var=d}``, ``${var:-d}``, ``${var-d}`` (all four use ``d`` when the value
is empty or unset; ``d`` may itself hold ``${...}``), ``${#var}``, case changes ``^ ^^ , ,,``,
substrings ``:n`` and ``:n:len``, trims ``# ## % %%`` (Go ``path.Match`` patterns) and
replacements ``/p/r //p/r /#p/r /%p/r``. In strict mode a variable that is unset and has no
default is an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from gitops_schema.golang.glob import BadPattern, path_match

__all__ = ["SubstitutionError", "envsubst"]

_NAME = re.compile(r"[A-Za-z0-9_]+")
_DEFAULT_OPS = (":=", ":-", "=", "-")


class SubstitutionError(ValueError):
    """A malformed ``${...}`` or, in strict mode, an unset variable."""


def envsubst(text: str, variables: Mapping[str, str], *, strict: bool) -> str:
    """Expand the ``${...}`` expressions of ``text`` with ``variables``.

    Raises:
        SubstitutionError: an expression is malformed, or ``strict`` and a variable without
            a default is not set.
    """
    return _Parser(text, variables, strict).expand(0, nested=False)[0]


@dataclass(slots=True)
class _Parser:
    text: str
    variables: Mapping[str, str]
    strict: bool

    def expand(self, start: int, *, nested: bool) -> tuple[str, int]:
        """Expand from ``start`` to the end, or to the closing ``}`` when ``nested``."""
        out: list[str] = []
        i, text = start, self.text
        while i < len(text):
            char = text[i]
            if nested and char == "}":
                return "".join(out), i
            if char == "$" and text.startswith("$$", i):
                out.append("$")
                i += 2
            elif char == "$" and text.startswith("${", i):
                value, i = self._expression(i + 2)
                out.append(value)
            else:
                out.append(char)
                i += 1
        if nested:
            raise SubstitutionError(f"missing closing brace in {self.text[start - 2 :][:60]!r}")
        return "".join(out), i

    def _expression(self, start: int) -> tuple[str, int]:
        """Evaluate the expression after ``${``; return it and the index past its ``}``."""
        text = self.text
        length = text.startswith("#", start) and not text.startswith("#}", start)
        begin = start + 1 if length else start
        match = _NAME.match(text, begin)
        if match is None:
            raise SubstitutionError(f"bad substitution: {text[start - 2 :][:60]!r}")
        name, i = match.group(), match.end()
        value = self.variables.get(name)
        if length:
            return str(len(self._required(name, value))), self._close(i)
        for op in _DEFAULT_OPS:
            if text.startswith(op, i):
                default, end = self.expand(i + len(op), nested=True)
                return (value or default), end + 1
        if text.startswith("}", i):
            return self._required(name, value), i + 1
        # The remaining operators take literal arguments up to the closing brace.
        close = self._close_index(i)
        argument = text[i:close]
        return _apply(self._required(name, value), argument), close + 1

    def _required(self, name: str, value: str | None) -> str:
        if value is None and self.strict:
            raise SubstitutionError(f"variable not set (strict mode): {name!r}")
        return value or ""

    def _close(self, i: int) -> int:
        if not self.text.startswith("}", i):
            raise SubstitutionError(f"bad substitution: {self.text[i:][:60]!r}")
        return i + 1

    def _close_index(self, i: int) -> int:
        close = self.text.find("}", i)
        if close < 0:
            raise SubstitutionError(f"missing closing brace in {self.text[i:][:60]!r}")
        return close


def _apply(value: str, argument: str) -> str:
    operation = _OPERATIONS.get(argument)
    if operation is not None:
        return operation(value)
    for prefix, function in _WITH_ARGUMENT:
        if argument.startswith(prefix):
            return function(value, argument[len(prefix) :])
    raise SubstitutionError(f"bad substitution operator {argument!r}")


def _substring(value: str, argument: str) -> str:
    offset, _, count = argument.partition(":")
    try:
        position = max(int(offset), 0)
        if not count:
            return value[position:]
        return value[position : position + int(count)]
    except ValueError:
        return value


def _replace(value: str, argument: str, count: int) -> str:
    pattern, _, replacement = argument.partition("/")
    return value.replace(pattern, replacement, count) if pattern else value


def _replace_prefix(value: str, argument: str) -> str:
    pattern, _, replacement = argument.partition("/")
    return replacement + value[len(pattern) :] if value.startswith(pattern) else value


def _replace_suffix(value: str, argument: str) -> str:
    pattern, _, replacement = argument.partition("/")
    if pattern and value.endswith(pattern):
        return value[: len(value) - len(pattern)] + replacement
    return value


def _matches(pattern: str, text: str) -> bool:
    # fluxcd/pkg matches with path.Match and reads a malformed pattern as no match.
    try:
        return path_match(pattern, text)
    except BadPattern:
        return False


def _trim_prefix(value: str, pattern: str, *, longest: bool) -> str:
    ends = range(len(value), -1, -1) if longest else range(len(value) + 1)
    for end in ends:
        if _matches(pattern, value[:end]):
            return value[end:]
    return value


def _trim_suffix(value: str, pattern: str, *, longest: bool) -> str:
    starts = range(len(value) + 1) if longest else range(len(value), -1, -1)
    for start in starts:
        if _matches(pattern, value[start:]):
            return value[:start]
    return value


_OPERATIONS: dict[str, Callable[[str], str]] = {
    "^^": str.upper,
    ",,": str.lower,
    "^": lambda value: value[:1].upper() + value[1:],
    ",": lambda value: value[:1].lower() + value[1:],
}

# Longest prefixes first, so "##" is not read as "#" followed by "#".
_WITH_ARGUMENT: tuple[tuple[str, Callable[[str, str], str]], ...] = (
    ("##", lambda value, p: _trim_prefix(value, p, longest=True)),
    ("#", lambda value, p: _trim_prefix(value, p, longest=False)),
    ("%%", lambda value, p: _trim_suffix(value, p, longest=True)),
    ("%", lambda value, p: _trim_suffix(value, p, longest=False)),
    ("//", lambda value, a: _replace(value, a, -1)),
    ("/#", _replace_prefix),
    ("/%", _replace_suffix),
    ("/", lambda value, a: _replace(value, a, 1)),
    (":", _substring),
)
