"""Reading a request body as JSON, with every way it can be wrong turned into a 4xx."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import msgspec
from fastapi import HTTPException, Request

from gitops_schema.store.sources.payload import string_problem

# Deeper documents are refused before any recursive code (redaction, storage) sees them.
MAX_DEPTH = 64


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body, or 413 as soon as it is longer than ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"body larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"body larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class _OutOfRange(ValueError):
    """A number a float cannot hold (1e999): JSON allows it, no database column does."""


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise _OutOfRange(text)
    return number


def parse_json(raw: bytes) -> Any:
    """The JSON document in ``raw``, or 400 naming why it is not one a database can store.

    Refused: not UTF-8, not JSON, NaN or infinite numbers, NUL characters or unpaired
    surrogates in strings, nesting deeper than :data:`MAX_DEPTH`.
    """
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise HTTPException(400, f"body is not UTF-8 (byte {error.start})") from None
    try:
        # msgspec reads a document in a third of json's time. It refuses what json refuses
        # (and NaN, the lone surrogate escapes refused below anyway, nesting json also
        # refuses deeper than 64 levels); json then says why, in its words.
        document = _FAST.decode(raw)
    except (msgspec.DecodeError, RecursionError, ValueError):
        document = _parse_slowly(raw.decode("utf-8"))
    # A NUL or a lone surrogate can only be written as a \u escape (raw ones are not valid
    # JSON or not UTF-8): without such an escape, no string needs checking.
    _check(document, strings=_ESCAPES.search(raw) is not None)
    return document


def _parse_slowly(text: str) -> Any:
    """``text`` read by json, whose errors name the reason of a refusal."""
    if not text.strip():
        raise HTTPException(400, "body is empty")
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite)
    except RecursionError:
        raise HTTPException(400, "body nests deeper than 64 levels") from None
    except _OutOfRange:
        raise HTTPException(400, "body has a number out of range") from None
    except ValueError as error:
        raise HTTPException(400, f"body is not JSON: {error}") from None


# Floats are read by the same function as json's (an integer is an int of any size in both).
_FAST = msgspec.json.Decoder(float_hook=_finite)
_ESCAPES = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


def _check(document: Any, *, strings: bool) -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH` (and bad strings when ``strings``)."""
    # A list around the document, so that a scalar document is checked as an item.
    stack: list[tuple[Any, int]] = [([document], -1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise HTTPException(400, f"body nests deeper than {MAX_DEPTH} levels")
        children = value.values() if type(value) is dict else value
        if strings and type(value) is dict:
            for key in value:
                _check_string(key)
        for item in children:
            kind = type(item)
            if kind is dict or kind is list:
                stack.append((item, depth + 1))
            elif strings and kind is str:
                _check_string(item)


def _check_string(value: str) -> None:
    problem = string_problem(value)
    if problem is not None:
        raise HTTPException(400, f"body has {problem} in a string")
