"""Masterminds semver constraints, Go durations and os.Expand, as Go computes them."""

from __future__ import annotations

import pytest

from gitops_schema.golang.duration import DurationError, format_duration, parse_duration
from gitops_schema.golang.expand import expand_env
from gitops_schema.golang.semver import SemverError, Version, semver_compare

MS = 10**6
S = 10**9


@pytest.mark.parametrize(
    ("constraint", "version", "admitted"),
    [
        ("^1.2.3", "1.9.0", True),
        ("^1.2.3", "2.0.0", False),
        ("^0.2.3", "0.2.9", True),
        ("^0.2.3", "0.3.0", False),
        ("~1.2.3", "1.2.9", True),
        ("~1.2.3", "1.3.0", False),
        ("1.2 - 1.4.5", "1.4.5", True),
        ("1.2 - 1.4.5", "1.4.6", False),
        (">=1.0, <2", "1.5.0", True),
        ("<2.0.0", "1.5.0-beta", False),
        (">=1.0.0-0", "1.0.0-alpha", True),
        ("1.x", "1.7.3", True),
        ("*", "3.0.0", True),
        (">1 || <0.5", "0.4.0", True),
        ("!=1.2.3", "1.2.3", False),
    ],
)
def test_constraints(constraint: str, version: str, admitted: bool) -> None:
    assert semver_compare(constraint, version) is admitted


def test_versions() -> None:
    assert str(Version("v1.2")) == "1.2.0"
    assert Version("1.2.3-alpha.1+b5").compare(Version("1.2.3")) == -1
    assert Version("1.2.3-alpha.10").compare(Version("1.2.3-alpha.9")) == 1
    for bad in ("1.2.3.4", "x", "1.2.3-01"):
        with pytest.raises(SemverError):
            Version(bad)
    with pytest.raises(SemverError, match="improper constraint"):
        semver_compare("=>>1", "1.0.0")


@pytest.mark.parametrize(
    ("text", "nanoseconds"),
    [
        ("0", 0),
        ("-0", 0),
        ("5s", 5 * S),
        ("+5s", 5 * S),
        ("-5s", -5 * S),
        ("5.6s", 5600 * MS),
        ("5.s", 5 * S),
        (".5s", 500 * MS),
        ("1.004s", 1004 * MS),
        ("100.00100s", 100_001 * MS),
        ("10ns", 10),
        ("11us", 11_000),
        ("12µs", 12_000),
        ("12μs", 12_000),
        ("3h30m", (3 * 60 + 30) * 60 * S),
        ("10.5s4m", 4 * 60 * S + 10_500 * MS),
        ("-2m3.4s", -(2 * 60 * S + 3400 * MS)),
        ("1h2m3s4ms5us6ns", 3723 * S + 4 * MS + 5006),
        ("0.3333333333333333333h", 20 * 60 * S),
        ("9223372036854775807ns", 2**63 - 1),
        ("9223372036854775.807us", 2**63 - 1),
        ("-9223372036854775808ns", -(2**63)),
        ("0.830103483285477580700h", 49 * 60 * S + 48 * S + 372_539_827),
    ],
)
def test_parse_duration(text: str, nanoseconds: int) -> None:
    assert parse_duration(text) == nanoseconds


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", 'time: invalid duration ""'),
        ("3", 'time: missing unit in duration "3"'),
        ("-", 'time: invalid duration "-"'),
        ("s", 'time: invalid duration "s"'),
        (".s", 'time: invalid duration ".s"'),
        ("1d", 'time: unknown unit "d" in duration "1d"'),
        ("9223372036854775808ns", 'time: invalid duration "9223372036854775808ns"'),
        ("-9223372036854775809ns", 'time: invalid duration "-9223372036854775809ns"'),
    ],
)
def test_parse_duration_errors(text: str, message: str) -> None:
    with pytest.raises(DurationError) as raised:
        parse_duration(text)
    assert str(raised.value) == message


def test_format_duration() -> None:
    assert format_duration(0) == "0s"
    assert format_duration(1500 * MS) == "1.5s"
    assert format_duration(1500) == "1.5µs"
    assert format_duration(-(3723 * S + 500 * MS)) == "-1h2m3.5s"


def test_expand_env_as_os_expand() -> None:
    env = {"HOME": "/usr/gopher", "H": "(Value of H)", "home_1": "/usr/foo"}
    assert expand_env("$HOME ${HOME} ${H}OME $home_1", env) == (
        "/usr/gopher /usr/gopher (Value of H)OME /usr/foo"
    )
    assert expand_env("start$+middle$^end$", env) == "start$+middle$^end$"
    assert expand_env("$$ $ $} ${ ${}", env) == "$ $ $} "
    assert expand_env("$UNSET.", env) == "."
