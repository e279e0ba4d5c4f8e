"""Sprig string functions (strings.go, goutils, xstrings), byte semantics where Go has them."""

from __future__ import annotations

from typing import Any

from gitops_schema.gotemplate.casing import lower_words, pascal_case
from gitops_schema.gotemplate.funcs import ANY, INT, STR, FuncError, FuncMap, GoFunc, check_size
from gitops_schema.gotemplate.literals import go_quote
from gitops_schema.gotemplate.sprig_conv import strval
from gitops_schema.gotemplate.values import GoList, GoMap

_GO_SPACE = " \t\n\v\f\r\x85\xa0"


def _b(s: str) -> bytes:
    return s.encode("utf-8", "surrogatepass")


def _s(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def go_upper(s: str) -> str:
    """``strings.ToUpper``: one rune maps to one rune (``ß`` stays ``ß``)."""
    return "".join(u if len(u := c.upper()) == 1 else c for c in s)


def go_lower(s: str) -> str:
    """``strings.ToLower``."""
    return "".join(low if len(low := c.lower()) == 1 else c for c in s)


def _title_rune(c: str) -> str:
    t = c.title()
    return t if len(t) == 1 else c


def _is_separator(r: str) -> bool:
    if ord(r) <= 0x7F:
        return not (r.isalnum() or r == "_")
    if r.isalpha() or r.isdigit():
        return False
    return r.isspace()


def go_title(s: str) -> str:
    """``strings.Title``: upper-case the first letter of every word."""
    out = []
    prev = " "
    for c in s:
        out.append(_title_rune(c) if _is_separator(prev) else c)
        prev = c
    return "".join(out)


def untitle(s: str) -> str:
    """Goutils ``Uncapitalize``: lower-case the first letter of every word."""
    out = []
    prev_space = True
    for c in s:
        out.append(go_lower(c) if prev_space else c)
        prev_space = c.isspace()
    return "".join(out)


def abbreviate_full(s: str, offset: int, width: int) -> str:
    """Goutils ``AbbreviateFull``."""
    if s == "":
        return ""
    if width < 4:
        raise FuncError("stringutils illegal argument: Minimum abbreviation width is 4")
    if len(s) <= width:
        return s
    offset = min(offset, len(s))
    if len(s) - offset < width - 3:
        offset = len(s) - (width - 3)
    if offset <= 4:
        return s[: width - 3] + "..."
    if width < 7:
        raise FuncError("stringutils illegal argument: Minimum abbreviation width with offset is 7")
    if offset + width - 3 < len(s):
        return "..." + abbreviate_full(s[offset:], 0, width - 3)
    return "..." + s[len(s) - (width - 3) :]


def abbrev(width: int, s: str) -> str:
    """``abbrev``."""
    if width < 4:
        return s
    return abbreviate_full(s, 0, width)


def abbrevboth(left: int, right: int, s: str) -> str:
    """``abbrevboth``."""
    if right < 4 or (left > 0 and right < 7):
        return s
    return abbreviate_full(s, left, right)


def trunc(c: int, s: str) -> str:
    """``trunc``: byte-wise, negative counts keep the end."""
    data = _b(s)
    if c < 0 and len(data) + c > 0:
        return _s(data[len(data) + c :])
    if c >= 0 and len(data) > c:
        return _s(data[:c])
    return s


def substr(start: int, end: int, s: str) -> str:
    """``substr``: Go slicing, including its panics."""
    data = _b(s)
    if start < 0:
        return _s(_slice(data, 0, end))
    if end < 0 or end > len(data):
        return _s(_slice(data, start, len(data)))
    return _s(_slice(data, start, end))


def _slice(data: bytes, lo: int, hi: int) -> bytes:
    if hi < 0 or hi > len(data):
        raise FuncError(f"runtime error: slice bounds out of range [:{hi}] with length {len(data)}")
    if lo < 0 or lo > hi:
        raise FuncError(f"runtime error: slice bounds out of range [{lo}:{hi}]")
    return data[lo:hi]


def repeat(count: int, s: str) -> str:
    """``repeat`` (bounded: a huge result is an error, not a hang)."""
    if count < 0:
        raise FuncError("strings: negative Repeat count")
    if count * len(s) > 10_000_000:
        raise FuncError("strings: Repeat output length overflow")
    return s * count


def swapcase(s: str) -> str:
    """Goutils ``SwapCase``."""
    out = []
    for c in s:
        if c.isupper() or c.istitle():
            out.append(go_lower(c))
        elif c.islower():
            out.append(go_upper(c))
        else:
            out.append(c)
    return "".join(out)


_LATIN1_SPACE = "\t\n\v\f\r \x85\xa0"


def initials(s: str) -> str:
    """The goutils ``Initials``: the first byte of each whitespace-separated word.

    goutils reads bytes as runes, so a non-ASCII initial comes out as its first byte.
    """
    out = []
    gap = True
    for byte in _b(s):
        ch = chr(byte)
        if ch in _LATIN1_SPACE:
            gap = True
        elif gap:
            out.append(ch)
            gap = False
    return "".join(out)


def wrap_custom(s: str, width: int, newline: str, wrap_long: bool) -> str:
    """Goutils ``WrapCustom``."""
    if s == "":
        return ""
    newline = newline or "\n"
    width = max(width, 1)
    offset = 0
    out: list[str] = []
    while len(s) - offset > width:
        if s[offset] == " ":
            offset += 1
            continue
        space = s.rfind(" ", offset, width + offset + 1)
        if space >= offset:
            out.append(s[offset:space] + newline)
            offset = space + 1
        elif wrap_long:
            out.append(s[offset : offset + width] + newline)
            offset += width
        else:
            index = s.find(" ", width + offset)
            if index == -1:
                out.append(s[offset:])
                offset = len(s)
            else:
                out.append(s[offset:index] + newline)
                offset = index + 1
    out.append(s[offset:])
    return "".join(out)


def quote(*values: Any) -> str:
    """``quote``: each non-nil argument as a Go ``%q`` string."""
    return " ".join(go_quote(strval(v)) for v in values if v is not None)


def squote(*values: Any) -> str:
    """``squote``."""
    return " ".join("'" + strval(v) + "'" for v in values if v is not None)


def cat(*values: Any) -> str:
    """``cat``: non-nil arguments joined by spaces."""
    return " ".join(strval(v) for v in values if v is not None)


def indent(spaces: int, s: str) -> str:
    """``indent``."""
    check_size(spaces * (s.count("\n") + 1) + len(s), "indented text")
    pad = " " * spaces
    return pad + s.replace("\n", "\n" + pad)


def go_split(s: str, sep: str, n: int = -1) -> list[str]:
    """``strings.SplitN``."""
    if n == 0:
        return []
    if sep == "":
        chars = list(s)
        if n > 0 and len(chars) > n:
            return [*chars[: n - 1], "".join(chars[n - 1 :])]
        return chars
    return s.split(sep) if n < 0 else s.split(sep, n - 1)


def _split_map(parts: list[str]) -> GoMap:
    return GoMap({f"_{i}": p for i, p in enumerate(parts)}, "string")


def nospace(s: str) -> str:
    """The goutils ``DeleteWhiteSpace``, byte-wise like goutils (so it can split UTF-8)."""
    data = _b(s)
    kept = [chr(b) for b in data if chr(b) not in _LATIN1_SPACE]
    return s if len(kept) == len(data) else "".join(kept)


def go_trim_space(s: str) -> str:
    """``strings.TrimSpace``."""
    return s.strip(
        _GO_SPACE + "\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
        "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
    )


def _trim_prefix(prefix: str, s: str) -> str:
    return s[len(prefix) :] if prefix and s.startswith(prefix) else s


def _trim_suffix(suffix: str, s: str) -> str:
    return s[: -len(suffix)] if suffix and s.endswith(suffix) else s


FUNCS: FuncMap = {
    "abbrev": GoFunc(abbrev, (INT, STR)),
    "abbrevboth": GoFunc(abbrevboth, (INT, INT, STR)),
    "trunc": GoFunc(trunc, (INT, STR)),
    "trim": GoFunc(go_trim_space, (STR,)),
    "upper": GoFunc(go_upper, (STR,)),
    "lower": GoFunc(go_lower, (STR,)),
    "title": GoFunc(go_title, (STR,)),
    "untitle": GoFunc(untitle, (STR,)),
    "substr": GoFunc(substr, (INT, INT, STR)),
    "repeat": GoFunc(repeat, (INT, STR)),
    "trimall": GoFunc(lambda a, b: b.strip(a), (STR, STR)),
    "trimAll": GoFunc(lambda a, b: b.strip(a), (STR, STR)),
    "trimSuffix": GoFunc(_trim_suffix, (STR, STR)),
    "trimPrefix": GoFunc(_trim_prefix, (STR, STR)),
    "nospace": GoFunc(nospace, (STR,)),
    "initials": GoFunc(initials, (STR,)),
    "swapcase": GoFunc(swapcase, (STR,)),
    "snakecase": GoFunc(lambda s: lower_words(s, "_"), (STR,)),
    "camelcase": GoFunc(pascal_case, (STR,)),
    "kebabcase": GoFunc(lambda s: lower_words(s, "-"), (STR,)),
    "wrap": GoFunc(lambda n, s: wrap_custom(s, n, "", False), (INT, STR)),
    "wrapWith": GoFunc(lambda n, sep, s: wrap_custom(s, n, sep, True), (INT, STR, STR)),
    "contains": GoFunc(lambda sub, s: sub in s, (STR, STR)),
    "hasPrefix": GoFunc(lambda sub, s: s.startswith(sub), (STR, STR)),
    "hasSuffix": GoFunc(lambda sub, s: s.endswith(sub), (STR, STR)),
    "quote": GoFunc(quote, (), ANY),
    "squote": GoFunc(squote, (), ANY),
    "cat": GoFunc(cat, (), ANY),
    "indent": GoFunc(indent, (INT, STR)),
    "nindent": GoFunc(lambda n, s: "\n" + indent(n, s), (INT, STR)),
    "replace": GoFunc(lambda old, new, s: s.replace(old, new), (STR, STR, STR)),
    "plural": GoFunc(lambda one, many, n: one if n == 1 else many, (STR, STR, INT)),
    "split": GoFunc(lambda sep, s: _split_map(go_split(s, sep)), (STR, STR)),
    "splitList": GoFunc(lambda sep, s: GoList(go_split(s, sep), "string"), (STR, STR)),
    "splitn": GoFunc(lambda sep, n, s: _split_map(go_split(s, sep, n)), (STR, INT, STR)),
    "toString": GoFunc(strval, (ANY,)),
    "hello": GoFunc(lambda: "Hello!"),
}
