"""Rendered YAML streams to plain objects, read the way Kubernetes reads them.

Kubernetes converts YAML to JSON with YAML 1.2 scalars: ``yes``/``on`` and dates stay
strings. PyYAML's safe loader is YAML 1.1, so its resolvers are narrowed here.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import yaml

from gitops_schema.codes.reading import YAML_SYNTAX
from gitops_schema.codes.render import RENDER_INPUT_INVALID
from gitops_schema.diagnostics import Diagnostic
from gitops_schema.load.plain import InputError, bounded, yaml_error
from gitops_schema.location import Location
from gitops_schema.model.identity import ObjectId, identity

__all__ = [
    "dump_stream",
    "find_object",
    "input_invalid",
    "object_data",
    "parse_stream",
    "split_stream",
]


_VALUE = "tag:yaml.org,2002:value"


class _KubeLoader(yaml.CSafeLoader):
    """The C safe loader with YAML 1.2 booleans, no timestamps and no ``=`` scalar."""


_KubeLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        # "=" is a YAML 1.1 "value" scalar that PyYAML cannot construct; Go reads a string.
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp", _VALUE)
    ]
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}
_KubeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def parse_stream(text: str, name: str = "<rendered>") -> list[dict[str, Any]]:
    """Every mapping document of a multi-document YAML stream, in order.

    ``name`` is what a problem is reported at (a file, or the engine that printed it).

    Raises:
        InputError: text that is not YAML, an alias bomb, or nesting too deep to read.
    """
    try:
        documents = [d for d in yaml.load_all(text, Loader=_KubeLoader) if isinstance(d, dict)]
    except yaml.YAMLError as error:
        raise InputError(yaml_error(error, name)) from None
    except RecursionError:
        raise InputError(YAML_SYNTAX.at("nested too deeply to read", Location(name))) from None
    # An alias needs an anchor: text without '&' has none (kustomize's output never has).
    if "&" in text:
        bounded(documents, name)
    return documents


def input_invalid(error: InputError, what: str) -> Diagnostic:
    """A file or output a render could not read, at its own file and line, for ``what``."""
    problem = error.diagnostic
    return RENDER_INPUT_INVALID.at(f"{what}: {problem.message}", problem.location)


def dump_stream(objects: Iterable[Mapping[str, Any]]) -> str:
    """Objects as one YAML stream, keys sorted, each document opened with ``---``."""
    return "".join(
        "---\n" + yaml.dump(obj, Dumper=yaml.CSafeDumper, sort_keys=True, allow_unicode=True)
        for obj in objects
    )


def split_stream(text: str) -> list[str]:
    """The documents of a stream as kustomize prints it (``---`` lines between them)."""
    return [part for part in re.split(r"^---\n", text, flags=re.MULTILINE) if part.strip()]


def find_object(objects: Sequence[Mapping[str, Any]], wanted: ObjectId) -> Mapping[str, Any] | None:
    """The first object of identity ``wanted`` (an object with no namespace is in ``default``)."""
    for obj in objects:
        # Most objects are of another kind: told apart before their identity is made.
        if obj.get("kind") != wanted.kind:
            continue
        found = identity(obj)
        if found._replace(namespace=found.namespace or "default") == wanted:
            return obj
    return None


def object_data(obj: Mapping[str, Any]) -> dict[str, str]:
    """A ConfigMap's data, or a Secret's data decoded and its stringData over it.

    A ``data`` that is not a mapping holds nothing, and a Secret value that is not base64
    is left out (the API server would refuse the Secret): a reader then finds no such key.
    """
    data = {str(k): str(v) for k, v in _mapping(obj.get("data")).items()}
    if obj.get("kind") != "Secret":
        return data
    decoded: dict[str, str] = {}
    for key, value in data.items():
        try:
            decoded[key] = base64.b64decode(value, validate=True).decode("utf-8", "replace")
        except binascii.Error:
            continue
    decoded.update({str(k): str(v) for k, v in _mapping(obj.get("stringData")).items()})
    return decoded


def _mapping(value: Any) -> Mapping[Any, Any]:
    return value if isinstance(value, Mapping) else {}
