"""Resolution of YAML scalars to JSON-like values, as Kubernetes reads them.

Kubernetes, Argo CD and Flux decode YAML through ``sigs.k8s.io/yaml``, which follows
go-yaml v2: YAML 1.1 booleans (``yes``, ``on``, ``y``...), Go's integer syntax (``0x``,
``0o``, leading-zero octal, ``0b``, underscores), floats with or without a dot, and
timestamps kept as strings. PyYAML's resolver differs on several of these (it turns
``2024-01-01`` into a date, ``1:30`` into 90 and leaves ``1e5`` a string), so we resolve
plain scalars ourselves.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

_CONSTANTS: dict[str, Any] = {}
for _words, _value in (
    (("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    (("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
    (("", "~", "null", "Null", "NULL"), None),
    ((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    (("-.inf", "-.Inf", "-.INF"), -math.inf),
    ((".nan", ".NaN", ".NAN"), math.nan),
):
    for _word in _words:
        _CONSTANTS[_word] = _value

# Only scalars starting with one of these can be numbers (go-yaml's resolve table).
_NUMBER_START = frozenset("+-.0123456789")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INT64_MIN = -(2**63)
_UINT64_MAX = 2**64 - 1

_STR_TAG = "tag:yaml.org,2002:str"
_TYPED_TAGS = frozenset(
    {
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null",
    }
)


def _parse_go_int(text: str) -> int | None:
    """Parse like Go's ``strconv.ParseInt(s, 0, 64)`` (then ParseUint); None if it fails."""
    sign = 1
    body = text
    if body[:1] in "+-":
        if body[0] == "-":
            sign = -1
        body = body[1:]
    if not body:
        return None
    prefix = body[:2].lower()
    try:
        if prefix == "0x":
            value = int(body[2:], 16)
        elif prefix == "0o":
            value = int(body[2:], 8)
        elif prefix == "0b":
            value = int(body[2:], 2)
        elif len(body) > 1 and body[0] == "0":
            value = int(body[1:], 8)
        elif body.isdigit():
            value = int(body)
        else:
            return None
    except ValueError:
        return None
    value *= sign
    if _INT64_MIN <= value <= _UINT64_MAX:
        return value
    return None


def resolve_plain(text: str) -> Any:
    """The value of a plain (unquoted, untagged) scalar."""
    try:
        return _CONSTANTS[text]
    except KeyError:
        pass
    if text[0] not in _NUMBER_START:
        return text
    plain = text.replace("_", "") if "_" in text else text
    value = _parse_go_int(plain)
    if value is not None:
        return value
    if _FLOAT.fullmatch(plain):
        return float(plain)
    return text


def resolve_tagged(tag: str, text: str, plain: bool) -> Any:
    """The value of a scalar with an explicit tag.

    ``!!str`` forces a string and the core typed tags force resolution; any other tag
    (``!!binary``, ``!!timestamp``, application tags such as ``!env_var``) keeps the
    scalar as written, since Kubernetes' decoder ignores tags it does not know.
    """
    if tag == _STR_TAG:
        return text
    if tag in _TYPED_TAGS or plain:
        return resolve_plain(text) if text else _CONSTANTS[""]
    return text


def key_text(value: Any) -> str:
    """A mapping key as the string that ``sigs.k8s.io/yaml`` turns it into."""
    if isinstance(value, str):
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, float):
        return format_go_float(value)
    return str(value)


def format_go_float(value: float) -> str:
    """Format like Go's ``strconv.FormatFloat(f, 'g', -1, 64)``.

    Shortest digits; exponent form when the exponent is below -4 or at least 6 (``1e+06``).
    """
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    sign, digit_tuple, exponent = Decimal(repr(value)).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0") or "0"
    assert isinstance(exponent, int)
    # Decimal point position after the first digit once trailing zeros are gone.
    exp = len("".join(map(str, digit_tuple))) + exponent - 1
    prefix = "-" if sign else ""
    if exp < -4 or exp >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{prefix}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if exp < 0:
        return f"{prefix}0.{'0' * (-exp - 1)}{digits}"
    whole, frac = digits[: exp + 1], digits[exp + 1 :]
    whole = whole.ljust(exp + 1, "0")
    return f"{prefix}{whole}.{frac}" if frac else f"{prefix}{whole}"
