"""Small helpers the rule families share: reaching into raw data and locating it."""

from __future__ import annotations

from typing import Any

from gitops_schema.location import JsonPath, Location
from gitops_schema.model import GitOpsObject


def get(data: Any, *path: str | int) -> Any:
    """The value at a path of raw data, or None where the path does not exist."""
    for step in path:
        if isinstance(step, int):
            if not isinstance(data, list) or not -len(data) <= step < len(data):
                return None
        elif not isinstance(data, dict):
            return None
        data = data[step] if isinstance(step, int) else data.get(step)
    return data


def at(obj: GitOpsObject, *path: str | int, key: bool = False) -> Location:
    """The location of a path inside an object (of its key with ``key=True``)."""
    located: JsonPath = tuple(path)
    return obj.document.locate(located, key=key)


def spec(obj: GitOpsObject) -> dict[str, Any]:
    """The object's ``spec`` as written, raw data ({} when absent or not a mapping).

    For kinds without a model, and for a rule that needs what was written whether or not
    it fits the model (promtool's input); otherwise a rule reads ``obj.model``.
    """
    value = get(obj.document.data, "spec")
    return value if isinstance(value, dict) else {}
