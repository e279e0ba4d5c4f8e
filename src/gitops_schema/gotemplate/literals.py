"""Go literal syntax: ``strconv.Unquote`` and the number forms the template parser accepts."""

from __future__ import annotations

import re

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1
UINT64_MAX = (1 << 64) - 1

_SIMPLE_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
}


class LiteralError(ValueError):
    """A literal that Go's strconv rejects; the message is Go's."""


def unquote(text: str) -> str:
    """Go's ``strconv.Unquote`` for double-quoted, back-quoted and single-quoted literals."""
    if len(text) < 2 or text[0] != text[-1] or text[0] not in "\"'`":
        raise LiteralError("invalid syntax")
    quote = text[0]
    body = text[1:-1]
    if quote == "`":
        if "`" in body:
            raise LiteralError("invalid syntax")
        return body.replace("\r", "")
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == quote or ch == "\n":
            raise LiteralError("invalid syntax")
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        i += 1
        if i >= len(body):
            raise LiteralError("invalid syntax")
        esc = body[i]
        i += 1
        if esc in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[esc])
        elif esc == quote:
            out.append(esc)
        elif esc in "xuU":
            size = {"x": 2, "u": 4, "U": 8}[esc]
            digits = body[i : i + size]
            if len(digits) != size or not re.fullmatch(r"[0-9a-fA-F]+", digits):
                raise LiteralError("invalid syntax")
            code = int(digits, 16)
            if esc != "x" and (code > 0x10FFFF or 0xD800 <= code <= 0xDFFF):
                raise LiteralError("invalid syntax")
            out.append(chr(code))
            i += size
        elif esc in "01234567":
            digits = body[i - 1 : i + 2]
            if len(digits) != 3 or not re.fullmatch(r"[0-7]+", digits) or int(digits, 8) > 255:
                raise LiteralError("invalid syntax")
            out.append(chr(int(digits, 8)))
            i += 2
        else:
            raise LiteralError("invalid syntax")
    result = "".join(out)
    if quote == "'" and len(result) != 1:
        raise LiteralError("invalid syntax")
    return result


_UNDERSCORE_OK = re.compile(r"^[+-]?(0[xXoObB]?)?_?[0-9a-fA-F]+(_[0-9a-fA-F]+)*$")


def parse_int(text: str) -> int | None:
    """Go's ``strconv.ParseInt(text, 0, ...)`` without the range check; None if invalid."""
    if not text.isascii() or any(c.isspace() for c in text):
        return None
    body = text
    sign = 1
    if body[:1] in "+-" and body:
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    if not body:
        return None
    if "_" in body and not _UNDERSCORE_OK.match(body):
        return None
    if "_" in body and body[:2].lower() not in ("0x", "0o", "0b") and body[0] == "0":
        return None
    clean = body.replace("_", "")
    try:
        if len(clean) > 1 and clean[0] == "0" and clean[1] in "0123456789":
            value = int(clean, 8)
        elif "_" in body and body[0] != "0":
            value = int(clean, 10)
        else:
            value = int(clean, 0)
    except ValueError:
        return None
    return sign * value


def parse_float(text: str) -> float | None:
    """Go's ``strconv.ParseFloat(text, 64)`` for decimal and hex forms; None if invalid."""
    clean = text.replace("_", "") if "_" in text else text
    lowered = clean.lower().lstrip("+-")
    if lowered in ("inf", "infinity", "nan"):
        return None
    try:
        if lowered.startswith("0x"):
            if "p" not in lowered:
                return None
            return float.fromhex(clean)
        if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", clean):
            return None
        return float(clean)
    except (ValueError, OverflowError):
        return None


def _is_print(ch: str) -> bool:
    return ch == " " or ch.isprintable()


def quote_char(ch: str, quote: str, ascii_only: bool) -> str:
    """Escape one rune as ``strconv.Quote`` does inside ``quote`` delimiters."""
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        return "\\ufffd" if ascii_only else "\ufffd"
    if ch == quote or ch == "\\":
        return "\\" + ch
    if _is_print(ch) and not (ascii_only and code >= 0x80):
        return ch
    if ch in _ESCAPE_OF:
        return _ESCAPE_OF[ch]
    if code < 0x20 or code == 0x7F:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


_ESCAPE_OF = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}


def go_quote(s: str, *, ascii_only: bool = False) -> str:
    """Go's ``strconv.Quote`` (or ``QuoteToASCII``)."""
    return '"' + "".join(quote_char(ch, '"', ascii_only) for ch in s) + '"'


def go_quote_rune(code: int, *, ascii_only: bool = False) -> str:
    """Go's ``strconv.QuoteRune``: invalid code points become U+FFFD."""
    if code < 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        code = 0xFFFD
    return "'" + quote_char(chr(code), "'", ascii_only) + "'"


def can_backquote(s: str) -> bool:
    """Go's ``strconv.CanBackquote``."""
    for ch in s:
        code = ord(ch)
        if ch == "`" or ch == "\ufeff" or 0xD800 <= code <= 0xDFFF:
            return False
        if (code < 0x20 and ch != "\t") or code == 0x7F:
            return False
    return True
