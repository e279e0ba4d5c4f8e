"""Reading untrusted JSON payloads: typed field access whose errors name the field."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from gitops_schema.errors import UsageError


class PayloadError(UsageError):
    """A payload that does not have the shape its source sends (the reason names the field)."""


def field(value: Any, path: str) -> Any:
    """The value at dotted ``path`` below ``value``, or None when any step is absent."""
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def text(value: Any, path: str, *, required: bool = False) -> str | None:
    """The string at ``path`` (None when absent and not required)."""
    found = field(value, path)
    if found is None:
        if required:
            raise PayloadError(f"{path}: required")
        return None
    if not isinstance(found, str):
        raise PayloadError(f"{path}: expected a string, got {type(found).__name__}")
    if required and not found:
        raise PayloadError(f"{path}: must not be empty")
    return found


def mapping(value: Any, path: str) -> dict[str, Any]:
    """The object at ``path`` ({} when absent)."""
    found = field(value, path)
    if found is None:
        return {}
    if not isinstance(found, dict):
        raise PayloadError(f"{path}: expected an object, got {type(found).__name__}")
    return found


def items(value: Any, path: str) -> list[Any]:
    """The list at ``path`` ([] when absent)."""
    found = field(value, path)
    if found is None:
        return []
    if not isinstance(found, list):
        raise PayloadError(f"{path}: expected a list, got {type(found).__name__}")
    return found


_FRACTION = re.compile(r"\.(\d+)")


def parse_time(value: str, path: str) -> datetime:
    """An RFC 3339 timestamp as an aware UTC datetime (nanoseconds cut to microseconds)."""
    normalised = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), value.strip(), 1)
    try:
        parsed = datetime.fromisoformat(normalised)
    except ValueError:
        raise PayloadError(f"{path}: not an RFC 3339 timestamp: {value[:64]!r}") from None
    if parsed.tzinfo is None:
        raise PayloadError(f"{path}: timestamp without a time zone: {value[:64]!r}")
    return parsed.astimezone(UTC)


def time_at(value: Any, path: str, *, required: bool = False) -> datetime | None:
    """The timestamp at ``path`` (None when absent and not required)."""
    found = text(value, path, required=required)
    return None if found is None else parse_time(found, path)


def format_time(moment: datetime) -> str:
    """ISO 8601 UTC with a ``Z``, seconds precision unless the instant has a fraction."""
    utc = moment.astimezone(UTC)
    spec = "seconds" if utc.microsecond == 0 else "microseconds"
    return utc.replace(tzinfo=None).isoformat(timespec=spec) + "Z"
