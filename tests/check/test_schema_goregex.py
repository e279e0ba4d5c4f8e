"""Go (RE2) patterns translated into the ECMA dialect keep their Go meaning."""

from __future__ import annotations

import jsonschema_rs
import pytest

from gitops_schema.check.schema_normalise import usable_pattern
from gitops_schema.golang.ecma import translate


@pytest.mark.parametrize(
    ("go", "matches", "rejects"),
    [
        ("^(?i)(abort|warn)?$", "ABORT", "sometimes"),
        ("^((?i)sun|mon)day$", "SUNday", "Sunday!"),
        ("(?i)^abc$", "ABC", "abd"),
        ("(?m)^a$", "b\na", "b"),
        ("(?s)a.b", "a\nb", "ab"),
        ("(?U)a+", "a", "b"),
        ("a\\z", "a", "ab"),
        ("\\Aa", "a", "ba"),
        ("(?P<name>x)", "x", "y"),
        ("^[[:alpha:]]+$", "ab", "a1"),
        ("^[^[:space:]]+$", "ab", "a b"),
        ("^\\pL+$", "ab", "a1"),
        ("\\Q.*\\E", ".*", "ab"),
        ("^\\x{41}$", "A", "B"),
        ("^[]a]+$", "]a", "b"),
        ("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$", "1m30s", "5 minutes"),
    ],
)
def test_a_go_pattern_keeps_its_meaning(go: str, matches: str, rejects: str) -> None:
    validator = jsonschema_rs.Draft7Validator({"pattern": translate(go)})
    assert validator.is_valid(matches)
    assert not validator.is_valid(rejects)


def test_plain_patterns_are_unchanged() -> None:
    pattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
    assert translate(pattern) == pattern


def test_a_pattern_that_cannot_compile_is_dropped_not_fatal() -> None:
    assert usable_pattern("(unclosed") is None
    assert usable_pattern("(?i)ok") == "(?i:ok)"
