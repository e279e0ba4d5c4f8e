"""A body is read by msgspec when it can, else by json: the document, and every refusal's
status and reason, must be json's (the property below), whatever the body holds."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import HTTPException
from hypothesis import given, settings
from hypothesis import strategies as st

from gitops_schema.server.body import _parse_slowly, parse_json

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**80), 2**80),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
_DOCUMENTS = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=12,
)


def _as_json_reads(raw: bytes) -> tuple[str, Any]:
    """What the json path gives: ("ok", document) or ("refused", (status, reason))."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "refused", (400, "not UTF-8")
    try:
        return "ok", _parse_slowly(text)
    except HTTPException as error:
        return "refused", (error.status_code, error.detail)


def _read(raw: bytes) -> tuple[str, Any]:
    try:
        return "ok", parse_json(raw)
    except HTTPException as error:
        return "refused", (error.status_code, error.detail)


@settings(max_examples=300, deadline=None)
@given(document=_DOCUMENTS, ascii_only=st.booleans())
def test_documents_are_what_json_reads(document: Any, ascii_only: bool) -> None:
    raw = json.dumps(document, ensure_ascii=ascii_only).encode()
    kind, found = _read(raw)
    expected_kind, expected = _as_json_reads(raw)
    if expected_kind == "ok" and kind == "refused":
        # refused after reading for what the store cannot hold (NUL, lone surrogates)
        assert found[0] == 400 and "in a string" in found[1]
        return
    assert (kind, found) == (expected_kind, expected)
    if kind == "ok":  # the same types too (an int stays an int of any size)
        assert json.dumps(found) == json.dumps(expected)


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"  ",
        b"{not json",
        b"NaN",
        b"[Infinity]",
        b"[1e999]",
        b"[-1e400]",
        b"1 2",
        b"\xef\xbb\xbf{}",
        b'"\\ud800"',
        b'["\\u0000"]',
        b"[" * 70 + b"]" * 70,
        b"[" * 5000 + b"]" * 5000,
        b'"\x01"',
        b"-",
        b'{"a": 1,}',
    ],
)
def test_refusals_are_json_s(raw: bytes) -> None:
    kind, found = _read(raw)
    assert kind == "refused"
    expected_kind, expected = _as_json_reads(raw)
    if expected_kind == "refused":
        assert found == expected
    else:  # json reads it; the store refuses what it holds
        assert found[0] == 400


def test_big_integers_and_duplicate_keys_as_json_reads_them() -> None:
    raw = b'{"a": 123456789012345678901234567890, "b": 1.5e300, "a": -0, "c": 1E2}'
    assert parse_json(raw) == json.loads(raw)
    assert type(parse_json(raw)["c"]) is float
