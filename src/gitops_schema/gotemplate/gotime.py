"""Go's ``time`` package as Sprig uses it: layouts, ``time.Time``, ``time.Duration``."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from gitops_schema.gotemplate.values import GoObject

_CHUNKS = [
    "January", "Jan", "Monday", "Mon", "MST", "2006", "-07:00:00", "-070000", "-07:00",
    "-0700", "-07", "Z07:00:00", "Z070000", "Z07:00", "Z0700", "Z07", "002", "__2", "_2",
    "01", "02", "03", "04", "05", "06", "15", "PM", "pm", "1", "2", "3", "4", "5",
]  # fmt: skip
_FRACTION = re.compile(r"[.,](0+|9+)(?![0-9])")
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]  # fmt: skip
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class TimeError(ValueError):
    """A layout parse failure, with Go's message."""


def tokenize(layout: str) -> list[str]:
    """Split a Go layout into literal text and std chunks (chunks start with a NUL)."""
    out: list[str] = []
    i = 0
    lit = ""
    while i < len(layout):
        m = _FRACTION.match(layout, i)
        if m:
            if lit:
                out.append(lit)
                lit = ""
            out.append("\0" + m.group(0))
            i = m.end()
            continue
        for chunk in _CHUNKS:
            if layout.startswith(chunk, i):
                if chunk in ("Jan", "Mon") and layout[i + 3 : i + 4].islower():
                    continue
                if lit:
                    out.append(lit)
                    lit = ""
                out.append("\0" + chunk)
                i += len(chunk)
                break
        else:
            lit += layout[i]
            i += 1
    if lit:
        out.append(lit)
    return out


def _offset(dt: datetime, chunk: str) -> str:
    off = dt.utcoffset() or timedelta(0)
    if chunk.startswith("Z") and off == timedelta(0):
        return "Z"
    secs = int(off.total_seconds())
    sign = "-" if secs < 0 else "+"
    secs = abs(secs)
    hh, mm, ss = secs // 3600, secs % 3600 // 60, secs % 60
    body = chunk.lstrip("Z-")
    if body == "07":
        return f"{sign}{hh:02d}"
    if body == "0700":
        return f"{sign}{hh:02d}{mm:02d}"
    if body == "07:00":
        return f"{sign}{hh:02d}:{mm:02d}"
    if body == "070000":
        return f"{sign}{hh:02d}{mm:02d}{ss:02d}"
    return f"{sign}{hh:02d}:{mm:02d}:{ss:02d}"


def zone_name(dt: datetime) -> str:
    """Go's zone abbreviation (``UTC``, ``CET``, or ``+0100`` when there is none)."""
    name = dt.tzname() or ""
    # A fixed offset read from text has no abbreviation in Go; Python calls it "UTC+02:00".
    if name and name[0] not in "+-" and not (name.startswith("UTC") and len(name) > 3):
        return name
    return _offset(dt, "-0700")


def format_time(dt: datetime, layout: str) -> str:
    """Go's ``Time.Format``."""
    out: list[str] = []
    for tok in tokenize(layout):
        if not tok.startswith("\0"):
            out.append(tok)
            continue
        c = tok[1:]
        if c[0] in ".,":
            digits = len(c) - 1
            frac = f"{dt.microsecond:06d}000"[:digits]
            if c[1] == "9":
                frac = frac.rstrip("0")
                out.append(c[0] + frac if frac else "")
            else:
                out.append(c[0] + frac)
        elif c == "January":
            out.append(_MONTHS[dt.month - 1])
        elif c == "Jan":
            out.append(_MONTHS[dt.month - 1][:3])
        elif c == "Monday":
            out.append(_DAYS[dt.weekday()])
        elif c == "Mon":
            out.append(_DAYS[dt.weekday()][:3])
        elif c == "MST":
            out.append(zone_name(dt))
        elif c == "2006":
            out.append(f"{dt.year:04d}")
        elif c == "06":
            out.append(f"{dt.year % 100:02d}")
        elif c in ("01", "1"):
            out.append(f"{dt.month:02d}" if c == "01" else str(dt.month))
        elif c in ("02", "2", "_2"):
            out.append({"02": f"{dt.day:02d}", "2": str(dt.day), "_2": f"{dt.day:2d}"}[c])
        elif c in ("002", "__2"):
            yday = dt.timetuple().tm_yday
            out.append(f"{yday:03d}" if c == "002" else f"{yday:3d}")
        elif c == "15":
            out.append(f"{dt.hour:02d}")
        elif c in ("3", "03"):
            h = dt.hour % 12 or 12
            out.append(f"{h:02d}" if c == "03" else str(h))
        elif c in ("4", "04"):
            out.append(f"{dt.minute:02d}" if c == "04" else str(dt.minute))
        elif c in ("5", "05"):
            out.append(f"{dt.second:02d}" if c == "05" else str(dt.second))
        elif c in ("PM", "pm"):
            text = "PM" if dt.hour >= 12 else "AM"
            out.append(text if c == "PM" else text.lower())
        else:
            out.append(_offset(dt, c))
    return "".join(out)


_NUM = {"2006": 4, "06": 2, "01": 2, "02": 2, "15": 2, "03": 2, "04": 2, "05": 2, "002": 3}
_NUMBERS = frozenset(_NUM) | {"1", "2", "3", "4", "5", "_2"}
_FIELD_OF = {
    "2006": "year", "06": "year", "01": "month", "1": "month", "02": "day", "2": "day",
    "_2": "day", "15": "hour", "03": "hour", "3": "hour", "04": "minute", "4": "minute",
    "05": "second", "5": "second",
}  # fmt: skip
"""The field each numeric chunk sets (the day of the year, ``002``, sets none)."""


class _Parse:
    """The state of one :func:`parse_time`: the text left and the fields read so far."""

    def __init__(self, layout: str, value: str) -> None:
        self.layout = layout
        self.value = value
        self.rest = value
        self.fields = {"year": 1, "month": 1, "day": 1, "hour": 0, "minute": 0}
        self.fields.update({"second": 0, "micro": 0})
        self.pm: bool | None = None
        self.tz: tzinfo | None = None

    def bad(self, chunk: str) -> TimeError:
        return TimeError(
            f'parsing time "{self.value}" as "{self.layout}": '
            f'cannot parse "{self.rest}" as "{chunk}"'
        )

    def chunk(self, c: str) -> None:
        """Read the text of one std chunk of the layout."""
        if c in _NUMBERS:
            self.number(c)
        elif c in ("January", "Jan", "Monday", "Mon"):
            self.name(c)
        elif c in ("PM", "pm"):
            if self.rest[:2].upper() not in ("AM", "PM"):
                raise self.bad(c)
            self.pm = self.rest[:2].upper() == "PM"
            self.rest = self.rest[2:]
        elif c[0] in ".,":
            m = self.match(r"[.,](\d+)", c)
            self.fields["micro"] = int((m.group(1) + "000000")[:6])
        elif c == "MST":
            self.match(r"[A-Z]{3,5}|[+-]\d+", c)
        elif c.startswith("Z") and self.rest.startswith("Z"):
            self.tz = UTC
            self.rest = self.rest[1:]
        else:
            m = self.match(r"([+-])(\d\d):?(\d\d)?:?(\d\d)?", c)
            secs = int(m.group(2)) * 3600 + int(m.group(3) or 0) * 60 + int(m.group(4) or 0)
            self.tz = timezone(timedelta(seconds=-secs if m.group(1) == "-" else secs))

    def match(self, pattern: str, c: str) -> re.Match[str]:
        """Consume what ``pattern`` matches at the start of the text left."""
        m = re.match(pattern, self.rest)
        if not m:
            raise self.bad(c)
        self.rest = self.rest[m.end() :]
        return m

    def number(self, c: str) -> None:
        width = _NUM.get(c, 0)
        text = self.rest.lstrip(" ") if c == "_2" else self.rest
        m = re.match(rf"\d{{{width}}}" if width else r"\d{1,2}", text)
        if not m:
            raise self.bad(c)
        self.rest = text[m.end() :]
        n = int(m.group(0))
        if c == "06":
            n += 1900 if n >= 69 else 2000
        if c in _FIELD_OF:
            self.fields[_FIELD_OF[c]] = n

    def name(self, c: str) -> None:
        names = _MONTHS if c.startswith("J") else _DAYS
        for i, name in enumerate(names):
            candidate = name if len(c) > 3 else name[:3]
            if self.rest.lower().startswith(candidate.lower()):
                self.rest = self.rest[len(candidate) :]
                if names is _MONTHS:
                    self.fields["month"] = i + 1
                return
        raise self.bad(c)


def parse_time(layout: str, value: str, loc: tzinfo = UTC) -> datetime:
    """Go's ``time.ParseInLocation`` for the common chunks.

    Raises:
        TimeError: ``parsing time "v" as "layout": cannot parse "rest" as "chunk"``.
    """
    state = _Parse(layout, value)
    for tok in tokenize(layout):
        if tok.startswith("\0"):
            state.chunk(tok[1:])
        elif state.rest.startswith(tok):
            state.rest = state.rest[len(tok) :]
        else:
            raise state.bad(tok)
    if state.rest:
        raise TimeError(f'parsing time "{value}": extra text: "{state.rest}"')
    fields = state.fields
    if state.pm is not None:
        fields["hour"] = fields["hour"] % 12 + (12 if state.pm else 0)
    try:
        return datetime(
            fields["year"], fields["month"], fields["day"], fields["hour"], fields["minute"],
            fields["second"], fields["micro"], tzinfo=state.tz or loc,
        )  # fmt: skip
    except ValueError as exc:
        raise TimeError(f'parsing time "{value}": {exc}') from None


def load_location(name: str) -> tzinfo:
    """Go's ``time.LoadLocation`` (``Local`` is UTC here: no environment access)."""
    if name in ("", "UTC", "Local"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise TimeError(f"unknown time zone {name}") from None


class GoTime(GoObject):
    """A Go ``time.Time``."""

    go_type = "time.Time"
    go_kind = "struct"

    def __init__(self, dt: datetime) -> None:
        self.dt = dt

    def go_string(self) -> str:
        """``Time.String()``: ``2006-01-02 15:04:05.999999999 -0700 MST``."""
        return format_time(self.dt, "2006-01-02 15:04:05.999999999 -0700 MST")

    def go_json(self) -> Any:
        """``Time.MarshalJSON``: RFC 3339 with nanoseconds."""
        return format_time(self.dt, "2006-01-02T15:04:05.999999999Z07:00")

    def go_field(self, name: str) -> Any:
        """Accessor methods without arguments (``.Year``, ``.Unix``...)."""
        dt = self.dt
        getters = {
            "Year": lambda: dt.year,
            "Month": lambda: dt.month,
            "Day": lambda: dt.day,
            "Hour": lambda: dt.hour,
            "Minute": lambda: dt.minute,
            "Second": lambda: dt.second,
            "Unix": lambda: int(dt.timestamp()),
            "String": self.go_string,
        }
        if name not in getters:
            raise KeyError(name)
        return getters[name]()


ZERO_TIME = GoTime(datetime(1, 1, 1, tzinfo=UTC))
