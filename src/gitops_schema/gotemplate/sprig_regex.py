"""Sprig regular expressions over Python's ``re``.

Go RE2 syntax is translated, and Go's error texts, rules for empty matches and
``$1``/``${name}`` expansion are kept.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from gitops_schema.gotemplate.funcs import INT, STR, FuncError, FuncMap, GoFunc
from gitops_schema.gotemplate.literals import can_backquote, go_quote
from gitops_schema.gotemplate.values import GoList

_POSIX = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\\x00-\\x7F",
    "blank": "\\t ",
    "cntrl": "\\x00-\\x1F\\x7F",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@[-`{-~",
    "space": "\\t\\n\\v\\f\\r ",
    "upper": "A-Z",
    "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}


def _translate(pattern: str) -> str:
    """Rewrite the RE2 constructs Python spells differently."""
    out: list[str] = []
    i = 0
    in_class = False
    multiline = bool(re.match(r"\(\?[a-zA-Z]*m", pattern))
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt == "z" and not in_class:
                out.append("\\Z")
            elif nxt == "Q":
                end = pattern.find("\\E", i + 2)
                end = len(pattern) if end < 0 else end
                out.append(re.escape(pattern[i + 2 : end]))
                i = end + 2
                continue
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            m = re.match(r"\[:(\^?)([a-z]+):\]", pattern[i:])
            if m and m.group(2) in _POSIX:
                if m.group(1):
                    raise FuncError("error parsing regexp: negated POSIX class unsupported")
                out.append(_POSIX[m.group(2)])
                i += m.end()
                continue
            if ch == "]" and out and out[-1] not in ("[", "[^"):
                in_class = False
            out.append(ch)
        elif ch == "[":
            in_class = True
            if pattern.startswith("[^", i):
                out.append("[^")
                i += 2
                if i < len(pattern) and pattern[i] == "]":
                    out.append("\\]")
                    i += 1
                continue
            out.append("[")
            if i + 1 < len(pattern) and pattern[i + 1] == "]":
                out.append("\\]")
                i += 1
        elif ch == "$" and not multiline:
            out.append("(?!\\n)\\Z")
        elif pattern.startswith("(?<", i) and not pattern.startswith(("(?<=", "(?<!"), i):
            out.append("(?P<")
            i += 3
            continue
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _go_error(pattern: str, exc: re.error) -> str:
    msg = exc.msg
    pos = exc.pos or 0
    if msg.startswith("unterminated character set"):
        return f"missing closing ]: `{pattern[pos:]}`"
    if msg.startswith("missing ), unterminated subpattern"):
        return f"missing closing ): `{pattern}`"
    if msg.startswith("unbalanced parenthesis"):
        return f"unexpected ): `{pattern}`"
    if msg.startswith("nothing to repeat"):
        return f"missing argument to repetition operator: `{pattern[pos : pos + 1]}`"
    if msg.startswith("multiple repeat"):
        return f"invalid nested repetition operator: `{pattern[pos - 1 : pos + 1]}`"
    if msg.startswith("bad escape"):
        return f"invalid escape sequence: `{pattern[pos : pos + 2]}`"
    if msg.startswith("bad character range"):
        return f"invalid character class range: `{pattern[pos:].split(']')[0]}`"
    return msg


@lru_cache(maxsize=256)
def compile_go(pattern: str) -> re.Pattern[str]:
    """Compile a Go regular expression.

    Raises:
        FuncError: ``error parsing regexp: ...`` as Go's ``regexp.Compile`` reports it.
    """
    try:
        return re.compile(_translate(pattern))
    except re.error as exc:
        raise FuncError(f"error parsing regexp: {_go_error(pattern, exc)}") from None


def must_compile(pattern: str) -> re.Pattern[str]:
    """``regexp.MustCompile``: the panic text names the pattern."""
    try:
        return compile_go(pattern)
    except FuncError as exc:
        shown = "`" + pattern + "`" if can_backquote(pattern) else go_quote(pattern)
        raise FuncError(f"regexp: Compile({shown}): {exc}") from None


def find_all(rx: re.Pattern[str], s: str, n: int) -> list[re.Match[str]]:
    """Go's ``FindAll``: empty matches right after a previous match are skipped."""
    if n == 0:
        return []
    out: list[re.Match[str]] = []
    prev_end = -1
    for m in rx.finditer(s):
        if m.start() == m.end() and m.start() == prev_end:
            continue
        out.append(m)
        prev_end = m.end()
        if 0 < n <= len(out):
            break
    return out


def expand(template: str, m: re.Match[str]) -> str:
    """Go's ``Regexp.Expand``: ``$1``, ``${1}``, ``$name``, ``${name}``, ``$$``."""
    out: list[str] = []
    i = 0
    while i < len(template):
        ch = template[i]
        if ch != "$" or i + 1 >= len(template):
            out.append(ch)
            i += 1
            continue
        rest = template[i + 1 :]
        if rest[0] == "$":
            out.append("$")
            i += 2
            continue
        mm = re.match(r"\{(\w+)\}", rest) or re.match(r"(\w+)", rest)
        if not mm:
            out.append("$")
            i += 1
            continue
        name = mm.group(1)
        i += 1 + mm.end()
        out.append(_group(m, name))
    return "".join(out)


def _group(m: re.Match[str], name: str) -> str:
    try:
        value = m.group(int(name)) if name.isdigit() else m.group(name)
    except IndexError:
        return ""
    return value or ""


def replace_all(rx: re.Pattern[str], s: str, repl: str, literal: bool) -> str:
    """``ReplaceAllString`` / ``ReplaceAllLiteralString``."""
    out: list[str] = []
    last = 0
    for m in find_all(rx, s, -1):
        out.append(s[last : m.start()])
        out.append(repl if literal else expand(repl, m))
        last = m.end()
    out.append(s[last:])
    return "".join(out)


def split(rx: re.Pattern[str], s: str, n: int) -> GoList:
    """Go's ``Regexp.Split``."""
    if n == 0:
        return GoList([], "string")
    if rx.pattern and s == "":
        return GoList([""], "string")
    parts: list[str] = []
    beg = end = 0
    for m in find_all(rx, s, n):
        if n > 0 and len(parts) == n - 1:
            break
        end = m.start()
        if m.end() != 0:
            parts.append(s[beg:end])
        beg = m.end()
    if end != len(s):
        parts.append(s[beg:])
    return GoList(parts, "string")


def quote_meta(s: str) -> str:
    """``regexp.QuoteMeta``."""
    return "".join("\\" + c if c in "\\.+*?()|[]{}^$" else c for c in s)


def _find(compiler: Any) -> Any:
    def run(rx: str, s: str) -> str:
        m = compiler(rx).search(s)
        return m.group(0) if m else ""

    return run


def _find_all(compiler: Any) -> Any:
    return lambda rx, s, n: GoList([m.group(0) for m in find_all(compiler(rx), s, n)], "string")


def _match(rx: str, s: str) -> bool:
    try:
        return compile_go(rx).search(s) is not None
    except FuncError:
        return False


FUNCS: FuncMap = {
    "regexMatch": GoFunc(_match, (STR, STR)),
    "mustRegexMatch": GoFunc(lambda rx, s: compile_go(rx).search(s) is not None, (STR, STR)),
    "regexFindAll": GoFunc(_find_all(must_compile), (STR, STR, INT)),
    "mustRegexFindAll": GoFunc(_find_all(compile_go), (STR, STR, INT)),
    "regexFind": GoFunc(_find(must_compile), (STR, STR)),
    "mustRegexFind": GoFunc(_find(compile_go), (STR, STR)),
    "regexReplaceAll": GoFunc(
        lambda rx, s, r: replace_all(must_compile(rx), s, r, False), (STR, STR, STR)
    ),
    "mustRegexReplaceAll": GoFunc(
        lambda rx, s, r: replace_all(compile_go(rx), s, r, False), (STR, STR, STR)
    ),
    "regexReplaceAllLiteral": GoFunc(
        lambda rx, s, r: replace_all(must_compile(rx), s, r, True), (STR, STR, STR)
    ),
    "mustRegexReplaceAllLiteral": GoFunc(
        lambda rx, s, r: replace_all(compile_go(rx), s, r, True), (STR, STR, STR)
    ),
    "regexSplit": GoFunc(lambda rx, s, n: split(must_compile(rx), s, n), (STR, STR, INT)),
    "mustRegexSplit": GoFunc(lambda rx, s, n: split(compile_go(rx), s, n), (STR, STR, INT)),
    "regexQuoteMeta": GoFunc(quote_meta, (STR,)),
}
