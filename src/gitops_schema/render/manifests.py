"""Rendered YAML streams to plain objects, read the way Kubernetes reads them.

Kubernetes converts YAML to JSON with YAML 1.2 scalars: ``yes``/``on`` and dates stay
strings. PyYAML's safe loader is YAML 1.1, so its resolvers are narrowed here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import yaml

__all__ = ["dump_stream", "parse_stream", "split_stream"]


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
