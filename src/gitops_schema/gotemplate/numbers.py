"""Template number literals: every Go type a constant can take, as ``parse.NumberNode``."""

from __future__ import annotations

import math

from gitops_schema.gotemplate import nodes as n
from gitops_schema.gotemplate.literals import (
    INT64_MAX,
    INT64_MIN,
    UINT64_MAX,
    LiteralError,
    go_quote,
    parse_float,
    parse_int,
    unquote,
)


def number_node(pos: int, src: n.Source, text: str, *, char: bool, complex_: bool) -> n.NumberNode:
    """Go's ``newNumber``: decide which of int, uint, float and complex ``text`` fits.

    Raises:
        LiteralError: ``illegal number syntax: "x"`` or ``integer overflow: "x"``.
    """
    node = n.NumberNode(pos, src, text)
    if char:
        rune = ord(unquote(text))
        node.is_int = node.is_uint = node.is_float = True
        node.int64 = node.uint64 = rune
        node.float64 = float(rune)
        return node
    if complex_ or text.endswith("i"):
        value = _parse_complex(text)
        if value is None:
            raise LiteralError(f"illegal number syntax: {go_quote(text)}")
        node.is_complex = True
        node.complex128 = value
        if value.imag == 0:
            _set_float(node, value.real)
        return node
    integer = parse_int(text)
    if integer is not None and 0 <= integer <= UINT64_MAX:
        node.is_uint, node.uint64 = True, integer
    if integer is not None and INT64_MIN <= integer <= INT64_MAX:
        node.is_int, node.int64 = True, integer
    if node.is_int or node.is_uint:
        node.is_float = True
        node.float64 = float(node.int64 if node.is_int else node.uint64)
        return node
    number = parse_float(text)
    if number is not None and not math.isinf(number):
        # A float that reads as an integer is an integer too big for int64.
        if not any(c in text for c in ".eEpP"):
            raise LiteralError(f"integer overflow: {go_quote(text)}")
        _set_float(node, number)
    if not (node.is_int or node.is_uint or node.is_float):
        raise LiteralError(f"illegal number syntax: {go_quote(text)}")
    return node


def _set_float(node: n.NumberNode, value: float) -> None:
    node.is_float = True
    node.float64 = value
    if math.isfinite(value) and value == int(value):
        if INT64_MIN <= value <= INT64_MAX:
            node.is_int = True
            node.int64 = int(value)
        if 0 <= value <= UINT64_MAX:
            node.is_uint = True
            node.uint64 = int(value)


def _parse_complex(text: str) -> complex | None:
    body = text.replace("_", "")
    try:
        if body.endswith("i"):
            body = body[:-1] + "j"
        return complex(body)
    except ValueError:
        return None
