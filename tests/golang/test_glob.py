"""Go's path.Match (cases of Go's own match_test.go), doublestar and gobwas globs."""

from __future__ import annotations

import time

import pytest

from gitops_schema.golang.glob import BadPattern, doublestar_match, gobwas_match, path_match

BAD = None


@pytest.mark.parametrize(
    ("pattern", "name", "matched"),
    [
        ("abc", "abc", True),
        ("*", "abc", True),
        ("*c", "abc", True),
        ("a*", "a", True),
        ("a*", "abc", True),
        ("a*", "ab/c", False),
        ("a*/b", "abc/b", True),
        ("a*/b", "a/c/b", False),
        ("a*b*c*d*e*/f", "axbxcxdxe/f", True),
        ("a*b*c*d*e*/f", "axbxcxdxexxx/f", True),
        ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", False),
        ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", False),
        ("a*b?c*x", "abxbbxdbxebxczzx", True),
        ("a*b?c*x", "abxbbxdbxebxczzy", False),
        ("ab[c]", "abc", True),
        ("ab[b-d]", "abc", True),
        ("ab[e-g]", "abc", False),
        ("ab[^c]", "abc", False),
        ("ab[^b-d]", "abc", False),
        ("ab[^e-g]", "abc", True),
        ("a\\*b", "a*b", True),
        ("a\\*b", "ab", False),
        ("a?b", "a☺b", True),
        ("a[^a]b", "a☺b", True),
        ("a???b", "a☺b", False),
        ("[a-ζ]*", "α", True),
        ("*[a-ζ]", "A", False),
        ("a?b", "a/b", False),
        ("a*b", "a/b", False),
        ("[\\]a]", "]", True),
        ("[\\-]", "-", True),
        ("[x\\-]", "-", True),
        ("[x\\-]", "z", False),
        ("[\\-x]", "a", False),
        ("*x", "xxx", True),
        ("[]a]", "]", BAD),
        ("[-]", "-", BAD),
        ("[x-]", "x", BAD),
        ("[-x]", "x", BAD),
        ("\\", "a", BAD),
        ("[a-b-c]", "a", BAD),
        ("[", "a", BAD),
        ("[^", "a", BAD),
        ("[^bc", "a", BAD),
        ("a[", "a", BAD),
        ("a[", "x", BAD),
        ("a/b[", "x", BAD),
    ],
)
def test_path_match_as_go(pattern: str, name: str, matched: bool | None) -> None:
    if matched is None:
        with pytest.raises(BadPattern, match="syntax error in pattern"):
            path_match(pattern, name)
    else:
        assert path_match(pattern, name) is matched


def test_a_path_match_class_may_match_a_slash() -> None:
    # Only * and ? stop at "/" in path.Match; a class is any one character.
    assert path_match("a[^x]b", "a/b")
    assert not doublestar_match("a[^x]b", "a/b")


@pytest.mark.parametrize(
    ("pattern", "path", "matched"),
    [
        ("**", "a/b/c", True),
        ("a/**", "a", True),
        ("a/**", "a/b/c", True),
        ("**/c", "c", True),
        ("**/c", "a/b/c", True),
        ("a/**/c", "a/c", True),
        ("a/**/c", "a/b/x/c", True),
        ("a/**b", "a/xb", True),
        ("a/**b", "a/x/b", False),
        ("*.{yaml,yml}", "a.yml", True),
        ("*.{yaml,yml}", "d/a.yaml", False),
        ("{a,b/{c,d}}/e", "b/d/e", True),
        ("[!a]", "b", True),
        ("[^a]", "/", False),
        ("[a-]", "-", True),
        ("[z-a]", "b", False),
        ("\\*", "*", True),
    ],
)
def test_doublestar(pattern: str, path: str, matched: bool) -> None:
    assert doublestar_match(pattern, path) is matched


@pytest.mark.parametrize("pattern", ["a{b", "[a", "[]", "a\\"])
def test_doublestar_refuses_malformed_patterns(pattern: str) -> None:
    with pytest.raises(BadPattern):
        doublestar_match(pattern, "a")


def test_gobwas_wildcards_cross_slashes() -> None:
    assert gobwas_match("*.yaml", "a/b.yaml")
    assert gobwas_match("{a,b}/*", "b/c/d")
    assert gobwas_match("[!x]?", "ab") and not gobwas_match("[!x]?", "xb")


def test_globs_match_in_linear_time() -> None:
    start = time.perf_counter()
    assert not path_match("*a*a*a*a*a*a*a*a*b", "a" * 5_000)
    assert not doublestar_match("**/*a*a*a*a*a*a*a*b", "a" * 5_000)
    assert not gobwas_match("*a*a*a*a*a*a*a*a*b", "a" * 5_000)
    assert time.perf_counter() - start < 1.0
