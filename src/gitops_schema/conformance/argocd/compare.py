"""How a vector's expectation is compared with what we produced."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def plain(value: Any) -> Any:
    """JSON-normalised data (positioned containers and tuples become plain JSON)."""
    return json.loads(json.dumps(value, sort_keys=True, default=str))


def error_matches(case: Mapping[str, Any], message: str) -> bool:
    """Whether our error message satisfies the case's ``expected_error``/``error_match``."""
    expected = case.get("expected_error")
    mode = case.get("error_match") or "substring"
    if mode == "any":
        return True
    if mode == "all_substrings":
        return all(str(part) in message for part in expected or [])
    if mode == "exact":
        return message == expected
    return str(expected) in message


def params_match(case: Mapping[str, Any], got: list[Any]) -> bool:
    """Whether produced parameter sets satisfy ``expected_params`` (or the partial form)."""
    produced = plain(got)
    if "expected_params_partial" in case:
        partial = case["expected_params_partial"] or []
        if "expected_count" in case and len(produced) != case["expected_count"]:
            return False
        if len(produced) < len(partial):
            return False
        return all(
            all(item.get(k) == v for k, v in expected.items())
            for item, expected in zip(produced, plain(partial), strict=False)
        )
    expected = plain(case.get("expected_params") or [])
    if case.get("ordered", True):
        return bool(produced == expected)
    return sorted(map(_key, produced)) == sorted(map(_key, expected))


def _key(value: Any) -> str:
    return json.dumps(_canonical(value), sort_keys=True)


def _canonical(value: Any) -> Any:
    """The order-insensitive form of a value, for unordered cases.

    Go's float64 ``123`` equals ``123``, and lists of objects (a flat clusters list is
    built from a Go map) compare as multisets.
    """
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical(v) for v in value]
        if items and all(isinstance(v, dict) for v in items):
            items.sort(key=lambda v: json.dumps(v, sort_keys=True))
        return items
    return value


def pointer(document: Any, path: str) -> Any:
    """The value at a JSON Pointer, or a sentinel KeyError when it does not exist."""
    node = document
    for raw in path.split("/")[1:] if path else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            node = node[int(part)]
        elif isinstance(node, Mapping):
            node = node[part]
        else:
            raise KeyError(path)
    return node


def partial_matches(document: Any, expected: Mapping[str, Any]) -> bool:
    """Whether every JSON Pointer of ``expected`` holds the expected value."""
    try:
        return all(plain(pointer(document, p)) == plain(v) for p, v in expected.items())
    except (KeyError, IndexError, ValueError):
        return False
