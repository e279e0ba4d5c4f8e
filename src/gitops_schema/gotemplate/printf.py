"""Go's ``fmt.Sprintf`` format parsing.

``*`` widths, ``[n]`` argument indexes and the ``%!`` error forms (``MISSING``, ``EXTRA``,
``BADINDEX``, ``NOVERB``...) as in Go's ``doPrintf``.
"""

from __future__ import annotations

from typing import Any

from gitops_schema.gotemplate.gofmt import Printer
from gitops_schema.gotemplate.values import type_name

_MAX_NUM = 1_000_000


def _parse_num(s: str, start: int, end: int) -> tuple[int, bool, int]:
    if start >= end:
        return 0, False, end
    num = 0
    isnum = False
    i = start
    while i < end and "0" <= s[i] <= "9":
        if num > _MAX_NUM:
            return 0, False, end
        num = num * 10 + ord(s[i]) - 48
        isnum = True
        i += 1
    return num, isnum, i


def _int_from_arg(args: list[Any], num: int) -> tuple[int, bool, int]:
    if num >= len(args):
        return 0, False, num
    value = args[num]
    ok = isinstance(value, int) and not isinstance(value, bool)
    n = int(value) if ok else 0
    if n > _MAX_NUM or n < -_MAX_NUM:
        return 0, False, num + 1
    return n, ok, num + 1


def sprintf(fmt: str, args: list[Any]) -> str:
    """Go's ``fmt.Sprintf``."""
    p = Printer()
    end = len(fmt)
    arg_num = 0
    i = 0
    while i < end:
        p.good_arg_num = True
        start = i
        while i < end and fmt[i] != "%":
            i += 1
        if i > start:
            p.buf.append(fmt[start:i])
        if i >= end:
            break
        p.clear()
        i = _flags(p, fmt, i + 1)
        arg_num, i, after_index = _arg_number(p, arg_num, fmt, i, len(args))
        arg_num, i, after_index = _width(p, fmt, i, args, arg_num, after_index)
        if i + 1 < end and fmt[i] == ".":
            if after_index:
                p.good_arg_num = False
            arg_num, i, after_index = _arg_number(p, arg_num, fmt, i + 1, len(args))
            arg_num, i, after_index = _precision(p, fmt, i, args, arg_num, after_index)
        if not after_index:
            arg_num, i, after_index = _arg_number(p, arg_num, fmt, i, len(args))
        if i >= end:
            p.buf.append("%!(NOVERB)")
            break
        arg_num = _verb(p, fmt[i], args, arg_num)
        i += 1
    if not p.reordered and arg_num < len(args):
        _extra(p, args[arg_num:])
    return "".join(p.buf)


def _flags(p: Printer, fmt: str, i: int) -> int:
    """Read the flags ``#0+- `` from ``i``; where they end."""
    while i < len(fmt):
        c = fmt[i]
        if c == "#":
            p.sharp = True
        elif c == "0":
            p.zero = not p.minus
        elif c == "+":
            p.plus = True
        elif c == "-":
            p.minus = True
            p.zero = False
        elif c == " ":
            p.space = True
        else:
            break
        i += 1
    return i


def _width(
    p: Printer, fmt: str, i: int, args: list[Any], arg_num: int, after_index: bool
) -> tuple[int, int, bool]:
    """Read a width (digits or ``*``) from ``i``: (argument number, position, after index)."""
    if i < len(fmt) and fmt[i] == "*":
        p.wid, p.wid_present, arg_num = _int_from_arg(args, arg_num)
        if not p.wid_present:
            p.buf.append("%!(BADWIDTH)")
        if p.wid < 0:
            p.wid = -p.wid
            p.minus = True
            p.zero = False
        return arg_num, i + 1, False
    p.wid, p.wid_present, i = _parse_num(fmt, i, len(fmt))
    if after_index and p.wid_present:
        p.good_arg_num = False
    return arg_num, i, after_index


def _precision(
    p: Printer, fmt: str, i: int, args: list[Any], arg_num: int, after_index: bool
) -> tuple[int, int, bool]:
    """Read a precision after its ``.`` (digits or ``*``): as :func:`_width`."""
    if i < len(fmt) and fmt[i] == "*":
        p.prec, p.prec_present, arg_num = _int_from_arg(args, arg_num)
        if p.prec < 0:
            p.prec = 0
            p.prec_present = False
        if not p.prec_present:
            p.buf.append("%!(BADPREC)")
        return arg_num, i + 1, False
    p.prec, p.prec_present, i = _parse_num(fmt, i, len(fmt))
    if not p.prec_present:
        p.prec = 0
        p.prec_present = True
    return arg_num, i, after_index


def _verb(p: Printer, verb: str, args: list[Any], arg_num: int) -> int:
    """Print one verb's argument (or its error form); the next argument's number."""
    if verb == "%":
        p.buf.append("%")
    elif not p.good_arg_num:
        p.buf.append("%!" + verb + "(BADINDEX)")
    elif arg_num >= len(args):
        p.buf.append("%!" + verb + "(MISSING)")
    else:
        if verb == "v":
            p.sharp_v, p.sharp = p.sharp, False
            p.plus_v, p.plus = p.plus, False
        p.print_arg(args[arg_num], verb)
        arg_num += 1
    return arg_num


def _extra(p: Printer, extra: list[Any]) -> None:
    """Go's ``%!(EXTRA type=value, ...)`` for the arguments no verb used."""
    p.clear()
    p.buf.append("%!(EXTRA ")
    for k, arg in enumerate(extra):
        if k:
            p.buf.append(", ")
        if arg is None:
            p.buf.append("<nil>")
        else:
            p.buf.append(type_name(arg) + "=")
            p.print_arg(arg, "v")
    p.buf.append(")")


def _arg_number(p: Printer, num: int, fmt: str, i: int, count: int) -> tuple[int, int, bool]:
    if len(fmt) <= i or fmt[i] != "[":
        return num, i, False
    p.reordered = True
    index, width, ok = _parse_arg_number(fmt[i:])
    if ok and 0 <= index < count:
        return index, i + width, True
    p.good_arg_num = False
    return num, i + width, ok


def _parse_arg_number(fmt: str) -> tuple[int, int, bool]:
    if len(fmt) < 3:
        return 0, 1, False
    for i in range(1, len(fmt)):
        if fmt[i] == "]":
            width, ok, newi = _parse_num(fmt, 1, i)
            if not ok or newi != i:
                return 0, i + 1, False
            return width - 1, i + 1, True
    return 0, 1, False
