"""Globbing: git pathspecs (old), doublestar (new) and Go's path.Match.

The git expectations were produced by ``git ls-files -- <pattern>`` on the same tree.
"""

from __future__ import annotations

import pytest

from gitops_schema.appset.globbing import BadPattern, match_files, path_match

TREE = [
    "a/b]c",
    "a/xy",
    "cluster-config/production/config.json",
    "config.json",
    "d/e.yaml",
    "d/e/f/g.yaml",
    "p1/config.json",
    "p1/p2/config.json",
    "some-path/staging/values.yaml",
    "some-path/values.yaml",
    "x/.hidden/h",
    "x/[y]/z",
    "x/a*b",
]


@pytest.mark.parametrize(
    ("pattern", "old", "new"),
    [
        (
            "**/config.json",
            ["cluster-config/production/config.json", "p1/config.json", "p1/p2/config.json"],
            [
                "cluster-config/production/config.json",
                "config.json",
                "p1/config.json",
                "p1/p2/config.json",
            ],
        ),
        ("p1/**/config.json", ["p1/p2/config.json"], ["p1/config.json", "p1/p2/config.json"]),
        (
            "some-path/*.yaml",
            ["some-path/staging/values.yaml", "some-path/values.yaml"],
            ["some-path/values.yaml"],
        ),
        ("p1", ["p1/config.json", "p1/p2/config.json"], []),
        ("p1/", ["p1/config.json", "p1/p2/config.json"], []),
        ("p1/**", ["p1/config.json", "p1/p2/config.json"], ["p1/config.json", "p1/p2/config.json"]),
        ("d/e", ["d/e/f/g.yaml"], []),
        ("a/?y", ["a/xy"], ["a/xy"]),
        ("?1/*", ["p1/config.json", "p1/p2/config.json"], ["p1/config.json"]),
        ("[a-p]1/config.json", ["p1/config.json"], ["p1/config.json"]),
        ("[[:alpha:]]1/config.json", ["p1/config.json"], []),
        ("x/\\[y\\]/z", ["x/[y]/z"], ["x/[y]/z"]),
        ("x/[y]/z", ["x/[y]/z"], []),
        ("x/a\\*b", ["x/a*b"], ["x/a*b"]),
        ("*/.hidden/*", ["x/.hidden/h"], ["x/.hidden/h"]),
        ("./p1//p2/../config.json", ["p1/config.json"], ["p1/config.json"]),
        ("{d,p1}/*.{json,yaml}", [], ["d/e.yaml", "p1/config.json"]),
    ],
)
def test_old_and_new_globbing(pattern: str, old: list[str], new: list[str]) -> None:
    assert match_files(TREE, pattern, new_globbing=False) == old
    assert match_files(TREE, pattern, new_globbing=True) == new


def test_old_globbing_star_matches_everything_below() -> None:
    assert match_files(TREE, "*.json", new_globbing=False) == [
        "cluster-config/production/config.json",
        "config.json",
        "p1/config.json",
        "p1/p2/config.json",
    ]
    assert match_files(TREE, "*.json", new_globbing=True) == ["config.json"]


def test_empty_pattern_lists_the_whole_repository_in_old_mode_only() -> None:
    assert match_files(TREE, "", new_globbing=False) == sorted(TREE)
    assert match_files(TREE, "", new_globbing=True) == []


def test_patterns_leaving_the_repository() -> None:
    assert match_files(TREE, "../*", new_globbing=True) == []
    with pytest.raises(BadPattern, match="outside repository"):
        match_files(TREE, "../x", new_globbing=False)


@pytest.mark.parametrize(
    ("pattern", "name", "matched"),
    [
        ("a/**", "a", True),
        ("a/**", "a/b/c", True),
        ("a/**/b", "a/b", True),
        ("a/**/d", "a/b/c/d", True),
        ("abc**", "abc/b", False),
        ("a*/b", "a/c/b", False),
        ("ab[^c]", "abc", False),
        ("[a-b-d]", "-", True),
        ("[a-b-d]", "c", False),
        ("[-x]", "-", True),
        ("a{,bc}", "a", True),
        ("{a/{b,c},abc}", "a/c", True),
        ("{a/{b,c},abc}", "a/b/c", False),
        ("a?b", "a/b", False),
    ],
)
def test_doublestar_matching(pattern: str, name: str, matched: bool) -> None:
    assert match_files([name], pattern, new_globbing=True) == ([name] if matched else [])


@pytest.mark.parametrize("pattern", ["[", "a[", "[]a]", "ab{c,d}[", "{a,b", "\\"])
def test_doublestar_bad_patterns(pattern: str) -> None:
    with pytest.raises(BadPattern, match="syntax error in pattern"):
        match_files(["a"], pattern, new_globbing=True)


@pytest.mark.parametrize(
    ("pattern", "name", "matched"),
    [
        ("*", "app1", True),
        ("*", "p1/app2", False),
        ("p1/*/*", "p1/p2/app3", True),
        ("[fg]oo", "goo", True),
        ("[^fg]oo", "goo", False),
        ("a\\*", "a*", True),
        ("?", "/", False),
    ],
)
def test_go_path_match(pattern: str, name: str, matched: bool) -> None:
    assert path_match(pattern, name) is matched


@pytest.mark.parametrize("pattern", ["[", "[]a]", "[a-]", "[-a]", "a\\"])
def test_go_path_match_bad_patterns(pattern: str) -> None:
    with pytest.raises(BadPattern):
        path_match(pattern, "a")
