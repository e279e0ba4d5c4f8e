"""Parameter sets: flattening to dotted keys, and post-generator selectors.

In fasttemplate mode parameters are flat string maps (``path.basename``,
``metadata.labels.env``); in goTemplate mode they are nested JSON. Post-selectors see both
as flattened dotted keys, list items included (``values.0``), values as Go prints them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitops_schema.appset.errors import GeneratorError
from gitops_schema.gotemplate.gofmt import format_value
from gitops_schema.model.selectors import matches_label_selector

Params = dict[str, Any]
"""One parameter set a generator emits."""


def go_string(value: Any) -> str:
    """A scalar as Go's ``fmt.Sprintf("%v", v)`` writes it."""
    if isinstance(value, str):
        return value
    return format_value(value)


def flatten(params: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Nested parameters as dotted keys with string values (``a.b``, ``list.0``)."""
    flat: dict[str, str] = {}
    for key, value in params.items():
        _flatten_into(flat, f"{prefix}{key}", value)
    return flat


def _flatten_into(flat: dict[str, str], key: str, value: Any) -> None:
    if isinstance(value, Mapping):
        for child, item in value.items():
            _flatten_into(flat, f"{key}.{child}", item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _flatten_into(flat, f"{key}.{index}", item)
    else:
        flat[key] = go_string(value)


def matches_selector(params: Mapping[str, Any], selector: Mapping[str, Any]) -> bool:
    """Whether a parameter set, flattened, is matched by a label selector.

    As Argo CD does: label values are not validated (URLs are fine), and ``NotIn`` and
    ``DoesNotExist`` match when the key is absent.
    """
    return matches_label_selector(flatten(params), selector)


def combine_string_maps(*maps: Mapping[str, Any]) -> dict[str, str]:
    """Argo CD's ``CombineStringMaps``: the union of parameter sets, values as Go prints them.

    This is how a fasttemplate matrix joins its children's parameters.

    Raises:
        GeneratorError: a key appears twice with different values.
    """
    combined: dict[str, str] = {}
    for params in maps:
        for key, value in params.items():
            text = go_string(value)
            current = combined.get(key)
            if current is not None and current != text:
                raise GeneratorError(
                    f"found duplicate key {key} with different value, a: {current} ,b: {text}"
                )
            combined[key] = text
    return combined
