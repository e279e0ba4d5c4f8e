"""Reading untrusted JSON payloads: typed field access whose errors name the field."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from gitops_schema.errors import UsageError
from gitops_schema.store.records import ObjectKey, Observation


class PayloadError(UsageError):
    """A payload that does not have the shape its source sends (the reason names the field)."""


@contextmanager
def within(prefix: str) -> Iterator[None]:
    """Errors raised inside name their field from the part of the payload ``prefix`` names."""
    try:
        yield
    except PayloadError as error:
        raise PayloadError(prefix + error.message) from None


def string_problem(value: str) -> str | None:
    """What in ``value`` no database stores ("a NUL character", "an unpaired surrogate")."""
    if "\x00" in value:
        return "a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "an unpaired surrogate"
    return None


def field(value: Any, path: str) -> Any:
    """The value at dotted ``path`` below ``value``, or None when any step is absent."""
    if "." not in path:  # the common case, without splitting
        return value.get(path) if isinstance(value, dict) else None
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def text(value: Any, path: str, *, required: bool = False, where: str = "") -> str | None:
    """The string at ``path`` (None when absent and not required).

    Errors name ``where`` when given (the path from the payload's root, when ``value`` is
    a part of it), else ``path``.
    """
    found = field(value, path)
    if type(found) is str and found:  # the common case, checked once
        return found
    where = where or path
    if found is None:
        if required:
            raise PayloadError(f"{where}: required")
        return None
    if not isinstance(found, str):
        raise PayloadError(f"{where}: expected a string, got {type(found).__name__}")
    if required and not found:
        raise PayloadError(f"{where}: must not be empty")
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
    known = _TIMES.get(value)  # a controller's events come in rounds of few distinct times
    if known is not None:
        return known
    parsed = _parse_time(value, path)
    if len(_TIMES) >= _TIMES_KEPT:
        _TIMES.clear()
    _TIMES[value] = parsed
    return parsed


_TIMES: dict[str, datetime] = {}
_TIMES_KEPT = 1 << 14


def _parse_time(value: str, path: str) -> datetime:
    normalised = value.strip()
    if "." in normalised:
        normalised = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), normalised, 1)
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


# Kubernetes' own limits (names, label-like values), so that keys fit the unique indexes.
_LIMITS = {
    "cluster": 253,
    "namespace": 253,
    "name": 253,
    "kind": 63,
    "api_version": 253,
    "uid": 64,
    "project": 253,
    "dest_namespace": 253,
    "sync_status": 32,
    "health_status": 32,
}
_OPERATION_LIMITS = (("reason", 128), ("initiated_by", 253))


def check_lengths(observation: Observation) -> Observation:
    """``observation`` unchanged, or a PayloadError naming a value longer than its column."""
    state = observation.state
    # The key's values are strings, read by place (the common case costs a few len()s).
    for place, name, limit in _KEY_LIMITS:
        if len(state.key[place]) > limit:
            raise PayloadError(f"{name}: longer than {limit} characters")
    for name, limit in _STATE_LIMITS:
        value = getattr(state, name)
        if value is not None and len(value) > limit:
            raise PayloadError(f"{name}: longer than {limit} characters")
    for operation in observation.operations:
        for name, limit in _OPERATION_LIMITS:
            value = getattr(operation, name)
            if value is not None and len(value) > limit:
                raise PayloadError(f"{name}: longer than {limit} characters")
    for sample in observation.health:
        if len(sample.status) > _LIMITS["health_status"]:
            raise PayloadError("health.status: longer than 32 characters")
    return observation


_KEY_LIMITS = [
    (ObjectKey._fields.index(name), name, limit)
    for name, limit in _LIMITS.items()
    if name in ObjectKey._fields
]
_STATE_LIMITS = [(n, limit) for n, limit in _LIMITS.items() if n not in ObjectKey._fields]
