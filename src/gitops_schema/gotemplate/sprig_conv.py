"""Conversions Sprig uses everywhere.

spf13/cast's ``ToInt64``/``ToFloat64``, ``strval``, ``strslice`` and ``empty``, with
Go's int64 wrap-around.
"""

from __future__ import annotations

import re
from typing import Any

from gitops_schema.gotemplate.gofmt import format_value
from gitops_schema.gotemplate.literals import parse_float, parse_int
from gitops_schema.gotemplate.values import MISSING, GoList, GoObject, Int64, is_true


def wrap64(value: int) -> Int64:
    """Wrap ``value`` into Go's int64 range, as Go's arithmetic does."""
    value &= (1 << 64) - 1
    if value >= 1 << 63:
        value -= 1 << 64
    return Int64(value)


def _trim_zero_decimal(s: str) -> str:
    # cast strips a trailing ".000" so "4.0" parses as an integer.
    m = re.fullmatch(r"(.*?)\.0+", s)
    return m.group(1) if m and m.group(1) else s


def to_int64(value: Any) -> Int64:
    """spf13/cast ``ToInt64``: numbers truncate, strings parse with base prefixes, else 0."""
    if isinstance(value, bool):
        return Int64(1 if value else 0)
    if isinstance(value, int):
        return wrap64(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return Int64(-(1 << 63))
        return wrap64(int(value))
    if isinstance(value, str):
        parsed = parse_int(_trim_zero_decimal(value))
        if parsed is None or not -(1 << 63) <= parsed < 1 << 63:
            return Int64(0)
        return Int64(parsed)
    return Int64(0)


def to_int(value: Any) -> int:
    """spf13/cast ``ToInt``."""
    return int(to_int64(value))


def to_float64(value: Any) -> float:
    """spf13/cast ``ToFloat64``: strings parse with ``strconv.ParseFloat``, else 0."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        parsed = parse_float(value)
        return 0.0 if parsed is None else parsed
    return 0.0


def strval(value: Any) -> str:
    """Sprig's ``strval``: strings as is, Stringers via ``String()``, else ``%v``."""
    if isinstance(value, str):
        return value
    if isinstance(value, GoObject):
        text = value.go_string()
        if text is not None:
            return text
    if value is MISSING:
        return "<nil>"
    return format_value(value)


def strslice(value: Any) -> GoList:
    """Sprig's ``strslice``: a list as ``[]string`` without its nils; a scalar as one item."""
    if isinstance(value, list):
        return GoList([strval(v) for v in value if v is not None], "string")
    if value is None or value is MISSING:
        return GoList([], "string")
    return GoList([strval(value)], "string")


def empty(value: Any) -> bool:
    """Sprig's ``empty``: the zero value of its type, nil, or an empty container."""
    return not is_true(value)


def go_kind(value: Any) -> str:
    """``reflect.TypeOf(v).Kind()`` as Sprig prints it in its errors."""
    if isinstance(value, list):
        return "slice"
    if isinstance(value, dict):
        return "map"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, Int64):
        return "int64"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, GoObject):
        return value.go_kind
    return "invalid"
