"""``sigs.k8s.io/yaml.Unmarshal`` into the Go types generators decode files and lists into.

Numbers become float64s and errors carry Go's text, as in Argo CD.
"""

from __future__ import annotations

import json
from typing import Any

from gitops_schema.appset.errors import GeneratorError
from gitops_schema.appset.params import Params
from gitops_schema.gotemplate.yaml_load import YAMLError, unmarshal_type_error, yaml_to_json

__all__ = ["unmarshal_object", "unmarshal_objects"]

_MAP = "map[string]interface {}"


def unmarshal_object(text: str) -> Params:
    """The YAML or JSON document as ``map[string]interface{}`` (empty for an empty file).

    Raises:
        GeneratorError: not YAML, or not an object.
    """
    value = _load(text)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise GeneratorError(unmarshal_type_error(value, _MAP))
    return value


def unmarshal_objects(text: str) -> list[Params]:
    """The YAML or JSON document as ``[]map[string]interface{}``.

    Raises:
        GeneratorError: not YAML, not a list, or an item that is not an object.
    """
    value = _load(text)
    if value is None:
        return []
    if not isinstance(value, list):
        raise GeneratorError(unmarshal_type_error(value, f"[]{_MAP}"))
    objects: list[Params] = []
    for item in value:
        if item is not None and not isinstance(item, dict):
            raise GeneratorError(unmarshal_type_error(item, _MAP))
        objects.append(item or {})
    return objects


def _load(text: str) -> Any:
    # go-yaml reads JSON with tab indentation, which PyYAML rejects; JSON is YAML anyway.
    try:
        return json.loads(text, parse_int=float, parse_constant=_no_constant)
    except ValueError:
        pass
    try:
        return yaml_to_json(text)
    except YAMLError as error:
        raise GeneratorError(str(error)) from error


def _no_constant(name: str) -> Any:
    raise ValueError(name)
