"""Rendered YAML streams to plain objects, read the way Kubernetes reads them.

Kubernetes converts YAML to JSON with YAML 1.2 scalars: ``yes``/``on`` and dates stay
strings. PyYAML's safe loader is YAML 1.1, so its resolvers are narrowed here.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import yaml

__all__ = ["dump_stream", "find_object", "object_data", "parse_stream", "split_stream"]


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


def parse_stream(text: str) -> list[dict[str, Any]]:
    """Every mapping document of a multi-document YAML stream, in order."""
    return [doc for doc in yaml.load_all(text, Loader=_KubeLoader) if isinstance(doc, dict)]


def dump_stream(objects: Iterable[Mapping[str, Any]]) -> str:
    """Objects as one YAML stream, keys sorted, each document opened with ``---``."""
    return "".join(
        "---\n" + yaml.dump(obj, Dumper=yaml.CSafeDumper, sort_keys=True, allow_unicode=True)
        for obj in objects
    )


def split_stream(text: str) -> list[str]:
    """The documents of a stream as kustomize prints it (``---`` lines between them)."""
    return [part for part in re.split(r"^---\n", text, flags=re.MULTILINE) if part.strip()]


def find_object(
    objects: Sequence[Mapping[str, Any]], kind: str, namespace: str, name: str
) -> Mapping[str, Any] | None:
    """The object of that kind, namespace (``default`` when unset) and name, if any."""
    for obj in objects:
        metadata = obj.get("metadata") or {}
        if (
            obj.get("kind") == kind
            and metadata.get("name") == name
            and (metadata.get("namespace") or "default") == namespace
        ):
            return obj
    return None


def object_data(obj: Mapping[str, Any]) -> dict[str, str]:
    """A ConfigMap's data, or a Secret's data decoded and its stringData over it."""
    data = {str(k): str(v) for k, v in (obj.get("data") or {}).items()}
    if obj.get("kind") != "Secret":
        return data
    decoded = {k: base64.b64decode(v).decode("utf-8", errors="replace") for k, v in data.items()}
    decoded.update({str(k): str(v) for k, v in (obj.get("stringData") or {}).items()})
    return decoded
