"""The fields a built-in kind has at a path, to suggest the one an unknown field meant.

``kubectl apply`` validates strictly since Kubernetes 1.27: a field a built-in kind does
not have (``spec.replica``) fails the apply. The validator finds such fields with the
strict schema; this module walks the published schema of the same Kubernetes minor to the
object holding the field and names its nearest known sibling.
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from importlib.resources import files
from typing import Any

from gitops_schema.location import JsonPath

_KUBERNETES = files("kubernetes_validate") / "kubernetes-json-schema"
_DEFINITIONS = "/api/_definitions.json#/$defs/"
_LOCAL = "#/$defs/"


def nearest_field(
    version: str, group: str, api: str, kind: str, parent: JsonPath, key: str
) -> str | None:
    """The known field at ``parent`` of a built-in kind closest to ``key``, if one is close."""
    known = known_fields(version, group, api, kind, parent)
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if close:
        return close[0]
    # A wrong case (``containerport``) is the same word to a reader.
    folded = [name for name in known if name.lower() == key.lower()]
    return folded[0] if folded else None


def known_fields(version: str, group: str, api: str, kind: str, parent: JsonPath) -> list[str]:
    """The property names the schema gives the object at ``parent`` (empty when unknown)."""
    prefix = group.split(".")[0]
    name = f"{kind.lower()}-{prefix}-{api}.json" if group else f"{kind.lower()}-{api}.json"
    node: Any = _document(version, name)
    for step in parent:
        node = _resolve(version, node)
        if not isinstance(node, dict):
            return []
        if isinstance(step, int):
            node = node.get("items")
        else:
            properties = node.get("properties") or {}
            node = properties.get(step, node.get("additionalProperties"))
    node = _resolve(version, node)
    if not isinstance(node, dict):
        return []
    return sorted(node.get("properties") or {})


def _resolve(version: str, node: Any) -> Any:
    for _ in range(16):  # definitions refer to one another, never in a loop this deep
        if not isinstance(node, dict):
            return node
        reference = node.get("$ref")
        if isinstance(reference, str) and reference.startswith(_LOCAL):
            # Kind files refer into the definitions file; definitions refer within it.
            reference = _DEFINITIONS + reference.removeprefix(_LOCAL)
        if not isinstance(reference, str) or not reference.startswith(_DEFINITIONS):
            combined = node.get("allOf")
            if isinstance(combined, list) and len(combined) == 1 and "properties" not in node:
                node = combined[0]
                continue
            return node
        node = (
            _document(version, "_definitions.json")
            .get("$defs", {})
            .get(reference.removeprefix(_DEFINITIONS))
        )
    return node


@cache
def _document(version: str, name: str) -> dict[str, Any]:
    entry = _KUBERNETES / f"v{version}.0-local" / name
    if not entry.is_file():
        return {}
    data: dict[str, Any] = json.loads(entry.read_bytes())
    return data
