"""Sprig's ``regex*`` functions on Go's ``regexp``, a real RE2 (:mod:`..golang.regex`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gitops_schema.golang.regex import RegexError, Regexp, quote_meta
from gitops_schema.golang.regex import compile_go as _compile
from gitops_schema.gotemplate.funcs import INT, STR, FuncError, FuncMap, GoFunc
from gitops_schema.gotemplate.literals import can_backquote, go_quote
from gitops_schema.gotemplate.values import GoList


def compile_go(pattern: str) -> Regexp:
    """``regexp.Compile``.

    Raises:
        FuncError: ``error parsing regexp: ...`` as Go's ``regexp.Compile`` reports it.
    """
    try:
        return _compile(pattern)
    except RegexError as error:
        raise FuncError(str(error)) from None


def must_compile(pattern: str) -> Regexp:
    """``regexp.MustCompile``: the panic text names the pattern."""
    try:
        return compile_go(pattern)
    except FuncError as exc:
        shown = "`" + pattern + "`" if can_backquote(pattern) else go_quote(pattern)
        raise FuncError(f"regexp: Compile({shown}): {exc}") from None


def _strings(items: list[str]) -> GoList:
    return GoList(items, "string")


def _find(compiler: Callable[[str], Regexp]) -> Any:
    def run(rx: str, s: str) -> str:
        found = compiler(rx).search(s)
        return "" if found is None else found.group() or ""

    return run


def _find_all(compiler: Callable[[str], Regexp]) -> Any:
    return lambda rx, s, n: _strings([m.group() or "" for m in compiler(rx).find_all(s, n)])


def _match(rx: str, s: str) -> bool:
    try:
        return _compile(rx).matches(s)
    except RegexError:
        return False


FUNCS: FuncMap = {
    "regexMatch": GoFunc(_match, (STR, STR)),
    "mustRegexMatch": GoFunc(lambda rx, s: compile_go(rx).matches(s), (STR, STR)),
    "regexFindAll": GoFunc(_find_all(must_compile), (STR, STR, INT)),
    "mustRegexFindAll": GoFunc(_find_all(compile_go), (STR, STR, INT)),
    "regexFind": GoFunc(_find(must_compile), (STR, STR)),
    "mustRegexFind": GoFunc(_find(compile_go), (STR, STR)),
    "regexReplaceAll": GoFunc(lambda rx, s, r: must_compile(rx).replace_all(s, r), (STR, STR, STR)),
    "mustRegexReplaceAll": GoFunc(
        lambda rx, s, r: compile_go(rx).replace_all(s, r), (STR, STR, STR)
    ),
    "regexReplaceAllLiteral": GoFunc(
        lambda rx, s, r: must_compile(rx).replace_all(s, r, literal=True), (STR, STR, STR)
    ),
    "mustRegexReplaceAllLiteral": GoFunc(
        lambda rx, s, r: compile_go(rx).replace_all(s, r, literal=True), (STR, STR, STR)
    ),
    "regexSplit": GoFunc(lambda rx, s, n: _strings(must_compile(rx).split(s, n)), (STR, STR, INT)),
    "mustRegexSplit": GoFunc(
        lambda rx, s, n: _strings(compile_go(rx).split(s, n)), (STR, STR, INT)
    ),
    "regexQuoteMeta": GoFunc(quote_meta, (STR,)),
}
