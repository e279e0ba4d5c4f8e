"""Upstream documentation of modelled fields, read from the JSON schemas packaged with us.

The schemas (``gitops_schema/schemas``, see its README) are the upstream CRDs and SchemaStore
files; each is read once, on first use.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from gitops_schema.model.base import KubeModel
from gitops_schema.model.helm import Chart
from gitops_schema.model.kustomize import KustomizeFile
from gitops_schema.model.registry import all_kinds

Schema = dict[str, Any]
"""A JSON schema, or a node of one."""

_FILE_SCHEMAS: dict[type[KubeModel], str] = {
    KustomizeFile: "schemastore/kustomization.json",
    Chart: "schemastore/chart.json",
}
"""Kinds recognised by file name, and their SchemaStore schema."""


@cache
def load_schema(name: str) -> Schema | None:
    """A packaged schema by its path below ``schemas/``, e.g. ``"schemastore/chart.json"``.

    Returns:
        The parsed schema, or None when no such file is packaged.
    """
    resource = files("gitops_schema").joinpath("schemas", *name.split("/"))
    if not resource.is_file():
        return None
    loaded: Schema = json.loads(resource.read_text(encoding="utf-8"))
    return loaded


def schema_name(group: str, kind: str, version: str) -> str:
    """The packaged file name of a kind's schema, e.g. ``argoproj.io/application_v1alpha1.json``."""
    return f"{group}/{kind.lower()}_{version}.json"


def schemas_for(model_type: type[KubeModel]) -> list[tuple[str, Schema]]:
    """The schemas of a modelled kind, as (version, schema): current versions first.

    Empty for kinds without a packaged schema (the core Kubernetes kinds).
    """
    if model_type in _FILE_SCHEMAS:
        schema = load_schema(_FILE_SCHEMAS[model_type])
        return [("", schema)] if schema is not None else []
    found = []
    for spec in all_kinds():
        if spec.model is model_type:
            for version in (*spec.versions, *spec.deprecated):
                schema = load_schema(schema_name(spec.group, spec.kind, version))
                if schema is not None:
                    found.append((version, schema))
    return found


def schema_at(root: Schema, path: tuple[str | int, ...]) -> Schema | None:
    """The node of a schema that describes the value at ``path``, or None if there is none.

    Args:
        root: a whole schema (``$ref``s are resolved against it).
        path: YAML keys from the object's root; an int steps into a list's items (a key may
            also step straight through a list, as in ``("spec", "generators", "git")``).
    """
    node: Schema | None = _resolve(root, root)
    for step in path:
        if node is None:
            return None
        node = _child(root, node, step)
    return node


def field_doc(model_type: type[KubeModel], path: tuple[str | int, ...]) -> str | None:
    """The upstream description of a field of a modelled kind.

    Args:
        model_type: the kind's model, e.g. ``flux_kustomize.Kustomization`` or
            ``KustomizeFile``.
        path: YAML keys from the object's root, e.g. ``("spec", "sourceRef", "kind")``.

    Returns:
        The description of the newest schema version that has the field, or None.
    """
    for _, schema in schemas_for(model_type):
        node = schema_at(schema, path)
        if node is not None and isinstance(node.get("description"), str):
            description: str = node["description"]
            return description.strip()
    return None


def _resolve(root: Schema, node: Any) -> Schema | None:
    # Only local references ("#/definitions/X") occur in the packaged schemas.
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        target: Any = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target.get(part) if isinstance(target, dict) else None
        extra = {key: value for key, value in node.items() if key != "$ref"}
        node = {**target, **extra} if isinstance(target, dict) else None
    return node if isinstance(node, dict) else None


def _child(root: Schema, node: Schema, step: str | int) -> Schema | None:
    if "items" in node:
        items = _resolve(root, node["items"])
        return items if isinstance(step, int) or items is None else _child(root, items, step)
    if isinstance(step, int):
        return None
    properties = node.get("properties", {})
    if step in properties:
        return _resolve(root, properties[step])
    for keyword in ("allOf", "anyOf", "oneOf"):
        for alternative in node.get(keyword, ()):
            resolved = _resolve(root, alternative)
            found = _child(root, resolved, step) if resolved is not None else None
            if found is not None:
                return found
    if properties:
        return None
    # A map: any key stands for its values.
    values = node.get("additionalProperties")
    if isinstance(values, dict):
        return _resolve(root, values)
    for pattern_values in node.get("patternProperties", {}).values():
        return _resolve(root, pattern_values)
    return None
