"""The list generator: one parameter set per element of ``elements`` and ``elementsYaml``.

In fasttemplate mode every element value must be a string, and a ``values`` map becomes
``values.<key>`` parameters; in goTemplate mode elements are kept as they are. Elements
parsed from ``elementsYaml`` are appended as they are in both modes, as Argo CD does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitops_schema.appset.errors import GeneratorError
from gitops_schema.appset.generators import GeneratorContext
from gitops_schema.appset.goyaml import unmarshal_objects
from gitops_schema.appset.params import Params

__all__ = ["generate"]


def generate(spec: Mapping[str, Any], context: GeneratorContext) -> list[Params]:
    """Parameter sets of a ``list`` generator spec.

    Raises:
        GeneratorError: an element is not an object, a fasttemplate value is not a
            string, or ``elementsYaml`` is not a YAML list of objects.
    """
    params: list[Params] = []
    for element in spec.get("elements") or []:
        if element is None:
            element = {}
        if not isinstance(element, Mapping):
            raise GeneratorError(
                "error unmarshling list element json: cannot unmarshal non-object "
                "into Go value of type map[string]interface {}"
            )
        params.append(dict(element) if context.go_template else _flat_element(element))
    text = spec.get("elementsYaml")
    if isinstance(text, str) and text:
        try:
            params.extend(unmarshal_objects(text))
        except GeneratorError as error:
            raise GeneratorError(f"error unmarshling decoded ElementsYaml {error}") from error
    return params


def _flat_element(element: Mapping[str, Any]) -> Params:
    flat: Params = {}
    for key, value in element.items():
        if key == "values":
            if not isinstance(value, Mapping):
                raise GeneratorError("error parsing values map")
            for name, item in value.items():
                flat[f"values.{name}"] = _string(item)
        else:
            flat[key] = _string(value)
    return flat


def _string(value: Any) -> str:
    if not isinstance(value, str):
        # Argo CD wraps a nil error into this message, hence Go's "%!w(<nil>)".
        raise GeneratorError("error parsing value as string %!w(<nil>)")
    return value
