"""``sigs.k8s.io/yaml.Unmarshal`` as Helm and Argo CD call it.

YAML 1.1 (go-yaml v2) to JSON to Go: every number becomes a float64 and every key a
string.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

from gitops_schema.gotemplate.floats import format_float
from gitops_schema.gotemplate.literals import parse_float, parse_int
from gitops_schema.load.plain import InputError, bounded


class YAMLError(ValueError):
    """A conversion failure, with the text Go's libraries produce."""


_PLAIN = "tag:gitops-schema,2026:plain"


class _Loader(yaml.SafeLoader):
    """SafeLoader that resolves plain scalars as go-yaml v2 does (see ``resolve``)."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        """Tag plain scalars for ``resolve``; explicit tags and quoted text keep theirs."""
        tag = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        if kind is yaml.ScalarNode and implicit[0] and tag == "tag:yaml.org,2002:str":
            return _PLAIN
        return tag


# Only the merge key keeps PyYAML's implicit resolution; every other plain scalar arrives
# as a string and ``resolve`` decides its type, because PyYAML's YAML 1.1 rules differ
# from go-yaml's (sexagesimal "8080:80", "0o17", "1e3", timestamps).
_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag == "tag:yaml.org,2002:merge"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_TRUE = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}
_FALSE = {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"}
_NULL = {"", "~", "null", "Null", "NULL"}
_SPECIAL_FLOATS = {
    ".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan,
    ".inf": math.inf, ".Inf": math.inf, ".INF": math.inf,
    "+.inf": math.inf, "+.Inf": math.inf, "+.INF": math.inf,
    "-.inf": -math.inf, "-.Inf": -math.inf, "-.INF": -math.inf,
}  # fmt: skip
_YAML_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")


def resolve(plain: str) -> Any:
    """The value go-yaml v2 gives an unquoted scalar."""
    if plain in _TRUE:
        return True
    if plain in _FALSE:
        return False
    if plain in _NULL:
        return None
    if plain in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[plain]
    first = plain[0]
    if first == ".":
        value = parse_float(plain)
        return plain if value is None else value
    if first in "+-0123456789":
        digits = plain.replace("_", "")
        number = parse_int(digits)
        if number is not None and -(1 << 63) <= number < 1 << 64:
            return number
        if _YAML_FLOAT.match(digits):
            value = parse_float(digits)
            if value is not None:
                return value
        if digits.startswith(("0b", "-0b")):
            try:
                return int(digits, 0)
            except ValueError:
                return plain
    return plain


def _plain(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    return resolve(str(loader.construct_scalar(node)))


_Loader.add_constructor(_PLAIN, _plain)

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
    if problem.startswith("found character") and problem.endswith("cannot start any token"):
        problem = "found character that cannot start any token"
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


def unmarshal_type_error(value: Any, go_type: str) -> str:
    """Go's error for decoding ``value`` (as JSON carries it) into a variable of ``go_type``."""
    return (
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
        f"{_json_kind(value)} into Go value of type {go_type}"
    )


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
    if docs and "&" in text:
        # The loader's alias bound: a shared node is walked once here, not once per alias.
        try:
            bounded(docs[0], "fromYaml")
        except InputError as exc:
            raise YAMLError(
                f"error converting YAML to JSON: yaml: {exc.diagnostic.message}"
            ) from None
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
        raise YAMLError(unmarshal_type_error(value, go_type))
    return value
