"""Sprig date functions (date.go) over Go's time layouts; ``Local`` is UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from gitops_schema.golang.duration import DurationError, format_duration, parse_duration
from gitops_schema.gotemplate.funcs import ANY, STR, FuncError, FuncMap, GoFunc
from gitops_schema.gotemplate.gotime import (
    ZERO_TIME,
    GoTime,
    TimeError,
    format_time,
    load_location,
    parse_time,
)
from gitops_schema.gotemplate.values import Int64

TIME = "time.Time"
_YEAR, _MONTH, _DAY = 365 * 86400 * 10**9, 30 * 86400 * 10**9, 86400 * 10**9


def _as_time(value: Any) -> datetime:
    if isinstance(value, GoTime):
        return value.dt
    if isinstance(value, int) and not isinstance(value, bool):
        return datetime.fromtimestamp(int(value), UTC)
    return datetime.now(UTC)


def format_date(layout: str, value: Any, zone: str = "Local") -> str:
    """``date``/``dateInZone``: unix seconds or a time, formatted in ``zone``."""
    try:
        loc = load_location(zone)
    except TimeError:
        loc = UTC
    return format_time(_as_time(value).astimezone(loc), layout)


def to_date(layout: str, value: str) -> GoTime:
    """``toDate``: the zero time when ``value`` does not match ``layout``."""
    try:
        return GoTime(parse_time(layout, value))
    except TimeError:
        return ZERO_TIME


def must_to_date(layout: str, value: str) -> GoTime:
    """``mustToDate``."""
    try:
        return GoTime(parse_time(layout, value))
    except TimeError as exc:
        raise FuncError(str(exc)) from None


def date_modify(spec: str, t: GoTime) -> GoTime:
    """``dateModify``: ``t`` shifted by a Go duration; unchanged if it does not parse."""
    try:
        return GoTime(t.dt + timedelta(microseconds=parse_duration(spec) / 1000))
    except (DurationError, OverflowError):
        return t


def must_date_modify(spec: str, t: GoTime) -> GoTime:
    """``mustDateModify``."""
    try:
        return GoTime(t.dt + timedelta(microseconds=parse_duration(spec) / 1000))
    except DurationError as exc:
        raise FuncError(str(exc)) from None
    except OverflowError:
        raise FuncError(f"date {spec!r} is out of range") from None


def duration(sec: Any) -> str:
    """``duration``: seconds (a string or an int64; anything else is 0) as a Go duration."""
    n = 0
    if isinstance(sec, str):
        text = sec[1:] if sec[:1] in "+-" else sec
        n = int(sec) if text.isdigit() and text.isascii() else 0
    elif isinstance(sec, Int64):
        n = int(sec)
    return format_duration(n * 10**9)


def duration_round(value: Any) -> str:
    """``durationRound``: the largest whole unit (y, mo, d, h, m, s)."""
    ns = 0
    if isinstance(value, str):
        try:
            ns = parse_duration(value)
        except DurationError:
            ns = 0
    elif isinstance(value, Int64):
        ns = int(value)
    elif isinstance(value, GoTime):
        ns = int((datetime.now(UTC) - value.dt).total_seconds() * 10**9)
    u = abs(ns)
    for size, unit in ((_YEAR, "y"), (_MONTH, "mo"), (_DAY, "d"), (3600 * 10**9, "h")):
        if u > size:
            return f"{u // size}{unit}"
    for size, unit in ((60 * 10**9, "m"), (10**9, "s")):
        if u > size:
            return f"{u // size}{unit}"
    return "0s"


def ago(value: Any) -> str:
    """``ago``: time since ``value``, rounded to the second."""
    seconds = round((datetime.now(UTC) - _as_time(value)).total_seconds())
    return format_duration(seconds * 10**9)


FUNCS: FuncMap = {
    "now": GoFunc(lambda: GoTime(datetime.now(UTC))),
    "ago": GoFunc(ago, (ANY,)),
    "date": GoFunc(format_date, (STR, ANY)),
    "dateInZone": GoFunc(format_date, (STR, ANY, STR)),
    "date_in_zone": GoFunc(format_date, (STR, ANY, STR)),
    "htmlDate": GoFunc(lambda v: format_date("2006-01-02", v), (ANY,)),
    "htmlDateInZone": GoFunc(lambda v, z: format_date("2006-01-02", v, z), (ANY, STR)),
    "dateModify": GoFunc(date_modify, (STR, TIME)),
    "date_modify": GoFunc(date_modify, (STR, TIME)),
    "mustDateModify": GoFunc(must_date_modify, (STR, TIME)),
    "must_date_modify": GoFunc(must_date_modify, (STR, TIME)),
    "toDate": GoFunc(to_date, (STR, STR)),
    "mustToDate": GoFunc(must_to_date, (STR, STR)),
    "unixEpoch": GoFunc(lambda t: str(int(t.dt.timestamp())), (TIME,)),
    "duration": GoFunc(duration, (ANY,)),
    "durationRound": GoFunc(duration_round, (ANY,)),
}
