"""What matrix and merge share: running one child generator entry, and merging parameters.

A child entry names exactly one generator. Its spec may first be rendered with a parameter
set (the matrix's second child), its post-selector applies to its output, and a matrix or
merge child is only honoured one level deep: below that Argo CD's types have no room for
it, so it is dropped and the child generates nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitops_schema.appset.errors import GeneratorError
from gitops_schema.appset.generators import MAX_NESTING, GeneratorContext, generator_keys
from gitops_schema.appset.interpolation import interpolate_generator
from gitops_schema.appset.params import Params, matches_selector

__all__ = ["child_params", "deep_merge"]

_COMPOSITE = ("matrix", "merge")


def child_params(
    entry: Any, context: GeneratorContext, params: Params | None = None
) -> list[Params]:
    """The parameter sets of one child of a matrix or merge running in ``context``.

    Raises:
        GeneratorError: the child names no generator (or only one nested too deep), more
            than one, or its generator failed.
    """
    child = context.nested()
    if not isinstance(entry, Mapping):
        raise GeneratorError("child generator generated no parameters")
    kinds = [k for k in generator_keys(entry, child) if entry[k] is not None]
    if child.depth >= MAX_NESTING:
        kinds = [k for k in kinds if k not in _COMPOSITE]
    if not kinds:
        raise GeneratorError("child generator generated no parameters")
    rendered: Mapping[str, Any] = entry
    try:
        if params:
            rendered = interpolate_generator(
                entry, params, go_template=context.go_template, options=context.options
            )
        outputs = [child.generators[kind](rendered.get(kind) or {}, child) for kind in kinds]
    except GeneratorError as error:
        raise GeneratorError(
            f"child generator returned an error on parameter generation: {error}"
        ) from error
    if len(outputs) > 1:
        raise GeneratorError("found more than one generator in matrix.Generators")
    # The selector as written applies, not the rendered one (Argo CD parses it first).
    selector = entry.get("selector")
    if isinstance(selector, Mapping):
        return [p for p in outputs[0] if matches_selector(p, selector)]
    return outputs[0]


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> Params:
    """``mergo.Merge(base, override, WithOverride)``: maps merge, anything else is replaced."""
    merged: Params = dict(base)
    for key, value in override.items():
        current = merged.get(key)
        if isinstance(current, Mapping) and current and isinstance(value, Mapping):
            merged[key] = deep_merge(current, value)
        else:
            merged[key] = value
    return merged
