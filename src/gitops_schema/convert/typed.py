"""Objects a conversion reads (generated, rendered, templated) in their typed models."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import ValidationError

from gitops_schema.model.base import Resource

__all__ = ["typed"]

T = TypeVar("T", bound=Resource)


def _without_nulls(value: Any) -> Any:
    # Kubernetes reads a null field as unset; generated and rendered objects may hold some.
    if isinstance(value, Mapping):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def typed(model: type[T], data: Mapping[str, Any]) -> T | str:
    """``data`` in ``model``, or what does not fit it (the Kubernetes API refuses it too)."""
    try:
        return model.model_validate(_without_nulls(data))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(step) for step in first["loc"])
        more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
        return f"does not fit the {model.__name__} schema: {where}: {first['msg']}{more}"
