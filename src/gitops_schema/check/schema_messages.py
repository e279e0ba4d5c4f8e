"""JSON Schema errors turned into diagnostics a platform engineer can act on.

jsonschema-rs speaks in keywords (``"3" is not of types "null", "integer"``); a finding
names the field, what was found and what the schema wants, and sits on the line of the
offending key or value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import jsonschema_rs

from gitops_schema.check.goregex import GO_PATTERN
from gitops_schema.check.schema_normalise import NOT_NULL
from gitops_schema.diagnostics import Diagnostic, Severity
from gitops_schema.load import Document
from gitops_schema.location import JsonPath, format_json_path

RULE = "schema"
_MAX_SHOWN = 60
_TYPE_NAMES = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    type(None): "null",
    dict: "mapping",
    list: "list",
}


Suggest = Callable[[JsonPath, str], str | None]
"""The known field nearest an unknown one, given the path of the object holding it."""


def diagnostics(
    document: Document,
    error: jsonschema_rs.ValidationError,
    *,
    strict: bool,
    suggest: Suggest | None = None,
) -> Iterator[Diagnostic]:
    """The findings of one validation error (one per unknown field, otherwise one)."""
    path: JsonPath = tuple(error.instance_path)
    kind = error.kind
    where = format_json_path(path)
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties):
        suffix = " (strict mode)" if strict else ""
        for key in kind.unexpected:
            yield _finding(
                document,
                (*path, key),
                f"unknown field {key!r} in {where}{suffix}{did_you_mean(suggest, path, key)}",
                key=True,
            )
        return
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
        yield _finding(document, path, f"missing required field {kind.property!r} in {where}")
        return
    if _null_required(error, path):
        # Kubernetes decodes a null field as unset: a required one is missing.
        parent, name = format_json_path(path[:-1]), path[-1]
        message = f"missing required field {name!r} in {parent} (the key is there, but empty)"
        yield _finding(document, path, message)
        return
    yield _finding(document, path, f"{where}: {_describe(error)}")


def unknown_fields(error: jsonschema_rs.ValidationError) -> Iterator[tuple[JsonPath, str]]:
    """(path of the object, field) for each field an error of a closed schema names."""
    kind = error.kind
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties):
        for key in kind.unexpected:
            yield tuple(error.instance_path), key


def did_you_mean(suggest: Suggest | None, path: JsonPath, key: str) -> str:
    """``"; did you mean 'replicas'?"``, or nothing when no known field is near."""
    near = suggest(path, key) if suggest is not None else None
    return f"; did you mean {near!r}?" if near else ""


def _describe(error: jsonschema_rs.ValidationError) -> str:
    kinds = jsonschema_rs.ValidationErrorKind
    kind, found = error.kind, error.instance
    if isinstance(kind, kinds.Type):
        wanted = " or ".join(t for t in kind.types if t != "null") or "null"
        return f"expected {wanted}, found {_shown(found)}"
    if isinstance(kind, kinds.Enum):
        options = ", ".join(repr(o) for o in kind.options if o is not None)
        return f"{_shown(found)} is not one of {options}"
    if isinstance(kind, kinds.Custom) and error.schema_path[-1:] == [GO_PATTERN]:
        return f"{_shown(found)} does not match the pattern {error.message}"
    if isinstance(kind, kinds.Format) and kind.format == "byte":
        return f"{_shown(found)} is not base64-encoded data"
    if isinstance(kind, kinds.AnyOf | kinds.OneOfNotValid):
        types = _alternative_types(kind.context)
        if types:
            return f"expected {' or '.join(types)}, found {_shown(found)}"
    return str(error.message)


def _alternative_types(context: list[list[jsonschema_rs.ValidationError]]) -> list[str]:
    # int-or-string and friends: every alternative failed only on its type.
    wanted: list[str] = []
    for branch in context:
        if len(branch) != 1 or not isinstance(
            branch[0].kind, jsonschema_rs.ValidationErrorKind.Type
        ):
            return []
        wanted.extend(t for t in branch[0].kind.types if t != "null" and t not in wanted)
    return wanted


def _shown(value: Any) -> str:
    name = _TYPE_NAMES.get(type(value), type(value).__name__)
    if isinstance(value, dict | list):
        return name
    text = repr(value)
    if len(text) > _MAX_SHOWN:
        text = text[: _MAX_SHOWN - 4] + "...'"
    return f"{name} {text}" if not isinstance(value, str) else text


def _null_required(error: jsonschema_rs.ValidationError, path: JsonPath) -> bool:
    """Whether the error is a null refused for a required field (``Profile.null_required``)."""
    return (
        isinstance(error.kind, jsonschema_rs.ValidationErrorKind.Not)
        and error.instance is None
        and bool(path)
        and isinstance(path[-1], str)
        and error.kind.schema == NOT_NULL["not"]
    )


def _finding(document: Document, path: JsonPath, message: str, *, key: bool = False) -> Diagnostic:
    return Diagnostic(RULE, Severity.ERROR, message, document.locate(path, key=key))
