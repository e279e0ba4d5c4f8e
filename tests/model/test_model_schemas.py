"""The models match the upstream schemas: every model field exists upstream, and every upstream
field of the current version is modelled (so nothing valid is reported as unknown)."""

from __future__ import annotations

import types
from collections.abc import Iterator
from typing import Annotated, Any, Union, get_args, get_origin

import pytest

from gitops_schema.model.base import KubeModel, ObjectMeta, Resource, field_docstrings
from gitops_schema.model.docs import Schema, schema_at, schemas_for
from gitops_schema.model.helm import Chart
from gitops_schema.model.kustomize import KustomizeFile
from gitops_schema.model.registry import all_kinds

Path = tuple[str | int, ...]

MODELS: list[type[KubeModel]] = [
    *(spec.model for spec in all_kinds() if spec.group),
    KustomizeFile,
    Chart,
]
"""Every modelled kind with an upstream schema (the core Kubernetes kinds have none here)."""

BEYOND_SCHEMA = "Not in the JSON schemas"
"""What the docstring of a field kustomize reads but the schemas omit says."""

NOT_ACCEPTED_UPSTREAM = {
    ("patchesJson6902", "op"),
    ("patchesJson6902", "from"),
    ("patchesJson6902", "value"),
}
"""Schema properties the tool itself rejects: SchemaStore lets a ``patchesJson6902`` entry be a
bare JSON patch operation, but kustomize's Patch type (path, patch, target) has no such fields
and kustomize decodes kustomization files strictly."""


def _models_in(annotation: Any, suffix: Path = ()) -> Iterator[tuple[Path, type[KubeModel]]]:
    """The KubeModel types inside a field's annotation, with the path steps to reach them."""
    origin = get_origin(annotation)
    if origin is Annotated:
        yield from _models_in(get_args(annotation)[0], suffix)
    elif origin in (Union, types.UnionType):
        for argument in get_args(annotation):
            yield from _models_in(argument, suffix)
    elif origin is list:
        yield from _models_in(get_args(annotation)[0], (*suffix, 0))
    elif origin is dict:
        yield from _models_in(get_args(annotation)[1], (*suffix, "*"))
    elif isinstance(annotation, type) and issubclass(annotation, KubeModel):
        yield suffix, annotation


def _fields(
    model_type: type[KubeModel],
    prefix: Path = (),
    notes: str = "",
    seen: frozenset[type[KubeModel]] = frozenset(),
) -> Iterator[tuple[Path, str]]:
    """Every (YAML path, docstrings of the field and its parents) of a model, recursively."""
    for name, info in model_type.model_fields.items():
        path = (*prefix, info.alias or name)
        field_notes = f"{notes} {field_docstrings(model_type).get(name, '')}"
        yield path, field_notes
        for suffix, nested in _models_in(info.annotation):
            # Kubernetes metadata is not described by the CRD schemas ({"type": "object"}).
            if nested is not ObjectMeta and nested not in seen:
                yield from _fields(nested, (*path, *suffix), field_notes, seen | {model_type})


def _exists(root: Schema, path: Path) -> bool:
    """True when the schema has the path, or leaves a parent of it free-form."""
    if schema_at(root, path) is not None:
        return True
    return any(
        (node := schema_at(root, path[:length])) is not None
        and node.get("x-kubernetes-preserve-unknown-fields") is True
        and "properties" not in node
        for length in range(len(path))
    )


def _model_at(model_type: type[KubeModel], path: Path) -> type[KubeModel] | None:
    """The model type at a YAML path, or None where the model keeps plain data."""
    current: type[KubeModel] | None = model_type
    for key in path:
        if current is None:
            return None
        by_alias = {info.alias or name: info for name, info in current.model_fields.items()}
        if key not in by_alias:
            return None
        found = [nested for _, nested in _models_in(by_alias[key].annotation)]
        current = found[0] if len(found) == 1 else None
    return current


def _dereference(root: Schema, node: Schema) -> Schema:
    """A node, or the definition its local ``$ref`` points at."""
    reference = node.get("$ref")
    if not isinstance(reference, str):
        return node
    target: Schema = root
    for part in reference.removeprefix("#/").split("/"):
        target = target[part]
    return target


def _properties(root: Schema, path: Path) -> set[str]:
    """The property names of the object node at ``path`` (through list items and unions)."""
    node = schema_at(root, path)
    if node is not None and "items" in node:
        node = schema_at(root, (*path, 0))
    if node is None:
        return set()
    names = set(node.get("properties", {}))
    for keyword in ("allOf", "anyOf", "oneOf"):
        for alternative in node.get(keyword, ()):
            names |= set(_dereference(root, alternative).get("properties", {}))
    return names


def _unmodelled(
    model_type: type[KubeModel], root: Schema, path: Path, depth: int
) -> Iterator[Path]:
    """Upstream properties under ``path`` that the model has no field for, ``depth`` levels."""
    model = _model_at(model_type, path)
    if model is None or depth == 0:
        return
    fields = {info.alias or name for name, info in model.model_fields.items()}
    for key in sorted(_properties(root, path)):
        if key not in fields:
            yield (*path, key)
        else:
            yield from _unmodelled(model_type, root, (*path, key), depth - 1)


def test_every_modelled_kind_has_a_packaged_schema() -> None:
    for model_type in MODELS:
        assert schemas_for(model_type), model_type.__name__


@pytest.mark.parametrize("model_type", MODELS, ids=lambda model: model.__name__)
def test_every_model_field_exists_upstream(model_type: type[KubeModel]) -> None:
    versions = schemas_for(model_type)
    current = {version for version, _ in versions[:1]}
    current |= {
        version for spec in all_kinds() if spec.model is model_type for version in spec.versions
    }
    missing, undocumented = [], []
    for path, notes in _fields(model_type):
        found_in = [version for version, root in versions if _exists(root, path)]
        if not found_in:
            if BEYOND_SCHEMA not in notes:
                missing.append(path)
        elif not current & set(found_in) and "deprecated" not in notes.lower():
            undocumented.append((path, found_in))
    assert not missing, f"model fields in no upstream schema: {missing}"
    assert not undocumented, f"fields of deprecated versions only, not said so: {undocumented}"


@pytest.mark.parametrize("model_type", MODELS, ids=lambda model: model.__name__)
def test_every_current_upstream_field_is_modelled(model_type: type[KubeModel]) -> None:
    version, root = schemas_for(model_type)[0]
    start: Path = ("spec",) if issubclass(model_type, Resource) else ()
    unmodelled = set(_unmodelled(model_type, root, start, depth=3)) - NOT_ACCEPTED_UPSTREAM
    assert not unmodelled, version
