"""The three glob dialects Argo CD's git generator relies on, over lists of repository paths.

* ``git ls-files -- <pattern>`` (the default for files): a pathspec, where ``*`` and ``?``
  also match ``/`` and a literal directory matches everything below it.
* doublestar's ``FilepathGlob`` (``applicationsetcontroller.enable.new.git.file.globbing``):
  ``*`` stops at ``/``, ``/**/`` spans directories, ``{a,b}`` alternatives.
* Go's ``path.Match``, which the directory generator applies to each directory.

doublestar and ``path.Match`` are Go's, in :mod:`gitops_schema.golang.glob`; git's
pathspecs are read here, each one compiled to one anchored RE2 expression.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache

from gitops_schema.golang.glob import (
    BadPattern,
    char_class,
    doublestar_matcher,
    path_match,
    translate_glob,
    whole,
)

__all__ = ["BadPattern", "match_files", "path_match"]


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
        matches = doublestar_matcher(cleaned)
        return sorted(p for p in paths if matches(p))
    spec = _pathspec(pattern)
    return sorted(p for p in paths if _pathspec_matches(spec, p))


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
    fixed = len(spec)
    for index, ch in enumerate(spec):
        if ch in _GLOB_SPECIAL:
            fixed = index
            break
    if fixed == len(spec) or path[:fixed] != spec[:fixed]:
        return False
    matches = _wildmatch(spec)
    return matches is not None and matches(path)


def _spans(*pairs: str) -> tuple[tuple[int, int], ...]:
    return tuple((ord(pair[0]), ord(pair[-1])) for pair in pairs)


_POSIX_CLASSES = {
    "alnum": _spans("09", "AZ", "az"),
    "alpha": _spans("AZ", "az"),
    "blank": _spans(" ", "\t"),
    "cntrl": ((0, 0x1F), (0x7F, 0x7F)),
    "digit": _spans("09"),
    "graph": _spans("!~"),
    "lower": _spans("az"),
    "print": _spans(" ~"),
    "punct": _spans("!/", ":@", "[`", "{~"),
    "space": _spans("\t\r", " "),
    "upper": _spans("AZ"),
    "xdigit": _spans("09", "AF", "af"),
}


@lru_cache(maxsize=512)
def _wildmatch(pattern: str) -> Callable[[str], bool] | None:
    """Git's ``wildmatch`` without ``WM_PATHNAME``: every wildcard may match ``/``.

    None for a pattern git aborts on (an unterminated class): it matches nothing.
    """
    try:
        return whole(translate_glob(pattern, star=".*", one="(?s:.)", klass=_wm_class))
    except BadPattern:
        return None


def _wm_class(pattern: str, i: int) -> tuple[str, int]:
    negated = i < len(pattern) and pattern[i] in "!^"
    if negated:
        i += 1
    ranges: list[tuple[int, int]] = []
    previous: str | None = None
    first = True
    while True:
        if i >= len(pattern):
            raise BadPattern
        ch = pattern[i]
        if ch == "]" and not first:
            break
        first = False
        if ch == "\\":
            if i + 1 >= len(pattern):
                raise BadPattern
            i += 1
            ch = pattern[i]
            ranges.append((ord(ch), ord(ch)))
            previous = ch
        elif ch == "-" and previous is not None and i + 1 < len(pattern) and pattern[i + 1] != "]":
            i += 1
            high = pattern[i]
            if high == "\\":
                if i + 1 >= len(pattern):
                    raise BadPattern
                i += 1
                high = pattern[i]
            ranges[-1] = (ord(previous), ord(high))
            previous = None
        elif ch == "[" and pattern.startswith(":", i + 1):
            close = pattern.find(":]", i + 2)
            name = pattern[i + 2 : close] if close >= 0 else None
            if name is None or "]" in name:
                ranges.append((ord("["), ord("[")))
                previous = "["
            elif name in _POSIX_CLASSES:
                ranges.extend(_POSIX_CLASSES[name])
                i = close + 1
                previous = None
            else:
                raise BadPattern
        else:
            ranges.append((ord(ch), ord(ch)))
            previous = ch
        i += 1
    return char_class(ranges, negated=negated, slash=True), i + 1
