"""Go's ``encoding/json`` for template values: ``Marshal`` output and ``Unmarshal`` errors.

Decoding into ``interface{}`` makes every number a float64, as in Go.
"""

from __future__ import annotations

import math
from typing import Any

from gitops_schema.gotemplate.floats import format_float
from gitops_schema.gotemplate.gofmt import sort_key
from gitops_schema.gotemplate.literals import go_quote
from gitops_schema.gotemplate.values import MISSING, GoObject


class JSONError(ValueError):
    """A marshal or unmarshal failure, with Go's message."""


def _float(f: float) -> str:
    if math.isnan(f) or math.isinf(f):
        raise JSONError(f"json: unsupported value: {format_float(f, 'g', -1)}")
    a = abs(f)
    fmt = "e" if a != 0 and (a < 1e-6 or a >= 1e21) else "f"
    text = format_float(f, fmt, -1)
    if fmt == "e" and len(text) >= 4 and text[-4] == "e" and text[-3] == "-" and text[-2] == "0":
        text = text[:-2] + text[-1]
    return text


def _string(s: str, escape_html: bool) -> str:
    out = ['"']
    for ch in s:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\f":
            out.append("\\f")
        elif code < 0x20 or (escape_html and ch in "<>&") or code in (0x2028, 0x2029):
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\ufffd")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def marshal(value: Any, *, indent: str = "", escape_html: bool = True) -> str:
    """``json.Marshal`` (or ``MarshalIndent`` with ``indent``) of a template value."""
    parts: list[str] = []
    _encode(value, parts, indent, "", escape_html)
    return "".join(parts)


def _encode(value: Any, out: list[str], indent: str, prefix: str, html: bool) -> None:
    if value is None or value is MISSING:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(str(int(value)))
    elif isinstance(value, float):
        out.append(_float(value))
    elif isinstance(value, str):
        out.append(_string(value, html))
    elif isinstance(value, list):
        if not value:
            out.append("[]")
            return
        inner = prefix + indent
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            if indent:
                out.append("\n" + inner)
            _encode(item, out, indent, inner, html)
        out.append(("\n" + prefix if indent else "") + "]")
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = prefix + indent
        out.append("{")
        for i, key in enumerate(sorted(value, key=sort_key)):
            if i:
                out.append(",")
            if indent:
                out.append("\n" + inner)
            out.append(_string(str(key), html) + (": " if indent else ":"))
            _encode(value[key], out, indent, inner, html)
        out.append(("\n" + prefix if indent else "") + "}")
    elif isinstance(value, GoObject):
        _encode(value.go_json(), out, indent, prefix, html)
    elif isinstance(value, complex):
        raise JSONError("json: unsupported type: complex128")
    else:
        raise JSONError(f"json: unsupported type: {type(value).__name__}")


def _qc(ch: str) -> str:
    if ch == "'":
        return "'\\''"
    if ch == '"':
        return "'\"'"
    return "'" + go_quote(ch)[1:-1] + "'"


_WS = " \t\r\n"


class _Decoder:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0

    def fail(self, context: str) -> JSONError:
        if self.i >= len(self.s):
            return JSONError("unexpected end of JSON input")
        return JSONError(f"invalid character {_qc(self.s[self.i])} {context}")

    def skip(self) -> None:
        while self.i < len(self.s) and self.s[self.i] in _WS:
            self.i += 1

    def peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def value(self) -> Any:
        self.skip()
        ch = self.peek()
        if ch == "{":
            return self.obj()
        if ch == "[":
            return self.arr()
        if ch == '"':
            return self.string()
        if ch == "-" or (ch.isdigit() and ch != ""):
            return self.number()
        for word, val in (("true", True), ("false", False), ("null", None)):
            if ch == word[0]:
                for j, expect in enumerate(word):
                    if self.i >= len(self.s):
                        raise JSONError("unexpected end of JSON input")
                    if self.s[self.i] != expect:
                        raise self.fail(f"in literal {word} (expecting {_qc(word[j])})")
                    self.i += 1
                return val
        raise self.fail("looking for beginning of value")

    def obj(self) -> dict[str, Any]:
        self.i += 1
        out: dict[str, Any] = {}
        self.skip()
        if self.peek() == "}":
            self.i += 1
            return out
        while True:
            self.skip()
            if self.peek() != '"':
                raise self.fail("looking for beginning of object key string")
            key = self.string()
            self.skip()
            if self.peek() != ":":
                raise self.fail("after object key")
            self.i += 1
            out[key] = self.value()
            self.skip()
            if self.peek() == ",":
                self.i += 1
                continue
            if self.peek() == "}":
                self.i += 1
                return out
            raise self.fail("after object key:value pair")

    def arr(self) -> list[Any]:
        self.i += 1
        out: list[Any] = []
        self.skip()
        if self.peek() == "]":
            self.i += 1
            return out
        while True:
            out.append(self.value())
            self.skip()
            if self.peek() == ",":
                self.i += 1
                continue
            if self.peek() == "]":
                self.i += 1
                return out
            raise self.fail("after array element")

    def string(self) -> str:
        self.i += 1
        out: list[str] = []
        escapes = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n"}
        escapes.update({"r": "\r", "t": "\t"})
        while True:
            if self.i >= len(self.s):
                raise JSONError("unexpected end of JSON input")
            ch = self.s[self.i]
            if ch == '"':
                self.i += 1
                return "".join(out)
            if ord(ch) < 0x20:
                raise self.fail("in string literal")
            if ch == "\\":
                self.i += 1
                esc = self.peek()
                if esc in escapes and esc:
                    out.append(escapes[esc])
                    self.i += 1
                elif esc == "u":
                    digits = self.s[self.i + 1 : self.i + 5]
                    if len(digits) < 4 or any(c not in "0123456789abcdefABCDEF" for c in digits):
                        self.i += 1 + next(
                            (k for k, c in enumerate(digits) if c not in "0123456789abcdefABCDEF"),
                            len(digits),
                        )
                        raise self.fail("in \\u hexadecimal character escape")
                    out.append(chr(int(digits, 16)))
                    self.i += 5
                else:
                    raise self.fail("in string escape code")
                continue
            out.append(ch)
            self.i += 1

    def number(self) -> float:
        start = self.i
        if self.peek() == "-":
            self.i += 1
        if not self.peek().isdigit():
            raise self.fail("in numeric literal")
        if self.peek() == "0":
            self.i += 1
        while self.peek().isdigit() and self.peek():
            self.i += 1
        if self.peek() == ".":
            self.i += 1
            if not self.peek().isdigit():
                raise self.fail("after decimal point in numeric literal")
            while self.peek().isdigit() and self.peek():
                self.i += 1
        if self.peek() in ("e", "E") and self.peek():
            self.i += 1
            if self.peek() in ("+", "-") and self.peek():
                self.i += 1
            if not self.peek().isdigit():
                raise self.fail("in exponent of numeric literal")
            while self.peek().isdigit() and self.peek():
                self.i += 1
        return float(self.s[start : self.i])


def unmarshal(text: str) -> Any:
    """``json.Unmarshal`` into ``interface{}``.

    Raises:
        JSONError: with Go's message, e.g. ``invalid character 'o' in literal null``.
    """
    decoder = _Decoder(text)
    decoder.skip()
    if decoder.i >= len(text):
        raise JSONError("unexpected end of JSON input")
    value = decoder.value()
    decoder.skip()
    if decoder.i < len(text):
        raise decoder.fail("after top-level value")
    return value
