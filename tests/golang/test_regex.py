"""Go's regexp on RE2: Go's results, Go's error texts, and linear time."""

from __future__ import annotations

import time

import pytest

from gitops_schema.golang.regex import RegexError, compile_go, expand, quote_meta


def test_catastrophic_patterns_answer_at_once() -> None:
    start = time.perf_counter()
    assert not compile_go("^(a+)+$").matches("a" * 100_000 + "b")
    assert not compile_go("(x+x+)+y").matches("x" * 50_000)
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("[a", "missing closing ]: `[a`"),
        ("a)", "unexpected ): `a)`"),
        ("(a", "missing closing ): `(a`"),
        ("a**", "invalid nested repetition operator: `**`"),
        ("*", "missing argument to repetition operator: `*`"),
        ("x{1001}", "invalid repeat count: `{1001}`"),
        ("\\8", "invalid escape sequence: `\\8`"),
        ("\\C", "invalid escape sequence: `\\C`"),
        ("[z-a]", "invalid character class range: `z-a`"),
        ("(?P<>a)", "invalid named capture: `(?P<>`"),
    ],
)
def test_parse_errors_are_gos(pattern: str, message: str) -> None:
    with pytest.raises(RegexError) as raised:
        compile_go(pattern)
    assert str(raised.value) == "error parsing regexp: " + message


def test_go_syntax_compiles_as_written() -> None:
    assert compile_go("(?i)^abc$").matches("ABC")
    assert compile_go("^[[:alpha:]]+$").matches("ab")
    assert compile_go("^\\pL+$").matches("éa")
    assert compile_go("\\Qa.b\\E").matches("a.b") and not compile_go("\\Qa.b\\E").matches("axb")
    assert compile_go("^\\x{41}$").matches("A")
    # Go's $ is the end of the text, not before a final newline (Python's is).
    assert not compile_go("a$").matches("a\n")
    assert compile_go("(?m)a$").matches("a\nb")


def test_find_all_skips_an_empty_match_right_after_a_match() -> None:
    found = compile_go("a*").find_all("baaab")
    assert [(m.start(), m.end()) for m in found] == [(0, 0), (1, 4), (5, 5)]
    assert [m.group() for m in compile_go("a.").find_all("paranormal")] == ["ar", "an", "al"]
    assert [m.group() for m in compile_go("a.").find_all("paranormal", 2)] == ["ar", "an"]
    assert compile_go("a.").find_all("paranormal", 0) == []


def test_split_as_go() -> None:
    assert compile_go("a*").split("abaabaccadaaae", 5) == ["", "b", "b", "c", "cadaaae"]
    assert compile_go("").split("abc", -1) == ["a", "b", "c"]
    assert compile_go("a").split("banana", 0) == []
    assert compile_go("z+").split("", -1) == [""]


def test_replace_all_expands_as_go() -> None:
    rx = compile_go("a(x*)b")
    assert rx.replace_all("-ab-axxb-", "T") == "-T-T-"
    assert rx.replace_all("-ab-axxb-", "$1") == "--xx-"
    assert rx.replace_all("-ab-axxb-", "$1W") == "---"
    assert rx.replace_all("-ab-axxb-", "${1}W") == "-W-xxW-"
    assert rx.replace_all("-ab-axxb-", "$1W", literal=True) == "-$1W-$1W-"


def test_expand_names_numbers_and_dollars() -> None:
    rx = compile_go("(?P<key>\\w+):\\s+(?P<value>\\w+)")
    found = rx.search("option1: value1")
    assert found is not None
    assert expand("$key=$value", found) == "option1=value1"
    assert expand("${key}x $$ $ $01 $9 ${", found) == "option1x $ $   ${"


def test_a_name_given_twice_reads_the_leftmost_that_matched() -> None:
    rx = compile_go("(?P<n>a)?(?P<n>b)")
    found = rx.search("b")
    assert found is not None and found.named("n") == "b"


def test_quote_meta() -> None:
    assert quote_meta("1.5-2.0?") == "1\\.5-2\\.0\\?"
    assert compile_go(quote_meta("a+b[c]")).matches("a+b[c]")


def test_positions_count_characters_not_bytes() -> None:
    found = compile_go("é+").search("xéé")
    assert found is not None and (found.start(), found.end()) == (1, 3)
    # A lone surrogate (not UTF-8) is matched as U+FFFD, as Go reads an invalid byte.
    assert compile_go("^.x$").matches("\ud800x")
