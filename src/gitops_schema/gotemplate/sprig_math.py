"""Sprig arithmetic (numeric.go).

Integer functions return int64 with Go's wrap-around and truncating division; the
``*f`` functions go through decimal arithmetic as shopspring/decimal does in Sprig.
"""

from __future__ import annotations

import math
import secrets
from decimal import Decimal, DivisionByZero, InvalidOperation, localcontext
from typing import Any

from gitops_schema.gotemplate.funcs import ANY, FLOAT, INT, FuncError, FuncMap, GoFunc
from gitops_schema.gotemplate.sprig_conv import strval, to_float64, to_int, to_int64, wrap64
from gitops_schema.gotemplate.values import Int64

_DIV_ZERO = "runtime error: integer divide by zero"


def _go_div(a: int, b: int) -> int:
    if b == 0:
        raise FuncError(_DIV_ZERO)
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _go_mod(a: int, b: int) -> int:
    if b == 0:
        raise FuncError(_DIV_ZERO)
    return a - _go_div(a, b) * b


def _dec(value: Any) -> Decimal:
    return Decimal(repr(to_float64(value)))


def _float(d: Decimal) -> float:
    return float(d)


def addf(*values: Any) -> float:
    """``addf``."""
    total = Decimal(0)
    for v in values:
        total += _dec(v)
    return _float(total)


def subf(a: Any, *values: Any) -> float:
    """``subf``."""
    total = _dec(a)
    for v in values:
        total -= _dec(v)
    return _float(total)


def mulf(a: Any, *values: Any) -> float:
    """``mulf``."""
    total = _dec(a)
    for v in values:
        total *= _dec(v)
    return _float(total)


def divf(a: Any, *values: Any) -> float:
    """``divf``: decimal division with 16 digits after the point, as shopspring's default."""
    total = _dec(a)
    with localcontext() as ctx:
        ctx.prec = 60
        for v in values:
            try:
                total = (total / _dec(v)).quantize(Decimal(1).scaleb(-16))
            except (DivisionByZero, InvalidOperation):
                raise FuncError("decimal division by 0") from None
    return _float(total)


def round_(a: Any, places: int, *round_on: float) -> float:
    """``round``: half-up at ``round_on`` (0.5 by default) after ``places`` digits."""
    on = round_on[0] if round_on else 0.5
    pow_ = math.pow(10, places)
    digit = pow_ * to_float64(a)
    frac = math.modf(digit)[0]
    rounded = math.ceil(digit) if frac >= on else math.floor(digit)
    return rounded / pow_


def _parse_base(text: str, base: int) -> int | None:
    # strconv.ParseInt with an explicit base: optional sign, digits only.
    body = text[1:] if text[:1] in "+-" else text
    if not body or not body.isascii() or not body.isalnum():
        return None
    try:
        value = int(text, base)
    except ValueError:
        return None
    return value if -(1 << 63) <= value < 1 << 63 else None


def to_decimal(value: Any) -> Int64:
    """``toDecimal``: parse the value's text as octal."""
    return Int64(_parse_base(strval(value), 8) or 0)


def atoi(s: str) -> int:
    """``atoi``: ``strconv.Atoi``, 0 on error."""
    return _parse_base(s, 10) or 0


def rand_int(lo: int, hi: int) -> int:
    """``randInt``: in [lo, hi)."""
    if hi <= lo:
        raise FuncError("invalid argument to Int63n")
    return lo + secrets.randbelow(hi - lo)


def _product(a: Any, *values: Any) -> Int64:
    total = int(to_int64(a))
    for v in values:
        total = int(wrap64(total * int(to_int64(v))))
    return Int64(total)


def _max(a: Any, *values: Any) -> Int64:
    return Int64(max([int(to_int64(a)), *(int(to_int64(v)) for v in values)]))


def _min(a: Any, *values: Any) -> Int64:
    return Int64(min([int(to_int64(a)), *(int(to_int64(v)) for v in values)]))


def _maxf(a: Any, *values: Any) -> float:
    return max([to_float64(a), *(to_float64(v) for v in values)])


def _minf(a: Any, *values: Any) -> float:
    return min([to_float64(a), *(to_float64(v) for v in values)])


FUNCS: FuncMap = {
    "add1": GoFunc(lambda a: wrap64(to_int64(a) + 1), (ANY,)),
    "add": GoFunc(lambda *v: wrap64(sum(int(to_int64(x)) for x in v)), (), ANY),
    "sub": GoFunc(lambda a, b: wrap64(to_int64(a) - to_int64(b)), (ANY, ANY)),
    "div": GoFunc(lambda a, b: wrap64(_go_div(to_int64(a), to_int64(b))), (ANY, ANY)),
    "mod": GoFunc(lambda a, b: wrap64(_go_mod(to_int64(a), to_int64(b))), (ANY, ANY)),
    "mul": GoFunc(_product, (ANY,), ANY),
    "randInt": GoFunc(rand_int, (INT, INT)),
    "add1f": GoFunc(lambda a: addf(a, 1), (ANY,)),
    "addf": GoFunc(addf, (), ANY),
    "subf": GoFunc(subf, (ANY,), ANY),
    "divf": GoFunc(divf, (ANY,), ANY),
    "mulf": GoFunc(mulf, (ANY,), ANY),
    "biggest": GoFunc(_max, (ANY,), ANY),
    "max": GoFunc(_max, (ANY,), ANY),
    "min": GoFunc(_min, (ANY,), ANY),
    "maxf": GoFunc(_maxf, (ANY,), ANY),
    "minf": GoFunc(_minf, (ANY,), ANY),
    "ceil": GoFunc(lambda a: float(math.ceil(to_float64(a))), (ANY,)),
    "floor": GoFunc(lambda a: float(math.floor(to_float64(a))), (ANY,)),
    "round": GoFunc(round_, (ANY, INT), FLOAT),
    "toDecimal": GoFunc(to_decimal, (ANY,)),
    "atoi": GoFunc(atoi, ("string",)),
    "int64": GoFunc(to_int64, (ANY,)),
    "int": GoFunc(to_int, (ANY,)),
    "float64": GoFunc(to_float64, (ANY,)),
}
