"""Go's ``time.Duration``: ``ParseDuration`` and ``String``, in integer nanoseconds.

Durations are everywhere in GitOps objects (Flux ``interval``, ``timeout``, Argo CD
``retry.backoff``) and in Sprig's date functions; Go parses them exactly, with integer
arithmetic and an overflow check, which is what is kept here.
"""

from __future__ import annotations

__all__ = ["DurationError", "format_duration", "parse_duration"]

_UNITS = {
    "ns": 1,
    "us": 10**3,
    "\u00b5s": 10**3,  # MICRO SIGN
    "\u03bcs": 10**3,  # GREEK SMALL LETTER MU
    "ms": 10**6,
    "s": 10**9,
    "m": 60 * 10**9,
    "h": 3600 * 10**9,
}
_LIMIT = 1 << 63


class DurationError(ValueError):
    """A text ``time.ParseDuration`` refuses; the message is Go's."""


def parse_duration(text: str) -> int:
    """Go's ``time.ParseDuration``: ``1h30m``, ``-1.5s``, ``300ms``, in nanoseconds.

    Raises:
        DurationError: ``time: invalid duration "x"``, ``time: missing unit in duration
            "1"`` or ``time: unknown unit "x" in duration "1x"``.
    """
    invalid = DurationError(f'time: invalid duration "{text}"')
    rest = text
    negative = False
    if rest[:1] in ("-", "+"):
        negative = rest[0] == "-"
        rest = rest[1:]
    if rest == "0":
        return 0
    if not rest:
        raise invalid
    total = 0
    while rest:
        if not (rest[0] == "." or (rest[0].isascii() and rest[0].isdigit())):
            raise invalid
        whole, digits, rest = _leading_int(rest)
        if whole is None:
            raise invalid
        fraction, scale, post = 0, 1, False
        if rest.startswith("."):
            fraction, scale, taken = _leading_fraction(rest[1:])
            post = taken > 0
            rest = rest[1 + taken :]
        if not digits and not post:
            raise invalid
        end = 0
        while end < len(rest) and not (rest[end] == "." or "0" <= rest[end] <= "9"):
            end += 1
        if end == 0:
            raise DurationError(f'time: missing unit in duration "{text}"')
        unit_name, rest = rest[:end], rest[end:]
        unit = _UNITS.get(unit_name)
        if unit is None:
            raise DurationError(f'time: unknown unit "{unit_name}" in duration "{text}"')
        if whole > _LIMIT // unit:
            raise invalid
        value = whole * unit
        if fraction:
            value += int(float(fraction) * (float(unit) / scale))
            if value > _LIMIT:
                raise invalid
        total += value
        if total > _LIMIT:
            raise invalid
    if negative:
        return -total
    if total > _LIMIT - 1:
        raise invalid
    return total


def _leading_int(text: str) -> tuple[int | None, int, str]:
    """The leading digits' value (None on overflow), how many there were, the rest."""
    value = 0
    i = 0
    while i < len(text) and "0" <= text[i] <= "9":
        if value > _LIMIT // 10:
            return None, i, text[i:]
        value = value * 10 + ord(text[i]) - 48
        if value > _LIMIT:
            return None, i, text[i:]
        i += 1
    return value, i, text[i:]


def _leading_fraction(text: str) -> tuple[int, int, int]:
    """Digits after the point: their value and scale until they would overflow; how many."""
    value, scale, i = 0, 1, 0
    overflow = False
    while i < len(text) and "0" <= text[i] <= "9":
        if not overflow:
            grown = value * 10 + ord(text[i]) - 48
            if value > (_LIMIT - 1) // 10 or grown > _LIMIT:
                overflow = True
            else:
                value = grown
                scale *= 10
        i += 1
    return value, scale, i


def format_duration(nanoseconds: int) -> str:
    """Go's ``Duration.String()``: ``1h2m3.5s``, ``1.5ms``, ``0s``."""
    if nanoseconds == 0:
        return "0s"
    sign = "-" if nanoseconds < 0 else ""
    size = abs(nanoseconds)
    if size < 10**9:
        for unit, step in (("ns", 1), ("µs", 10**3), ("ms", 10**6)):
            if size < step * 1000:
                whole, fraction = divmod(size, step)
                text = str(whole)
                if fraction:
                    digits = len(str(step)) - 1
                    text += "." + f"{fraction:0{digits}d}".rstrip("0")
                return sign + text + unit
    hours, rest = divmod(size, 3600 * 10**9)
    minutes, rest = divmod(rest, 60 * 10**9)
    seconds, fraction = divmod(rest, 10**9)
    text = str(seconds) + ("." + f"{fraction:09d}".rstrip("0") if fraction else "") + "s"
    if hours:
        return f"{sign}{hours}h{minutes}m{text}"
    if minutes:
        return f"{sign}{minutes}m{text}"
    return sign + text
