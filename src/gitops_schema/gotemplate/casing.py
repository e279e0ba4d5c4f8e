"""Word casing for Sprig's ``snakecase``, ``kebabcase`` and ``camelcase``.

Words split as huandu/xstrings splits them: at connectors, case changes and
letter/number boundaries.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

_INVALID, _NUMBER, _UPPER, _ALPHA, _CONNECTOR, _PUNCT, _OTHER = range(7)


def _connector(ch: str) -> bool:
    return ch in "-_" or ch.isspace()


def _alphabet(ch: str) -> bool:
    """A letter that is not a CJK ideograph."""
    if not ch.isalpha():
        return False
    code = ord(ch)
    return not (0x4E00 <= code <= 0x9FCC or 0x3400 <= code <= 0x4D85 or 0x20000 <= code <= 0x2B81D)


def _punct(ch: str) -> bool:
    return unicodedata.category(ch).startswith("P")


def _number(ch: str) -> bool:
    return unicodedata.category(ch).startswith("N")


def _run(s: str, i: int, pred: Callable[[str], bool]) -> int:
    while i < len(s) and pred(s[i]):
        i += 1
    return i


def next_word(s: str) -> tuple[int, str, str]:
    """The type, text and remainder of the first word of ``s``."""
    if not s:
        return _INVALID, "", ""
    ch = s[0]
    if ch == "\ufffd":
        return _INVALID, ch, s[1:]
    if _connector(ch):
        end = _run(s, 1, _connector)
        return _CONNECTOR, s[:end], s[end:]
    if _punct(ch):
        end = _run(s, 1, _punct)
        return _PUNCT, s[:end], s[end:]
    if ch.isupper():
        if len(s) == 1:
            return _UPPER, s, ""
        nxt = s[1]
        if nxt.isupper():
            end = _run(s, 2, str.isupper)
            # "HTTPStatus" splits as "HTTP" + "Status": the last capital starts a word.
            if end < len(s) and _alphabet(s[end]):
                end -= 1
            return _UPPER, s[:end], s[end:]
        if _alphabet(nxt):
            end = _run(s, 2, lambda c: _alphabet(c) and not c.isupper())
            return _UPPER, s[:end], s[end:]
        return _UPPER, s[:1], s[1:]
    if _alphabet(ch):
        end = _run(s, 1, lambda c: _alphabet(c) and not c.isupper())
        return _ALPHA, s[:end], s[end:]
    if _number(ch):
        end = _run(s, 1, _number)
        return _NUMBER, s[:end], s[end:]
    end = 1
    while end < len(s) and not (
        _connector(s[end]) or _alphabet(s[end]) or _number(s[end]) or _punct(s[end])
    ):
        end += 1
    return _OTHER, s[:end], s[end:]


def _lower(out: list[str], kind: int, word: str, sep: str) -> None:
    if kind not in (_UPPER, _CONNECTOR):
        out.append(word)
        return
    for ch in word:
        if _connector(ch):
            out.append(sep)
        elif ch.isupper():
            lowered = ch.lower()
            out.append(lowered if len(lowered) == 1 else ch)
        else:
            out.append(ch)


def lower_words(s: str, sep: str) -> str:
    """Join the words of ``s`` in lower case with ``sep`` (snake or kebab case)."""
    if not s:
        return ""
    out: list[str] = []
    kind, word, rest = next_word(s)
    while rest:
        if kind != _CONNECTOR:
            _lower(out, kind, word, sep)
        prev, last = kind, word
        kind, word, rest = next_word(rest)
        if prev == _NUMBER:
            while kind in (_ALPHA, _NUMBER):
                _lower(out, kind, word, sep)
                kind, word, rest = next_word(rest)
            if kind not in (_INVALID, _PUNCT, _CONNECTOR):
                out.append(sep)
        elif prev == _CONNECTOR:
            _lower(out, prev, last, sep)
        elif prev == _PUNCT:
            pass
        elif kind != _NUMBER:
            if kind not in (_CONNECTOR, _PUNCT):
                out.append(sep)
        elif rest:
            number = word
            kind, word, rest = next_word(rest)
            if kind != _ALPHA:
                # A number right after a word belongs to it: "Bld4Floor" -> "bld4_floor".
                _lower(out, _NUMBER, number, sep)
                if kind not in (_CONNECTOR, _PUNCT):
                    out.append(sep)
            else:
                # Letters after a number start a new word with it: "HTTP2xx" -> "http_2xx".
                out.append(sep)
                _lower(out, _NUMBER, number, sep)
                while kind in (_ALPHA, _NUMBER):
                    _lower(out, kind, word, sep)
                    kind, word, rest = next_word(rest)
                if kind not in (_INVALID, _CONNECTOR, _PUNCT):
                    out.append(sep)
    _lower(out, kind, word, sep)
    return "".join(out)


def pascal_case(s: str) -> str:
    """Xstrings ``ToPascalCase``: connectors dropped, each word capitalised, the rest lower.

    Leading connectors are kept, and of a run of connectors all but the last are kept.
    """
    out: list[str] = []
    i = 0
    while i < len(s) and _connector(s[i]):
        out.append(s[i])
        i += 1
    upper_next = True
    prev = ""
    for ch in s[i:]:
        if _connector(ch):
            if prev and _connector(prev):
                out.append(prev)
            prev = ch
            upper_next = True
            continue
        if upper_next:
            up = ch.upper()
            out.append(up if len(up) == 1 else ch)
        elif ch.isupper() and prev.islower():
            out.append(ch)
        else:
            low = ch.lower()
            out.append(low if len(low) == 1 else ch)
        upper_next = False
        prev = ch
    if prev and _connector(prev):
        out.append(prev)
    return "".join(out)
