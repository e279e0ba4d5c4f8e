"""Flatten an object to its leaf fields, keyed by JSON paths that survive reordering.

Lists of named things (containers, env, ports, volumes) are keyed by ``name``, so
``spec.template.spec.containers[name=app].image`` is the same field in every environment
whatever the order of the containers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["flatten"]


def flatten(obj: Mapping[str, Any]) -> dict[str, Any]:
    """Every leaf of ``obj`` by path; an empty map or list is a leaf of its own.

    Keys holding a ``.`` or ``[`` (``app.kubernetes.io/name``) are bracket-quoted:
    ``metadata.labels["app.kubernetes.io/name"]``.
    """
    leaves: dict[str, Any] = {}
    _walk(obj, "", leaves)
    return leaves


def _walk(value: Any, path: str, leaves: dict[str, Any]) -> None:
    if isinstance(value, Mapping) and value:
        for key, item in value.items():
            _walk(item, _join(path, str(key)), leaves)
    elif isinstance(value, list) and value:
        names = _names(value)
        for index, item in enumerate(value):
            step = f"[name={names[index]}]" if names else f"[{index}]"
            _walk(item, path + step, leaves)
    else:
        leaves[path] = value


def _join(path: str, key: str) -> str:
    if "." in key or "[" in key or "]" in key:
        return f'{path}["{key}"]'
    return f"{path}.{key}" if path else key


def _names(items: list[Any]) -> list[str] | None:
    # Only a list whose every item has a distinct name is keyed by name; anything else
    # (args, duplicated names) keeps its order as meaning.
    names = [item.get("name") if isinstance(item, Mapping) else None for item in items]
    if all(isinstance(name, str) for name in names) and len(set(names)) == len(names):
        return [str(name) for name in names]
    return None
