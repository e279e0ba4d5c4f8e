"""Reading raw object data defensively: a field of the wrong type reads as absent."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["as_list", "as_map", "plain", "strings"]


def as_map(value: Any) -> Mapping[str, Any]:
    """``value`` when it is a mapping, else an empty one."""
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` when it is a list, else an empty one."""
    return list(value) if isinstance(value, list) else []


def plain(value: Any) -> Any:
    """Loaded data (positioned maps and lists) as plain dicts and lists."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def strings(value: Any) -> dict[str, str]:
    """A mapping's keys and values as text; empty when ``value`` is not a mapping."""
    return {str(k): str(v) for k, v in as_map(value).items()}
