"""The three glob dialects Argo CD's git generator relies on, over lists of repository paths.

* ``git ls-files -- <pattern>`` (the default for files): a pathspec, where ``*`` and ``?``
  also match ``/`` and a literal directory matches everything below it.
* doublestar's ``FilepathGlob`` (``applicationsetcontroller.enable.new.git.file.globbing``):
  ``*`` stops at ``/``, ``/**/`` spans directories, ``{a,b}`` alternatives.
* Go's ``path.Match``, which the directory generator applies to each directory.

Each pattern becomes one anchored regular expression. Imports nothing of ours.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["BadPattern", "match_files", "path_match"]


class BadPattern(ValueError):
    """A malformed glob; the message is the one the Go or git tool gives."""


def match_files(paths: Iterable[str], pattern: str, *, new_globbing: bool) -> list[str]:
    """The paths (repository files, POSIX, relative) a git files pattern selects, sorted.

    Only file paths are considered: a directory a doublestar pattern matches is not a file
    the repo-server could read.

    Raises:
        BadPattern: the pattern is malformed (doublestar) or leaves the repository (git).
    """
    if new_globbing:
        cleaned = _clean(pattern)
        if not cleaned:
            return []
        regex = _doublestar(cleaned)
        return sorted(p for p in paths if regex.fullmatch(p))
    spec = _pathspec(pattern)
    return sorted(p for p in paths if _pathspec_matches(spec, p))


def path_match(pattern: str, name: str) -> bool:
    """Go's ``path.Match``: ``*`` and ``?`` never match ``/``.

    Raises:
        BadPattern: ``syntax error in pattern``, as Go reports for the whole pattern.
    """
    return _go_path(pattern).fullmatch(name) is not None


_BAD = "syntax error in pattern"


def _clean(pattern: str) -> str | None:
    """The pattern as ``filepath.Join(root, pattern)`` leaves it, relative to the root.

    None when it climbs out of the repository (the repo-server drops such matches).
    """
    parts: list[str] = []
    for part in pattern.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


# --- doublestar ------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _doublestar(pattern: str) -> re.Pattern[str]:
    regex, end = _ds_sequence(pattern, 0, nested=False)
    if end != len(pattern):
        raise BadPattern(_BAD)
    return re.compile(regex, re.DOTALL)


def _is_globstar(pattern: str, start: int, end: int) -> bool:
    """Whether the stars at ``pattern[start:end]`` form a whole path component."""
    before = start == 0 or pattern[start - 1] == "/"
    after = end == len(pattern) or pattern[end] == "/"
    return before and after


def _ds_sequence(pattern: str, i: int, *, nested: bool) -> tuple[str, int]:
    """Translate until the end, or (inside braces) until an unescaped ``,`` or ``}``."""
    out: list[str] = []
    while i < len(pattern):
        ch = pattern[i]
        if nested and ch in ",}":
            return "".join(out), i
        if ch == "\\":
            if i + 1 == len(pattern):
                raise BadPattern(_BAD)
            out.append(re.escape(pattern[i + 1]))
            i += 2
        elif ch == "/" and _trailing_globstar(pattern, i + 1):
            # ``dir/**`` matches the directory itself and everything below it.
            out.append("(?:/.*)?")
            i = len(pattern)
        elif ch == "*":
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
        elif ch == "?":
            out.append("[^/]")
            i += 1
        elif ch == "[":
            text, i = _ds_class(pattern, i + 1)
            out.append(text)
        elif ch == "{":
            text, i = _ds_braces(pattern, i + 1)
            out.append(text)
        else:
            out.append(re.escape(ch))
            i += 1
    if nested:
        raise BadPattern(_BAD)
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
    items: list[str] = []
    previous: str | None = None  # the last single character, which a '-' may extend
    while True:
        if i >= len(pattern):
            raise BadPattern(_BAD)
        ch = pattern[i]
        if ch == "]":
            if not items:
                raise BadPattern(_BAD)
            break
        if ch == "\\":
            i += 1
            if i >= len(pattern):
                raise BadPattern(_BAD)
            ch = pattern[i]
        elif ch == "-" and previous is not None and pattern[i + 1 : i + 2] not in ("", "]"):
            i += 1
            high = pattern[i]
            if high == "\\" and i + 1 < len(pattern):
                i += 1
                high = pattern[i]
            items[-1] = f"{_class_char(previous)}-{_class_char(high)}" if previous <= high else ""
            previous = None
            i += 1
            continue
        items.append(_class_char(ch))
        previous = ch
        i += 1
    body = "".join(items)
    if not body:
        return ("[^/]" if negated else "(?!)"), i + 1
    return ("[^/" + body + "]") if negated else ("(?!/)[" + body + "]"), i + 1


def _class_char(ch: str) -> str:
    return f"\\U{ord(ch):08x}"


# --- git pathspecs ----------------------------------------------------------------------

_GLOB_SPECIAL = "*?[\\"


def _pathspec(pattern: str) -> str:
    """The pathspec as git normalises it: ``./``, ``//``, ``..`` resolved, a final ``/`` kept."""
    cleaned = _clean(pattern)
    if cleaned is None:
        raise BadPattern(f"fatal: {pattern}: '{pattern}' is outside repository")
    if cleaned and pattern.endswith("/"):
        cleaned += "/"
    return cleaned


def _pathspec_matches(spec: str, path: str) -> bool:
    if not spec:
        return True
    if path == spec:
        return True
    if path.startswith(spec) and (spec.endswith("/") or path[len(spec)] == "/"):
        return True
    literal = len(spec)
    for index, ch in enumerate(spec):
        if ch in _GLOB_SPECIAL:
            literal = index
            break
    if literal == len(spec) or path[:literal] != spec[:literal]:
        return False
    regex = _wildmatch(spec)
    return regex is not None and regex.fullmatch(path) is not None


_POSIX_CLASSES = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "blank": " \\t",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": "\\t-\\r ",
    "upper": "A-Z",
    "xdigit": "0-9A-Fa-f",
}


@lru_cache(maxsize=512)
def _wildmatch(pattern: str) -> re.Pattern[str] | None:
    """Git's ``wildmatch`` without ``WM_PATHNAME``: every wildcard may match ``/``.

    None for a pattern git aborts on (an unterminated class): it matches nothing.
    """
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            if i + 1 == len(pattern):
                return None
            out.append(re.escape(pattern[i + 1]))
            i += 2
        elif ch == "*":
            while i < len(pattern) and pattern[i] == "*":
                i += 1
            out.append(".*")
        elif ch == "?":
            out.append(".")
            i += 1
        elif ch == "[":
            parsed = _wm_class(pattern, i + 1)
            if parsed is None:
                return None
            text, i = parsed
            out.append(text)
        else:
            out.append(re.escape(ch))
            i += 1
    return re.compile("".join(out), re.DOTALL)


def _wm_class(pattern: str, i: int) -> tuple[str, int] | None:
    negated = i < len(pattern) and pattern[i] in "!^"
    if negated:
        i += 1
    items: list[str] = []
    previous: str | None = None
    first = True
    while True:
        if i >= len(pattern):
            return None
        ch = pattern[i]
        if ch == "]" and not first:
            break
        first = False
        if ch == "\\":
            if i + 1 >= len(pattern):
                return None
            i += 1
            ch = pattern[i]
            items.append(_class_char(ch))
            previous = ch
        elif ch == "-" and previous is not None and i + 1 < len(pattern) and pattern[i + 1] != "]":
            i += 1
            high = pattern[i]
            if high == "\\":
                if i + 1 >= len(pattern):
                    return None
                i += 1
                high = pattern[i]
            items.pop()
            items.append(f"{_class_char(previous)}-{_class_char(high)}" if previous <= high else "")
            previous = None
        elif ch == "[" and pattern.startswith(":", i + 1):
            close = pattern.find(":]", i + 2)
            name = pattern[i + 2 : close] if close >= 0 else None
            if name is None or "]" in name:
                items.append(_class_char("["))
                previous = "["
            elif name in _POSIX_CLASSES:
                items.append(_POSIX_CLASSES[name])
                i = close + 1
                previous = None
            else:
                return None
        else:
            items.append(_class_char(ch))
            previous = ch
        i += 1
    body = "".join(items)
    if not body:
        return ("." if negated else "(?!)"), i + 1
    return ("[^" if negated else "[") + body + "]", i + 1


# --- Go path.Match ----------------------------------------------------------------------


@lru_cache(maxsize=512)
def _go_path(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            if i + 1 == len(pattern):
                raise BadPattern(_BAD)
            out.append(re.escape(pattern[i + 1]))
            i += 2
        elif ch == "*":
            out.append("[^/]*")
            i += 1
        elif ch == "?":
            out.append("[^/]")
            i += 1
        elif ch == "[":
            text, i = _go_class(pattern, i + 1)
            out.append(text)
        else:
            out.append(re.escape(ch))
            i += 1
    return re.compile("".join(out), re.DOTALL)


def _go_escaped(pattern: str, i: int) -> tuple[str, int]:
    """Go's ``getEsc``: one class character, which must not be a bare ``-`` or ``]``."""
    if i >= len(pattern) or pattern[i] in "-]":
        raise BadPattern(_BAD)
    if pattern[i] == "\\":
        i += 1
        if i >= len(pattern):
            raise BadPattern(_BAD)
    if i + 1 >= len(pattern):
        raise BadPattern(_BAD)
    return pattern[i], i + 1


def _go_class(pattern: str, i: int) -> tuple[str, int]:
    negated = i < len(pattern) and pattern[i] == "^"
    if negated:
        i += 1
    ranges: list[str] = []
    while True:
        if i < len(pattern) and pattern[i] == "]" and ranges:
            i += 1
            break
        low, i = _go_escaped(pattern, i)
        high = low
        if pattern[i] == "-":
            high, i = _go_escaped(pattern, i + 1)
        ranges.append(f"{_class_char(low)}-{_class_char(high)}" if low <= high else "")
    body = "".join(ranges)
    if not body:
        return ("." if negated else "(?!)"), i
    return ("[^" if negated else "[") + body + "]", i
