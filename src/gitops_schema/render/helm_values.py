"""Helm values as the Helm CLI composes them: ``-f`` layers merged, ``--set`` paths applied.

Shared by Argo CD Helm sources and Flux HelmReleases; both hand the result to
:meth:`~gitops_schema.render.engines.HelmEngine.template`, which coalesces it over the
chart's defaults.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["ValuesPathError", "merge_values", "parse_set_value", "set_path"]

_INDEX = re.compile(r"^(.*?)\[(\d+)\]$")
# Helm's strvals refuses larger list indices rather than allocating a huge list.
_MAX_INDEX = 65536


class ValuesPathError(ValueError):
    """A ``--set`` style path that Helm would refuse (bad index, a key into a scalar)."""


def merge_values(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` merged into ``base``: maps merge recursively, anything else replaces.

    This is Helm's ``mergeMaps`` for successive ``-f`` files, and Flux's merge of
    ``valuesFrom`` and ``values`` (arrays replace, never concatenate).
    """
    merged = dict(base)
    for key, value in override.items():
        current = merged.get(key)
        if isinstance(value, Mapping) and isinstance(current, Mapping):
            merged[key] = merge_values(current, value)
        else:
            merged[key] = value
    return merged


def parse_set_value(text: str, *, force_string: bool = False) -> Any:
    """A ``--set`` value as Helm's strvals types it (``--set-string`` when ``force_string``).

    ``true``/``false`` are booleans, ``null`` is null, integers without a leading zero are
    ints; everything else (floats included) stays a string. ``{a,b}`` is a list.
    """
    if force_string:
        return text
    if len(text) >= 2 and text[0] == "{" and text[-1] == "}":
        inner = text[1:-1]
        return [parse_set_value(item) for item in inner.split(",")] if inner else []
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    if text == "0" or re.fullmatch(r"-?[1-9][0-9]*", text):
        return int(text)
    return text


def set_path(values: dict[str, Any], path: str, value: Any) -> None:
    r"""Set ``value`` at a Helm ``--set`` path: ``a.b``, ``a\.b`` for a dotted key, ``a[0]``.

    Raises:
        ValuesPathError: an index out of Helm's range or a path through a scalar.
    """
    steps: list[str | int] = []
    for part in _split_keys(path):
        indices: list[int] = []
        while match := _INDEX.match(part):
            part, index = match.group(1), int(match.group(2))
            if index > _MAX_INDEX:
                raise ValuesPathError(f"index {index} in {path!r} is too large")
            indices.insert(0, index)
        if part:
            steps.append(part)
        steps.extend(indices)
    if not steps:
        raise ValuesPathError(f"empty values path {path!r}")
    container: Any = values
    for step, following in itertools.pairwise(steps):
        container = _child(container, step, following, path)
    _assign(container, steps[-1], value, path)


def _split_keys(path: str) -> list[str]:
    keys, current, escaped = [], [], False
    for char in path:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ".":
            keys.append("".join(current))
            current = []
        else:
            current.append(char)
    keys.append("".join(current))
    return keys


def _child(container: Any, step: str | int, following: str | int, path: str) -> Any:
    empty: Any = [] if isinstance(following, int) else {}
    existing = _get(container, step, path)
    wanted = list if isinstance(following, int) else dict
    if not isinstance(existing, wanted):
        existing = empty
        _assign(container, step, existing, path)
    return existing


def _get(container: Any, step: str | int, path: str) -> Any:
    if isinstance(step, int):
        if not isinstance(container, list):
            raise ValuesPathError(f"{path!r} indexes something that is not a list")
        return container[step] if step < len(container) else None
    if not isinstance(container, dict):
        raise ValuesPathError(f"{path!r} walks into something that is not a map")
    return container.get(step)


def _assign(container: Any, step: str | int, value: Any, path: str) -> None:
    if isinstance(step, int):
        if not isinstance(container, list):
            raise ValuesPathError(f"{path!r} indexes something that is not a list")
        # Helm pads a list with nulls up to the index it sets.
        container.extend([None] * (step + 1 - len(container)))
        container[step] = value
    elif isinstance(container, dict):
        container[step] = value
    else:
        raise ValuesPathError(f"{path!r} walks into something that is not a map")
