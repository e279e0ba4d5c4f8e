r"""Go's ``regexp`` on a real RE2: Go's syntax, Go's error texts, Go's linear time.

The ``google-re2`` binding compiles the RE2 dialect Go's ``regexp/syntax`` implements
(leftmost-first, ``$`` only at the end of the text unless ``(?m)``, ``(?P<n>`` and
``(?<n>``, ``\Q…\E``, POSIX and Unicode classes), so a pattern is never rewritten and
``^(a+)+$`` against a long string answers at once, as in Go. What differs is kept here:
Go's names for the parse errors, the one escape C++ RE2 accepts and Go refuses (``\C``),
and the ``FindAll``, ``ReplaceAll``, ``Split`` and ``Expand`` rules of Go's API.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import re2  # type: ignore[import-untyped]

__all__ = ["Match", "RegexError", "Regexp", "compile_go", "quote_meta"]


class RegexError(ValueError):
    """A pattern Go's ``regexp.Compile`` refuses; the message is Go's.

    (``error parsing regexp: missing closing ]: `[a```.)
    """


_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # The error is raised to the caller; RE2 must not print it too.

# C++ RE2's texts for the error codes Go's regexp/syntax shares, and Go's words for them.
_GO_ERRORS = (
    ("missing ]", "missing closing ]"),
    ("missing )", "missing closing )"),
    ("unexpected )", "unexpected )"),
    ("trailing \\", "trailing backslash at end of expression"),
    ("no argument for repetition operator", "missing argument to repetition operator"),
    ("invalid repetition size", "invalid repeat count"),
    ("bad repetition operator", "invalid nested repetition operator"),
    ("invalid perl operator", "invalid or unsupported Perl syntax"),
    ("invalid named capture group", "invalid named capture"),
    ("invalid character class range", "invalid character class range"),
    ("invalid character class", "invalid character class"),
    ("invalid escape sequence", "invalid escape sequence"),
    ("invalid UTF-8", "invalid UTF-8"),
    ("pattern too large", "expression too large"),
    ("bad UTF-8", "invalid UTF-8"),
)
_SURROGATES = re.compile("[\ud800-\udfff]")


class Match:
    """One match: the spans of the whole match and of each group, over the searched text."""

    __slots__ = ("_regexp", "spans", "text")

    def __init__(self, regexp: Regexp, text: str, spans: list[tuple[int, int]]) -> None:
        self._regexp = regexp
        self.text = text
        self.spans = spans

    def start(self, index: int = 0) -> int:
        """Where group ``index`` starts (-1 when it did not take part)."""
        return self.spans[index][0]

    def end(self, index: int = 0) -> int:
        """Where group ``index`` ends (-1 when it did not take part)."""
        return self.spans[index][1]

    def group(self, index: int = 0) -> str | None:
        """The text of group ``index``, None when it did not take part in the match."""
        start, end = self.spans[index]
        return None if start < 0 else self.text[start:end]

    def named(self, name: str) -> str | None:
        """The leftmost group called ``name`` that took part (Go allows a name twice)."""
        for index in self._regexp.names.get(name, ()):
            if self.spans[index][0] >= 0:
                return self.group(index)
        return None


class Regexp:
    """A compiled Go regular expression (``*regexp.Regexp``)."""

    __slots__ = ("_compiled", "names", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        _refuse_go_only(pattern)
        try:
            self._compiled: Any = re2.compile(pattern, _OPTIONS)
        except re2.error as error:
            raise RegexError(_go_message(error)) from None
        names: dict[str, list[int]] = {}
        for name, index in _group_names(pattern):
            names.setdefault(name, []).append(index)
        self.names = names

    def search(self, text: str) -> Match | None:
        """The leftmost match in ``text`` (Go's ``FindStringSubmatchIndex``)."""
        subject = _matchable(text)
        found = self._compiled.search(subject)
        return None if found is None else Match(self, text, _spans(found))

    def matches(self, text: str) -> bool:
        """Whether ``text`` holds a match (``MatchString``)."""
        return self._compiled.search(_matchable(text)) is not None

    def fullmatches(self, text: str) -> bool:
        """Whether all of ``text`` matches (as an expression anchored at both ends)."""
        return self._compiled.fullmatch(_matchable(text)) is not None

    def find_all(self, text: str, limit: int = -1) -> list[Match]:
        """Go's ``FindAll…``: successive matches; an empty match right after one is skipped.

        ``limit`` < 0 means all of them, as in Go.
        """
        if limit == 0:
            return []
        out: list[Match] = []
        previous_end = -1
        for found in self._compiled.finditer(_matchable(text)):
            spans = _spans(found)
            start, end = spans[0]
            if start == end == previous_end:
                continue
            out.append(Match(self, text, spans))
            previous_end = end
            if 0 < limit <= len(out):
                break
        return out

    def replace_all(self, text: str, replacement: str, *, literal: bool = False) -> str:
        """``ReplaceAllString`` (``$1``, ``${name}`` expanded) or ``ReplaceAllLiteralString``."""
        return self.replace_with(
            text, (lambda _: replacement) if literal else (lambda m: expand(replacement, m))
        )

    def replace_with(self, text: str, replace: Callable[[Match], str]) -> str:
        """``ReplaceAllStringFunc``: each match replaced by what ``replace`` gives for it."""
        out: list[str] = []
        last = 0
        for found in self.find_all(text):
            out.append(text[last : found.start()])
            out.append(replace(found))
            last = found.end()
        out.append(text[last:])
        return "".join(out)

    def split(self, text: str, limit: int) -> list[str]:
        """Go's ``Regexp.Split``: at most ``limit`` parts (all when negative)."""
        if limit == 0:
            return []
        if self.pattern and text == "":
            return [""]
        parts: list[str] = []
        begin = end = 0
        for found in self.find_all(text, limit):
            if limit > 0 and len(parts) == limit - 1:
                break
            end = found.start()
            if found.end() != 0:
                parts.append(text[begin:end])
            begin = found.end()
        if end != len(text):
            parts.append(text[begin:])
        return parts


@lru_cache(maxsize=512)
def compile_go(pattern: str) -> Regexp:
    """``regexp.Compile``.

    Raises:
        RegexError: the pattern is not a Go regular expression; the message is Go's.
    """
    return Regexp(pattern)


def quote_meta(text: str) -> str:
    """``regexp.QuoteMeta``: every metacharacter escaped."""
    return "".join("\\" + c if c in "\\.+*?()|[]{}^$" else c for c in text)


def expand(template: str, found: Match) -> str:
    """Go's ``Regexp.Expand``: ``$1``, ``${1}``, ``$name``, ``${name}`` and ``$$``.

    A name is the longest run of letters, digits and ``_``; a number with a leading zero
    or a name no group has expands to nothing; a malformed ``$`` stays as it is.
    """
    out: list[str] = []
    i = 0
    while True:
        dollar = template.find("$", i)
        if dollar < 0:
            out.append(template[i:])
            return "".join(out)
        out.append(template[i:dollar])
        i = dollar + 1
        if template.startswith("$", i):
            out.append("$")
            i += 1
            continue
        extracted = _extract(template, i)
        if extracted is None:
            out.append("$")
            continue
        name, i = extracted
        out.append(_group_text(found, name) or "")


def _extract(template: str, i: int) -> tuple[str, int] | None:
    brace = template.startswith("{", i)
    start = i + 1 if brace else i
    end = start
    while end < len(template) and (template[end].isalnum() or template[end] == "_"):
        end += 1
    if end == start:
        return None
    if brace:
        if not template.startswith("}", end):
            return None
        return template[start:end], end + 1
    return template[start:end], end


def _group_text(found: Match, name: str) -> str | None:
    if name.isascii() and name.isdigit():
        if name[0] == "0" and len(name) > 1:
            return found.named(name)
        index = int(name)
        return found.group(index) if index < len(found.spans) else None
    return found.named(name)


def _spans(found: Any) -> list[tuple[int, int]]:
    count = found.re.groups
    return [found.span(index) for index in range(count + 1)]


def _matchable(text: str) -> str:
    # A lone surrogate cannot be UTF-8 encoded; Go reads such a byte as U+FFFD, one for
    # one, so offsets into the original text stay right.
    if text.isascii() or _SURROGATES.search(text) is None:
        return text
    return _SURROGATES.sub("\ufffd", text)


def _go_message(error: Exception) -> str:
    raw = error.args[0] if error.args else ""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    for cpp, go in _GO_ERRORS:
        if text.startswith(cpp):
            argument = text[len(cpp) :].removeprefix(":").strip()
            return f"error parsing regexp: {go}: `{argument}`" if argument else go
    return f"error parsing regexp: {text}"


def _refuse_go_only(pattern: str) -> None:
    r"""Refuse ``\C`` (any byte), which C++ RE2 accepts and Go's parser does not."""
    i = 0
    while i < len(pattern):
        if pattern.startswith("\\Q", i):
            end = pattern.find("\\E", i + 2)
            if end < 0:
                return
            i = end + 2
        elif pattern[i] == "\\":
            if pattern.startswith("C", i + 1):
                raise RegexError("error parsing regexp: invalid escape sequence: `\\C`")
            i += 2
        else:
            i += 1


_NAMED = re.compile(r"\(\?P?<([A-Za-z0-9_]+)>")


def _group_names(pattern: str) -> list[tuple[str, int]]:
    """Each named group and its number, counting the capturing groups as RE2 does."""
    names: list[tuple[str, int]] = []
    index = 0
    i = 0
    in_class = False
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("\\Q", i):
            end = pattern.find("\\E", i + 2)
            i = len(pattern) if end < 0 else end + 2
            continue
        if char == "\\":
            i += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
            elif pattern.startswith("[:", i):
                close = pattern.find(":]", i + 2)
                i = i + 1 if close < 0 else close + 2
                continue
        elif char == "[":
            in_class = True
            i += 1
            # A ']' (after an optional '^') right at the start is a member, not the end.
            if pattern.startswith("^", i):
                i += 1
            if pattern.startswith("]", i):
                i += 1
            continue
        elif char == "(":
            named = _NAMED.match(pattern, i)
            if named is not None:
                index += 1
                names.append((named.group(1), index))
            elif not pattern.startswith("(?", i):
                index += 1
        i += 1
    return names
