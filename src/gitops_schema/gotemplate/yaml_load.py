"""``sigs.k8s.io/yaml.Unmarshal`` as Helm and Argo CD call it.

YAML 1.1 (go-yaml v2) to JSON to Go: every number becomes a float64 and every key a
string.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from gitops_schema.gotemplate.floats import format_float


class YAMLError(ValueError):
    """A conversion failure, with the text Go's libraries produce."""


class _Loader(yaml.SafeLoader):
    """SafeLoader with go-yaml v2's booleans and without timestamps."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(
        r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE"
        r"|on|On|ON|off|Off|OFF)$"
    ),
    list("yYnNtTfFoO"),
)


def _bool(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> bool:
    return str(loader.construct_scalar(node)).lower() in ("y", "yes", "true", "on")


_Loader.add_constructor("tag:yaml.org,2002:bool", _bool)

_MESSAGES = [
    ("expected the node content", "did not find expected node content"),
    ("mapping values are not allowed here", "mapping values are not allowed in this context"),
    ("expected <block end>", "did not find expected key"),
    ("could not find expected ':'", "could not find expected ':'"),
    ("found character that cannot start any token", "found character that cannot start any token"),
    ("expected ',' or ']'", "did not find expected ',' or ']'"),
    ("expected ',' or '}'", "did not find expected ',' or '}'"),
]


def _go_yaml_error(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None) or str(exc)
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else 1
    for ours, theirs in _MESSAGES:
        if problem.startswith(ours):
            problem = theirs
            break
    return f"yaml: line {line}: {problem}"


def _key(key: Any) -> str:
    if key is None:
        return "null"
    if key is True or key is False:
        return "true" if key else "false"
    if isinstance(key, float):
        return format_float(key, "g", -1)
    return str(key)


def _to_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {_key(k): _to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value if isinstance(value, str) else str(value)


def _json_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    return "number"


def yaml_to_json(text: str) -> Any:
    """The value of the first YAML document, as JSON would carry it.

    Raises:
        YAMLError: ``error converting YAML to JSON: yaml: line N: ...``.
    """
    try:
        docs = list(yaml.load_all(text, Loader=_Loader))
    except yaml.YAMLError as exc:
        raise YAMLError(f"error converting YAML to JSON: {_go_yaml_error(exc)}") from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise YAMLError(f"error converting YAML to JSON: yaml: {exc}") from None
    return _to_json(docs[0]) if docs else None


def unmarshal(text: str, target: str) -> Any:
    """``yaml.Unmarshal(text, &target)`` for a ``map`` or ``slice`` target.

    Raises:
        YAMLError: Go's conversion or type error text.
    """
    value = yaml_to_json(text)
    go_type = "map[string]interface {}" if target == "map" else "[]interface {}"
    want = dict if target == "map" else list
    if value is None:
        return {} if target == "map" else []
    if not isinstance(value, want):
        raise YAMLError(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
            f"{_json_kind(value)} into Go value of type {go_type}"
        )
    return value
