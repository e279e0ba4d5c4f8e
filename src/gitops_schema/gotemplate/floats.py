"""Go's ``strconv.FormatFloat`` for float64: ``e E f g G b x X``; precision -1 is shortest."""

from __future__ import annotations

import math
import struct

_MASK64 = (1 << 64) - 1


def _digits(value: float, prec: int) -> tuple[str, int]:
    """Decimal digits of ``abs(value)`` and the decimal point position (Go's ``decimal``).

    ``prec`` < 0 asks for the shortest digits that read back exactly; otherwise for
    ``prec`` significant digits, correctly rounded, with trailing zeros removed.
    """
    v = abs(value)
    if v == 0:
        return "0", 1
    if prec < 0:
        text = repr(v)
        mantissa, _, exp_text = text.partition("e")
        exp = int(exp_text) if exp_text else 0
    else:
        text = f"{v:.{max(prec, 1) - 1}e}"
        mantissa, _, exp_text = text.partition("e")
        exp = int(exp_text)
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    point = len(whole) + exp
    stripped_lead = len(whole + frac) - len((whole + frac).lstrip("0"))
    point -= stripped_lead
    digits = digits.rstrip("0") or "0"
    return digits, point


def _fmt_e(neg: bool, digits: str, point: int, prec: int, letter: str) -> str:
    out = "-" if neg else ""
    out += digits[0]
    if prec > 0:
        frac = digits[1 : 1 + prec]
        out += "." + frac + "0" * (prec - len(frac))
    exp = 0 if digits == "0" else point - 1
    sign = "-" if exp < 0 else "+"
    exp = abs(exp)
    return out + letter + sign + (f"{exp:02d}")


def _fmt_f(neg: bool, digits: str, point: int, prec: int) -> str:
    out = "-" if neg else ""
    if point > 0:
        whole = digits[:point]
        out += whole + "0" * (point - len(whole))
    else:
        out += "0"
    if prec > 0:
        frac = []
        for i in range(prec):
            j = point + i
            frac.append(digits[j] if 0 <= j < len(digits) else "0")
        out += "." + "".join(frac)
    return out


def _fmt_b(value: float) -> str:
    bits = struct.unpack(">Q", struct.pack(">d", value))[0]
    neg = bits >> 63
    exp = (bits >> 52) & 0x7FF
    mant = bits & ((1 << 52) - 1)
    if exp == 0:
        exp = 1
    else:
        mant |= 1 << 52
    exp += -1023 - 52
    return ("-" if neg else "") + str(mant) + "p" + ("+" if exp >= 0 else "-") + str(abs(exp))


def _fmt_x(value: float, prec: int, letter: str) -> str:
    bits = struct.unpack(">Q", struct.pack(">d", value))[0]
    neg = bits >> 63
    exp = (bits >> 52) & 0x7FF
    mant = bits & ((1 << 52) - 1)
    if exp == 0:
        exp = 1 - 1023
    else:
        mant |= 1 << 52
        exp -= 1023
    if mant == 0:
        exp = 0
    mant = (mant << 8) & _MASK64
    while mant != 0 and mant & (1 << 60) == 0:
        mant = (mant << 1) & _MASK64
        exp -= 1
    if 0 <= prec < 15:
        shift = prec * 4
        extra = (mant << shift) & ((1 << 60) - 1)
        mant >>= 60 - shift
        if extra | (mant & 1) > 1 << 59:
            mant += 1
        mant = (mant << (60 - shift)) & _MASK64
        if mant & (1 << 61):
            mant >>= 1
            exp += 1
    hexdigits = "0123456789abcdef" if letter == "x" else "0123456789ABCDEF"
    out = ("-" if neg else "") + "0" + letter + str((mant >> 60) & 1)
    mant = (mant << 4) & _MASK64
    if prec < 0 and mant != 0:
        out += "."
        while mant != 0:
            out += hexdigits[(mant >> 60) & 15]
            mant = (mant << 4) & _MASK64
    elif prec > 0:
        out += "."
        for _ in range(prec):
            out += hexdigits[(mant >> 60) & 15]
            mant = (mant << 4) & _MASK64
    out += "p" if letter == "x" else "P"
    out += "-" if exp < 0 else "+"
    exp = abs(exp)
    return out + (f"{exp:02d}" if exp < 100 else str(exp))


def format_float(value: float, fmt: str, prec: int) -> str:
    """Go's ``strconv.FormatFloat(value, fmt, prec, 64)``."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if fmt == "b":
        return _fmt_b(value)
    if fmt in ("x", "X"):
        return _fmt_x(value, prec, fmt)
    neg = math.copysign(1.0, value) < 0
    shortest = prec < 0
    if fmt in ("e", "E"):
        digits, point = _digits(value, -1 if shortest else prec + 1)
        return _fmt_e(neg, digits, point, len(digits) - 1 if shortest else prec, fmt)
    if fmt == "f":
        if shortest:
            digits, point = _digits(value, -1)
            return _fmt_f(neg, digits, point, max(len(digits) - point, 0))
        text = f"{abs(value):.{prec}f}"
        return ("-" if neg else "") + text
    # g / G
    if shortest:
        digits, point = _digits(value, -1)
        eprec = 6
    else:
        if prec == 0:
            prec = 1
        digits, point = _digits(value, prec)
        eprec = prec
        if eprec > len(digits) and len(digits) >= point:
            eprec = len(digits)
    exp = point - 1
    if value == 0:
        exp = 0
    if exp < -4 or exp >= eprec:
        p = len(digits) if shortest or prec > len(digits) else prec
        return _fmt_e(neg, digits, point, p - 1, "e" if fmt == "g" else "E")
    p = len(digits) if shortest or prec > point else prec
    return _fmt_f(neg, digits, point, max(p - point, 0))
