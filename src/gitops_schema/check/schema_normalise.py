"""Schemas as published, rewritten into what the API server (or the tool) really enforces.

Three sources, three habits: CRD schemas converted by openapi2jsonschema close every nested
object (``additionalProperties: false``, which the API server does not do) and treat ``null``
as a type error (the API server prunes null fields first); Kubernetes and CRD schemas carry
Go regular expressions (matched on RE2) and OpenAPI formats (``int64``, ``date-time``)
the API server parses leniently or not at all. :func:`normalise` returns a copy that is
open by default, closed in strict mode except under ``x-kubernetes-preserve-unknown-fields``
and maps, and whose patterns compile.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import jsonschema_rs

from gitops_schema.check.goregex import GO_PATTERN, go_pattern
from gitops_schema.golang.ecma import translate

_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions"})
_SCHEMA_VALUES = frozenset({"items", "additionalProperties", "additionalItems", "contains"})
_SCHEMA_LISTS = frozenset({"prefixItems"})
# Subschemas that only add constraints to a value another schema describes: their
# ``properties`` (and those below them) are a subset, so strict mode must not close them.
_APPLICATOR_VALUES = frozenset({"not", "if", "then", "else", "propertyNames"})
_APPLICATOR_LISTS = frozenset({"allOf", "anyOf", "oneOf"})
_COMBINERS = ("allOf", "anyOf", "oneOf", "patternProperties", "$ref", "if")
ENFORCED_FORMATS = frozenset({"byte"})
"""OpenAPI formats the API server rejects a bad value of: Secret ``data`` must be base64.
``int32``/``int64``/``double`` only restate the type, and a ``date-time`` in a spec is
re-parsed leniently, so neither is enforced here."""


@dataclass(frozen=True, slots=True)
class Profile:
    """How to rewrite one family of schemas."""

    strict: bool
    """Close every object that lists its properties (``--strict``)."""
    opens: bool = True
    """Drop ``additionalProperties: false``: the API server and Helm ignore unknown fields."""
    nullable: bool = True
    """Accept ``null`` wherever a type is given (the API server prunes null fields)."""
    null_required: bool = True
    """With ``nullable``, accept ``null`` for a required field too. Kubernetes' own kinds
    say no: their decoder drops a null field, so a null required one is a missing one."""
    server_formats: bool = True
    """Keep only :data:`ENFORCED_FORMATS`; otherwise formats are left as the author wrote."""


def normalise(schema: dict[str, Any], profile: Profile) -> dict[str, Any]:
    """A copy of ``schema`` that follows ``profile`` and whose patterns all compile."""
    normalised: dict[str, Any] = _Normaliser(profile).schema(schema)
    return normalised


class _Normaliser:
    def __init__(self, profile: Profile) -> None:
        self.profile = profile

    def schema(self, node: Any, *, closable: bool = True) -> Any:
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ("description", "x-kubernetes-validations"):
                continue
            if key in _SCHEMA_MAPS and isinstance(value, dict):
                out[key] = {k: self.schema(child, closable=closable) for k, child in value.items()}
            elif key in _SCHEMA_VALUES or key in _APPLICATOR_VALUES:
                out[key] = self.schema(value, closable=closable and key in _SCHEMA_VALUES)
            elif key in _SCHEMA_LISTS | _APPLICATOR_LISTS and isinstance(value, list):
                inner = closable and key in _SCHEMA_LISTS
                out[key] = [self.schema(child, closable=inner) for child in value]
            else:
                out[key] = value
        self.keywords(out, closable=closable)
        return out

    def keywords(self, out: dict[str, Any], *, closable: bool) -> None:
        profile = self.profile
        pattern = out.pop("pattern", None)
        if isinstance(pattern, str) and go_pattern(pattern) is not None:
            out[GO_PATTERN] = pattern
        if "patternProperties" in out:
            out["patternProperties"] = {
                usable: child
                for key, child in out["patternProperties"].items()
                if (usable := usable_pattern(key)) is not None
            }
        if profile.server_formats and out.get("format") not in ENFORCED_FORMATS:
            out.pop("format", None)
        if profile.opens and out.get("additionalProperties") is False:
            del out["additionalProperties"]
        if (
            profile.strict
            and closable
            and "properties" in out
            and "additionalProperties" not in out
            and not out.get("x-kubernetes-preserve-unknown-fields")
            and not any(key in out for key in _COMBINERS)
        ):
            out["additionalProperties"] = False
        if profile.nullable:
            _allow_null(out)
            if not profile.null_required:
                _refuse_null_required(out)


def _allow_null(out: dict[str, Any]) -> None:
    kind = out.get("type")
    if isinstance(kind, str) and kind != "null":
        out["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        out["type"] = [*kind, "null"]
    enum = out.get("enum")
    if isinstance(enum, list) and None not in enum:
        out["enum"] = [*enum, None]


NOT_NULL: dict[str, Any] = {"not": {"type": "null"}}
"""What a required field's schema is joined with when its null means missing."""


def _refuse_null_required(out: dict[str, Any]) -> None:
    required, properties = out.get("required"), out.get("properties")
    if not isinstance(required, list) or not isinstance(properties, dict):
        return
    for name in required:
        child = properties.get(name)
        properties[name] = {"allOf": [child, NOT_NULL]} if isinstance(child, dict) else NOT_NULL


@cache
def usable_pattern(pattern: str) -> str | None:
    """The ECMA form of a Go pattern, or None when even that does not compile.

    A pattern we cannot compile is dropped rather than failing the whole schema: one
    unchecked string is better than an unvalidated object.
    """
    translated = translate(pattern)
    try:
        jsonschema_rs.Draft7Validator({"pattern": translated})
    except ValueError:
        return None
    return translated
