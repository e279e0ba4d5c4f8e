"""Go's ``fmt`` printing of template values: ``%v`` and every verb, ``Sprint``, ``Sprintln``.

Verbs, flags, width and precision follow Go's ``fmt/print.go`` and ``fmt/format.go``;
``printf.py`` parses format strings.
"""

from __future__ import annotations

from typing import Any

from gitops_schema.gotemplate.floats import format_float
from gitops_schema.gotemplate.literals import can_backquote, go_quote, go_quote_rune
from gitops_schema.gotemplate.values import MISSING, GoList, GoObject, type_name

_LOWER = "0123456789abcdefx"
_UPPER = "0123456789ABCDEFX"


class Printer:
    """Go's ``pp``/``fmt`` pair: flags, width and precision, and the verbs per kind."""

    __slots__ = (
        "arg",
        "buf",
        "good_arg_num",
        "minus",
        "plus",
        "plus_v",
        "prec",
        "prec_present",
        "reordered",
        "sharp",
        "sharp_v",
        "space",
        "wid",
        "wid_present",
        "zero",
    )

    def __init__(self) -> None:
        self.buf: list[str] = []
        self.reordered = False
        self.good_arg_num = True
        self.arg: Any = None
        self.clear()

    def clear(self) -> None:
        """Reset flags, width and precision before the next verb."""
        self.plus = self.minus = self.sharp = self.space = self.zero = False
        self.plus_v = self.sharp_v = False
        self.wid = self.prec = 0
        self.wid_present = self.prec_present = False

    # -- padding -----------------------------------------------------------------------

    def padding(self, n: int) -> None:
        """Write ``n`` pad characters (zeros only on the left, when asked)."""
        if n > 0:
            self.buf.append(("0" if self.zero and not self.minus else " ") * n)

    def pad(self, s: str) -> None:
        """Write ``s`` padded to the width."""
        if not self.wid_present or self.wid == 0:
            self.buf.append(s)
            return
        width = self.wid - len(s)
        if self.minus:
            self.buf.append(s)
            self.padding(width)
        else:
            self.padding(width)
            self.buf.append(s)

    # -- dispatch ----------------------------------------------------------------------

    def print_arg(self, arg: Any, verb: str, depth: int = 0) -> None:
        """Go's ``printArg``/``printValue``: format one operand with ``verb``."""
        self.arg = arg
        if arg is None or arg is MISSING:
            if verb in ("T", "v"):
                self.pad("<nil>")
            else:
                self.bad_verb(verb)
            return
        if verb == "T":
            self.fmt_s(type_name(arg))
            return
        if verb == "p":
            self.bad_verb(verb)
            return
        t = type(arg)
        if t is bool:
            if verb in ("t", "v"):
                self.pad("true" if arg else "false")
            else:
                self.bad_verb(verb)
        elif t is float:
            self.fmt_float(arg, verb)
        elif isinstance(arg, int) and t is not bool:
            self.fmt_integer(arg, verb)
        elif t is str:
            self.fmt_string(arg, verb)
        elif t is complex:
            self.fmt_complex(arg, verb)
        elif isinstance(arg, list):
            self.fmt_list(arg, verb, depth)
        elif isinstance(arg, dict):
            self.fmt_map(arg, verb, depth)
        elif isinstance(arg, GoObject):
            text = arg.go_string()
            if text is not None and verb in "vsxXq":
                self.fmt_string(text, verb)
            else:
                self.fmt_s(str(arg))
        else:
            self.fmt_s(str(arg))

    def bad_verb(self, verb: str) -> None:
        """``%!verb(type=value)`` for a verb that does not apply."""
        self.buf.append("%!" + verb + "(")
        arg = self.arg
        if arg is not None and arg is not MISSING:
            self.buf.append(type_name(arg) + "=")
            self.print_arg(arg, "v")
        else:
            self.buf.append("<nil>")
        self.buf.append(")")

    # -- kinds -------------------------------------------------------------------------

    def fmt_list(self, items: list[Any], verb: str, depth: int) -> None:
        """A slice: ``[a b]``, or ``[]T{a, b}`` under ``%#v``."""
        if self.sharp_v:
            self.buf.append(type_name(items) + "{")
            for i, item in enumerate(items):
                if i:
                    self.buf.append(", ")
                self._print_elem(item, verb, depth, isinstance(items, GoList))
            self.buf.append("}")
            return
        self.buf.append("[")
        for i, item in enumerate(items):
            if i:
                self.buf.append(" ")
            self._print_elem(item, verb, depth, True)
        self.buf.append("]")

    def fmt_map(self, mapping: dict[Any, Any], verb: str, depth: int) -> None:
        """A map with sorted keys: ``map[k:v]``."""
        self.buf.append(type_name(mapping) + "{" if self.sharp_v else "map[")
        for i, key in enumerate(sorted(mapping, key=sort_key)):
            if i:
                self.buf.append(", " if self.sharp_v else " ")
            self.print_arg(key, verb, depth + 1)
            self.buf.append(":")
            self._print_elem(mapping[key], verb, depth, True)
        self.buf.append("}" if self.sharp_v else "]")

    def _print_elem(self, item: Any, verb: str, depth: int, typed: bool) -> None:
        if item is None and self.sharp_v and not typed:
            self.buf.append("interface {}(nil)")
            return
        if item is None:
            # A nil interface inside a container prints <nil> whatever the verb.
            self.buf.append("<nil>")
            return
        self.print_arg(item, verb, depth + 1)

    def fmt_s(self, s: str) -> None:
        """A string, truncated to the precision."""
        if self.prec_present:
            s = s[: self.prec]
        self.pad(s)

    def fmt_string(self, s: str, verb: str) -> None:
        """The string verbs ``v s q x X``."""
        if verb == "v":
            if self.sharp_v:
                self.fmt_q(s)
            else:
                self.fmt_s(s)
        elif verb == "s":
            self.fmt_s(s)
        elif verb in ("x", "X"):
            self.fmt_sx(s.encode("utf-8", "surrogatepass"), _LOWER if verb == "x" else _UPPER)
        elif verb == "q":
            self.fmt_q(s)
        else:
            self.bad_verb(verb)

    def fmt_q(self, s: str) -> None:
        """A quoted string: back-quoted under ``#`` when possible."""
        if self.prec_present:
            s = s[: self.prec]
        if self.sharp and can_backquote(s):
            self.pad("`" + s + "`")
        else:
            self.pad(go_quote(s, ascii_only=self.plus))

    def fmt_sx(self, data: bytes, digits: str) -> None:
        """Hex of the bytes, with the space and ``#`` forms."""
        length = len(data)
        if self.prec_present and self.prec < length:
            length = self.prec
        width = 2 * length
        if width > 0:
            if self.space:
                if self.sharp:
                    width *= 2
                width += length - 1
            elif self.sharp:
                width += 2
        else:
            if self.wid_present:
                self.padding(self.wid)
            return
        if self.wid_present and self.wid > width and not self.minus:
            self.padding(self.wid - width)
        out = []
        if self.sharp:
            out.append("0" + digits[16])
        for i in range(length):
            if self.space and i > 0:
                out.append(" ")
                if self.sharp:
                    out.append("0" + digits[16])
            c = data[i]
            out.append(digits[c >> 4] + digits[c & 0xF])
        self.buf.append("".join(out))
        if self.wid_present and self.wid > width and self.minus:
            self.padding(self.wid - width)

    def fmt_integer(self, value: int, verb: str) -> None:
        """The integer verbs."""
        if verb in ("v", "d"):
            self.integer(value, 10, verb, _LOWER)
        elif verb == "b":
            self.integer(value, 2, verb, _LOWER)
        elif verb in ("o", "O"):
            self.integer(value, 8, verb, _LOWER)
        elif verb == "x":
            self.integer(value, 16, verb, _LOWER)
        elif verb == "X":
            self.integer(value, 16, verb, _UPPER)
        elif verb == "c":
            self.pad(_rune_text(value))
        elif verb == "q":
            self.pad(go_quote_rune(value if value <= 0x10FFFF else -1, ascii_only=self.plus))
        elif verb == "U":
            self.fmt_unicode(value)
        else:
            self.bad_verb(verb)

    def fmt_unicode(self, value: int) -> None:
        """``%U``: ``U+0041``, plus the character under ``#``."""
        u = value & 0xFFFFFFFFFFFFFFFF
        prec = self.prec if self.prec_present and self.prec > 4 else 4
        text = "U+" + format(u, "X").rjust(prec, "0")
        if self.sharp and u <= 0x10FFFF and chr(u).isprintable():
            text += " '" + chr(u) + "'"
        zero = self.zero
        self.zero = False
        self.pad(text)
        self.zero = zero

    def integer(self, value: int, base: int, verb: str, digits: str) -> None:
        """Go's ``fmtInteger``: base, sign, precision and zero padding."""
        negative = value < 0
        u = -value if negative else value
        prec = 0
        if self.prec_present:
            prec = self.prec
            if prec == 0 and u == 0:
                zero = self.zero
                self.zero = False
                self.padding(self.wid)
                self.zero = zero
                return
        elif self.zero and not self.minus and self.wid_present:
            prec = self.wid
            if negative or self.plus or self.space:
                prec -= 1
        text = _to_base(u, base, digits)
        if len(text) < prec:
            text = "0" * (prec - len(text)) + text
        if self.sharp:
            if base == 2:
                text = "0b" + text
            elif base == 8 and text[0] != "0":
                text = "0" + text
            elif base == 16:
                text = "0" + digits[16] + text
        if verb == "O":
            text = "0o" + text
        if negative:
            text = "-" + text
        elif self.plus:
            text = "+" + text
        elif self.space:
            text = " " + text
        zero = self.zero
        self.zero = False
        self.pad(text)
        self.zero = zero

    def fmt_float(self, value: float, verb: str) -> None:
        """The float verbs and their default precisions."""
        if verb == "v":
            self.float_text(value, "g", -1)
        elif verb in ("b", "g", "G", "x", "X"):
            self.float_text(value, verb, -1)
        elif verb in ("f", "e", "E", "F"):
            self.float_text(value, verb, 6)
        else:
            self.bad_verb(verb)

    def float_text(self, value: float, verb: str, prec: int) -> None:
        """Go's ``fmtFloat``: sign handling, ``#`` and zero padding."""
        if self.prec_present:
            prec = self.prec
        num = format_float(value, "f" if verb == "F" else verb, prec)
        num = num if num[0] in "+-" else "+" + num
        if self.space and num[0] == "+" and not self.plus:
            num = " " + num[1:]
        if num[1] in "IN":
            zero = self.zero
            self.zero = False
            if num[1] == "N" and not self.space and not self.plus:
                num = num[1:]
            self.pad(num)
            self.zero = zero
            return
        if self.sharp and verb != "b":
            num = _sharp_float(num, verb, prec)
        if self.plus or num[0] != "+":
            if self.zero and not self.minus and self.wid_present and self.wid > len(num):
                self.buf.append(num[0])
                self.padding(self.wid - len(num))
                self.buf.append(num[1:])
                return
            self.pad(num)
            return
        self.pad(num[1:])

    def fmt_complex(self, value: complex, verb: str) -> None:
        """A complex number as ``(re+imi)``."""
        if verb not in "vbgGxXfFeE":
            self.bad_verb(verb)
            return
        old_plus = self.plus
        old_wid = self.wid_present
        self.buf.append("(")
        self.fmt_float(value.real, verb)
        self.plus = True
        self.fmt_float(value.imag, verb)
        self.buf.append("i)")
        self.plus = old_plus
        self.wid_present = old_wid


def _sharp_float(num: str, verb: str, prec: int) -> str:
    digits = 0
    if verb in ("v", "g", "G", "x"):
        digits = 6 if prec == -1 else prec
    tail = ""
    body = num
    has_point = False
    seen_nonzero = False
    for i in range(1, len(num)):
        ch = num[i]
        if ch == ".":
            has_point = True
        elif ch in "pP" or (ch in "eE" and verb not in ("x", "X")):
            tail = num[i:]
            body = num[:i]
            break
        else:
            if ch != "0":
                seen_nonzero = True
            if seen_nonzero:
                digits -= 1
    if not has_point:
        if len(body) == 2 and body[1] == "0":
            digits -= 1
        body += "."
    if digits > 0:
        body += "0" * digits
    return body + tail


def _to_base(u: int, base: int, digits: str) -> str:
    if u == 0:
        return "0"
    out = []
    while u:
        u, r = divmod(u, base)
        out.append(digits[r])
    return "".join(reversed(out))


def _rune_text(value: int) -> str:
    if value < 0 or value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        return "\ufffd"
    return chr(value)


def sort_key(key: Any) -> tuple[int, Any]:
    """Order of map keys in Go's ``fmtsort``: numbers numerically, strings byte-wise."""
    if isinstance(key, str):
        return (1, key.encode("utf-8", "surrogatepass"))
    if isinstance(key, bool):
        return (0, int(key))
    if isinstance(key, int | float):
        return (0, key)
    return (2, str(key))


def format_value(value: Any) -> str:
    """``fmt.Sprint(value)`` for one value: Go's ``%v``."""
    t = type(value)
    if t is str:
        return value  # type: ignore[no-any-return]
    if t is int:
        return str(value)
    if t is bool:
        return "true" if value else "false"
    p = Printer()
    p.print_arg(value, "v")
    return "".join(p.buf)


def sprint(args: list[Any]) -> str:
    """Go's ``fmt.Sprint``: a space between operands when neither is a string."""
    out = []
    prev_string = False
    for i, arg in enumerate(args):
        is_string = isinstance(arg, str)
        if i > 0 and not is_string and not prev_string:
            out.append(" ")
        out.append(format_value(arg))
        prev_string = is_string
    return "".join(out)


def sprintln(args: list[Any]) -> str:
    """Go's ``fmt.Sprintln``."""
    return " ".join(format_value(a) for a in args) + "\n"
