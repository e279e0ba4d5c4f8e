r"""Go's glob dialects: ``path.Match``, doublestar (v4) and gobwas ``glob``.

* ``path.Match`` (Flux's source-watcher and post-build trims, Argo CD's directory
  generator): ``*`` and ``?`` never match ``/``, ``[...]`` classes (which may), ``\``
  escapes; a malformed pattern is an error for the whole pattern.
* doublestar (Argo CD's new git file globbing, Flux ignore and exclude patterns): ``**``
  as a whole path component spans directories, ``dir/**`` matches ``dir`` too, ``{a,b}``
  alternatives, classes that never match ``/``, ``!`` or ``^`` to negate them.
* gobwas ``glob`` without separators (Argo CD's directory ``include``/``exclude``):
  every wildcard also matches ``/``.

Each pattern becomes one RE2 expression, so matching is linear in the path whatever the
pattern (Python's backtracking ``re`` is exponential on ``*a*a*a*…b``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from gitops_schema.golang.regex import compile_go, quote_meta

__all__ = [
    "BadPattern",
    "char_class",
    "doublestar_match",
    "doublestar_matcher",
    "gobwas_match",
    "literal",
    "path_match",
    "translate_glob",
    "whole",
]


class BadPattern(ValueError):
    """A malformed glob: Go's ``ErrBadPattern`` (``syntax error in pattern``)."""

    def __init__(self, message: str = "syntax error in pattern") -> None:
        super().__init__(message)


_MAX_RUNE = 0x10FFFF
_SLASH = ord("/")
NOTHING = "[^\\x00-\\x{10FFFF}]"
"""An RE2 expression that matches no character (an empty class)."""


def literal(char: str) -> str:
    """One character as RE2 matches it literally."""
    return quote_meta(char)


def char_class(ranges: list[tuple[int, int]], *, negated: bool, slash: bool) -> str:
    """An RE2 class of code point ``ranges``; ``slash`` False keeps ``/`` out of it.

    A reversed range is empty (it matches nothing), as in every Go glob dialect.
    """
    kept = [(low, high) for low, high in ranges if low <= high]
    if not slash and not negated:
        split: list[tuple[int, int]] = []
        for low, high in kept:
            if low <= _SLASH <= high:
                split += [p for p in ((low, _SLASH - 1), (_SLASH + 1, high)) if p[0] <= p[1]]
            else:
                split.append((low, high))
        kept = split
    body = "".join(_class_range(low, high) for low, high in kept)
    if negated:
        if not body and slash:
            return "(?s:.)"
        return f"[^{'' if slash else '/'}{body}]"
    return f"[{body}]" if body else NOTHING


def _class_range(low: int, high: int) -> str:
    if low == high:
        return f"\\x{{{low:X}}}"
    return f"\\x{{{low:X}}}-\\x{{{high:X}}}"


def whole(expression: str) -> Callable[[str], bool]:
    """A test of whether a text matches the RE2 ``expression`` from end to end."""
    compiled = compile_go("(?s)" + expression)
    return compiled.fullmatches


# --- Go path.Match ----------------------------------------------------------------------


def path_match(pattern: str, name: str) -> bool:
    """Go's ``path.Match``: whether ``name`` matches the whole ``pattern``.

    Raises:
        BadPattern: the pattern is malformed anywhere (Go checks all of it).
    """
    return _path_matcher(pattern)(name)


@lru_cache(maxsize=512)
def _path_matcher(pattern: str) -> Callable[[str], bool]:
    return whole(translate_glob(pattern, star="[^/]*", one="[^/]", klass=_path_class))


def translate_glob(
    pattern: str, *, star: str, one: str, klass: Callable[[str, int], tuple[str, int]]
) -> str:
    """The RE2 form of a glob of ``*``, ``?``, ``[...]`` and backslash escapes.

    ``star`` and ``one`` are what ``*`` and ``?`` become; ``klass`` reads the class that
    starts after a ``[`` at the index it is given and returns its RE2 form and the index
    after it.

    Raises:
        BadPattern: a trailing backslash, or what ``klass`` raises.
    """
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            if i + 1 == len(pattern):
                raise BadPattern
            out.append(literal(pattern[i + 1]))
            i += 2
        elif char == "[":
            text, i = klass(pattern, i + 1)
            out.append(text)
        else:
            out.append(star if char == "*" else one if char == "?" else literal(char))
            i += 1
    return "".join(out)


def _path_escaped(pattern: str, i: int) -> tuple[str, int]:
    """Go's ``getEsc``: one class character, never a bare ``-`` or ``]``, never last."""
    if i >= len(pattern) or pattern[i] in "-]":
        raise BadPattern
    if pattern[i] == "\\":
        i += 1
        if i >= len(pattern):
            raise BadPattern
    if i + 1 >= len(pattern):
        raise BadPattern
    return pattern[i], i + 1


def _path_class(pattern: str, i: int) -> tuple[str, int]:
    negated = i < len(pattern) and pattern[i] == "^"
    if negated:
        i += 1
    ranges: list[tuple[int, int]] = []
    while True:
        if i < len(pattern) and pattern[i] == "]" and ranges:
            i += 1
            break
        low, i = _path_escaped(pattern, i)
        high = low
        if pattern[i] == "-":
            high, i = _path_escaped(pattern, i + 1)
        ranges.append((ord(low), ord(high)))
    # A path.Match class is one character, '/' included.
    return char_class(ranges, negated=negated, slash=True), i


# --- doublestar -------------------------------------------------------------------------


def doublestar_match(pattern: str, path: str) -> bool:
    """Doublestar's ``Match``: whether the slash-separated ``path`` matches ``pattern``.

    Raises:
        BadPattern: the pattern is malformed.
    """
    return doublestar_matcher(pattern)(path)


@lru_cache(maxsize=512)
def doublestar_matcher(pattern: str) -> Callable[[str], bool]:
    """The test :func:`doublestar_match` applies, compiled once for many paths.

    Raises:
        BadPattern: the pattern is malformed.
    """
    expression, end = _ds_sequence(pattern, 0, nested=False)
    if end != len(pattern):
        raise BadPattern
    return whole(expression)


def _is_globstar(pattern: str, start: int, end: int) -> bool:
    """Whether the stars at ``pattern[start:end]`` form a whole path component."""
    before = start == 0 or pattern[start - 1] == "/"
    after = end == len(pattern) or pattern[end] == "/"
    return before and after


def _ds_sequence(pattern: str, i: int, *, nested: bool) -> tuple[str, int]:
    """Translate until the end, or (inside braces) until an unescaped ``,`` or ``}``."""
    out: list[str] = []
    while i < len(pattern):
        char = pattern[i]
        if nested and char in ",}":
            return "".join(out), i
        if char == "\\":
            if i + 1 == len(pattern):
                raise BadPattern
            out.append(literal(pattern[i + 1]))
            i += 2
        elif char == "/" and _trailing_globstar(pattern, i + 1):
            # ``dir/**`` matches the directory itself and everything below it.
            out.append("(?:/.*)?")
            i = len(pattern)
        elif char == "*":
            end = i
            while end < len(pattern) and pattern[end] == "*":
                end += 1
            if end - i >= 2 and _is_globstar(pattern, i, end):
                if end == len(pattern):
                    out.append(".*")
                else:
                    out.append("(?:.*/)?")
                    end += 1
            else:
                out.append("[^/]*")
            i = end
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[":
            text, i = _ds_class(pattern, i + 1)
            out.append(text)
        elif char == "{":
            text, i = _ds_braces(pattern, i + 1)
            out.append(text)
        else:
            out.append(literal(char))
            i += 1
    if nested:
        raise BadPattern
    return "".join(out), i


def _trailing_globstar(pattern: str, i: int) -> bool:
    rest = pattern[i:]
    return len(rest) >= 2 and set(rest) == {"*"}


def _ds_braces(pattern: str, i: int) -> tuple[str, int]:
    alternatives: list[str] = []
    while True:
        text, i = _ds_sequence(pattern, i, nested=True)
        alternatives.append(text)
        if pattern[i] == "}":
            return "(?:" + "|".join(alternatives) + ")", i + 1
        i += 1


def _ds_class(pattern: str, i: int) -> tuple[str, int]:
    """A doublestar class ``[...]``: never matches ``/``; ``-`` first or last is literal."""
    negated = i < len(pattern) and pattern[i] in "^!"
    if negated:
        i += 1
    ranges: list[tuple[int, int]] = []
    previous: str | None = None  # the last single character, which a '-' may extend
    while True:
        if i >= len(pattern):
            raise BadPattern
        char = pattern[i]
        if char == "]":
            if not ranges:
                raise BadPattern
            break
        if char == "\\":
            i += 1
            if i >= len(pattern):
                raise BadPattern
            char = pattern[i]
        elif char == "-" and previous is not None and pattern[i + 1 : i + 2] not in ("", "]"):
            i += 1
            high = pattern[i]
            if high == "\\" and i + 1 < len(pattern):
                i += 1
                high = pattern[i]
            ranges[-1] = (ord(previous), ord(high))
            previous = None
            i += 1
            continue
        ranges.append((ord(char), ord(char)))
        previous = char
        i += 1
    return char_class(ranges, negated=negated, slash=False), i + 1


# --- gobwas glob ------------------------------------------------------------------------


def gobwas_match(pattern: str, text: str) -> bool:
    """Gobwas ``glob.Match`` without separators: ``*``, ``?``, ``[...]`` and ``{a,b}``."""
    return _gobwas(pattern)(text)


@lru_cache(maxsize=256)
def _gobwas(pattern: str) -> Callable[[str], bool]:
    out: list[str] = []
    depth = 0
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "*":
            out.append(".*")
        elif char == "?":
            out.append(".")
        elif char == "[" and (end := pattern.find("]", i + 1)) > i + 1:
            out.append(_gobwas_class(pattern[i + 1 : end]))
            i = end
        elif char == "{":
            depth += 1
            out.append("(?:")
        elif char == "}" and depth:
            depth -= 1
            out.append(")")
        elif char == "," and depth:
            out.append("|")
        elif char == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(literal(pattern[i]))
        else:
            out.append(literal(char))
        i += 1
    out.append(")" * depth)
    return whole("".join(out))


def _gobwas_class(body: str) -> str:
    negated = body.startswith("!")
    if negated:
        body = body[1:]
    ranges: list[tuple[int, int]] = []
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            ranges.append((ord(body[i]), ord(body[i + 2])))
            i += 3
        else:
            ranges.append((ord(body[i]), ord(body[i])))
            i += 1
    return char_class(ranges, negated=negated, slash=True)
