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
    """The object's ``spec`` as raw data ({} when absent or not a mapping)."""
    value = get(obj.document.data, "spec")
    return value if isinstance(value, dict) else {}


def ref_namespace(obj: GitOpsObject, ref: dict[str, Any]) -> str | None:
    """A reference's namespace, defaulting to the referrer's, as Flux resolves it."""
    namespace = ref.get("namespace")
    return namespace if isinstance(namespace, str) else obj.namespace
