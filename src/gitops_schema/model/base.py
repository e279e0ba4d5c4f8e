"""The base of every typed model.

Kubernetes field naming, unknown fields kept, and the way back from any model object or
field to the file, line and column it came from.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import textwrap
from collections.abc import Iterator
from functools import cache
from typing import Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    model_validator,
)
from pydantic.alias_generators import to_camel

from gitops_schema.load import Document, YamlMap, YamlSeq
from gitops_schema.location import JsonPath, Location

UNKNOWN = "unknown"
"""Validation-context key under which models with unknown fields are collected."""


class KubeModel(BaseModel):
    """A frozen, camelCase-keyed model of one object (or part of one) in a manifest.

    Fields the model does not know are kept in ``model_extra`` (never dropped) and
    reported by :func:`unknown_fields`. Validate with ``context={"document": doc}`` so
    every nested object can locate itself with :meth:`model_location`.
    """

    model_config = ConfigDict(
        frozen=True,
        extra="allow",
        alias_generator=to_camel,
        # Validators are built on first use: a command that reads no object of a kind
        # never pays for its schema.
        defer_build=True,
        serialize_by_alias=True,
    )

    report_unknown: ClassVar[bool] = True
    """False for envelopes whose other fields are simply not modelled."""

    @model_validator(mode="wrap")
    @classmethod
    def _remember_source(
        cls, data: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> Any:
        model = handler(_without_nulls(data))
        if isinstance(model, KubeModel):
            # The source is kept in pydantic's private store, set here rather than declared
            # as private attributes: this runs for every object of every document, and
            # declared ones cost a default-filling pass per instance.
            context = info.context
            object.__setattr__(
                model,
                "__pydantic_private__",
                {
                    "_node": data if isinstance(data, YamlMap) else None,
                    "_document": context.get("document") if context else None,
                },
            )
            if context and model.__pydantic_extra__ and cls.report_unknown:
                context.setdefault(UNKNOWN, []).append(model)
        return model

    def _source(self) -> tuple[YamlMap | None, Document | None]:
        private = self.__pydantic_private__ or {}
        return private.get("_node"), private.get("_document")

    def model_location(self, field: str | None = None, *, key: bool = False) -> Location:
        """Where this object, or one of its fields, was written.

        Args:
            field: a Python field name or a YAML key; None for the object itself.
            key: locate the field's key rather than its value.
        """
        document = self._source()[1]
        if document is None:
            return Location("<unknown>")
        path = self.model_json_path()
        if field is not None:
            path += (self._yaml_key(field),)
        return document.locate(path, key=key)

    def model_json_path(self) -> JsonPath:
        """The JSON path of this object inside its document (``()`` for the root)."""
        node, document = self._source()
        if document is None or node is None:
            return ()
        found = _find(document.data, node, ())
        return found if found is not None else ()

    def _yaml_key(self, field: str) -> str:
        info = type(self).model_fields.get(field)
        if info is not None and info.alias is not None:
            return info.alias
        return field


@cache
def field_docstrings(model: type[KubeModel]) -> dict[str, str]:
    """The docstring written under each field of ``model`` (and of the models it extends).

    Read from the source on first use, never at import: only documentation tooling and
    tests ask.
    """
    found: dict[str, str] = {}
    for owner in reversed(model.__mro__):
        if isinstance(owner, type) and issubclass(owner, KubeModel) and owner is not KubeModel:
            found.update(_class_docstrings(owner))
    return found


def _class_docstrings(owner: type[KubeModel]) -> dict[str, str]:
    try:
        source = inspect.getsource(owner)
    except OSError:
        return {}  # Made at run time (a generator's entry model): no source, no docstrings.
    [definition] = ast.parse(textwrap.dedent(source)).body
    assert isinstance(definition, ast.ClassDef)
    found: dict[str, str] = {}
    body = definition.body
    for statement, following in itertools.pairwise(body):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            found[statement.target.id] = inspect.cleandoc(following.value.value)
    return found


def _without_nulls(data: Any) -> Any:
    """The mapping without its null fields.

    Kubernetes decodes a null field as unset (and the API server prunes it from custom
    resources). The copy is shallow, so nested mappings stay the loaded ones and keep
    locating themselves; the model keeps ``data``.
    """
    if not isinstance(data, YamlMap) or None not in data.values():
        return data
    kept = YamlMap(data.position)
    for key, value in data.items():
        if value is not None:
            kept[key] = value
    return kept


def _find(value: Any, target: YamlMap, path: JsonPath) -> JsonPath | None:
    if value is target:
        return path
    if isinstance(value, YamlMap):
        for key, child in value.items():
            if isinstance(child, YamlMap | YamlSeq):
                found = _find(child, target, (*path, key))
                if found is not None:
                    return found
    elif isinstance(value, YamlSeq):
        for index, child in enumerate(value):
            if isinstance(child, YamlMap | YamlSeq):
                found = _find(child, target, (*path, index))
                if found is not None:
                    return found
    return None


def unknown_fields(model: KubeModel) -> Iterator[tuple[KubeModel, str]]:
    """Every (object, key) pair, at any depth, for keys the model does not define."""
    if type(model).report_unknown:
        for key in model.model_extra or {}:
            yield model, key
    for name in type(model).model_fields:
        yield from _unknown_in(getattr(model, name))


def _unknown_in(value: Any) -> Iterator[tuple[KubeModel, str]]:
    if isinstance(value, KubeModel):
        yield from unknown_fields(value)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _unknown_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _unknown_in(item)


class OwnerReference(KubeModel):
    """A reference to the object that owns this one."""

    api_version: str = Field(alias="apiVersion")
    kind: str
    name: str
    uid: str | None = None
    controller: bool | None = None
    block_owner_deletion: bool | None = None


class ObjectMeta(KubeModel):
    """Standard Kubernetes object metadata."""

    name: str | None = None
    generate_name: str | None = None
    namespace: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    finalizers: list[str] = Field(default_factory=list)
    owner_references: list[OwnerReference] = Field(default_factory=list)
    uid: str | None = None
    resource_version: str | None = None
    generation: int | None = None
    creation_timestamp: str | None = None
    deletion_timestamp: str | None = None
    deletion_grace_period_seconds: int | None = None
    managed_fields: list[dict[str, Any]] = Field(default_factory=list)
    self_link: str | None = None


class Resource(KubeModel):
    """The envelope every Kubernetes object has: apiVersion, kind and metadata."""

    api_version: str = Field(alias="apiVersion")
    kind: str
    metadata: ObjectMeta = ObjectMeta()

    @property
    def group(self) -> str:
        """The API group ('' for the core group)."""
        return self.api_version.rpartition("/")[0]

    @property
    def version(self) -> str:
        """The API version without its group."""
        return self.api_version.rpartition("/")[2]


class GenericResource(Resource):
    """Any Kubernetes object of a kind we do not model; its other fields are kept as is."""

    report_unknown: ClassVar[bool] = False


class LabelSelectorRequirement(KubeModel):
    """One expression of a label selector."""

    key: str
    operator: str
    values: list[str] = Field(default_factory=list)


class LabelSelector(KubeModel):
    """A Kubernetes label selector."""

    match_labels: dict[str, str] = Field(default_factory=dict)
    match_expressions: list[LabelSelectorRequirement] = Field(default_factory=list)


class LocalObjectReference(KubeModel):
    """A reference to an object by name in the same namespace."""

    name: str
