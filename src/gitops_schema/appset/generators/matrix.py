"""The matrix generator: the product of two child generators' parameter sets.

The second child's spec is rendered with each parameter set of the first before it runs.
Pairs combine as flat string maps in fasttemplate mode (a key with two different values is
an error) and by deep merge in goTemplate mode, where the first child wins.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from gitops_schema.appset.errors import GeneratorError, TooManyApplications
from gitops_schema.appset.generators import GeneratorContext
from gitops_schema.appset.generators.nesting import child_params, deep_merge
from gitops_schema.appset.params import Params, combine_string_maps

__all__ = ["generate"]


def generate(spec: Mapping[str, Any], context: GeneratorContext) -> list[Params]:
    """Parameter sets of a ``matrix`` generator spec.

    Raises:
        GeneratorError: the matrix does not have exactly two children, a child failed, or
            (fasttemplate) the children disagree on a parameter.
    """
    children = spec.get("generators") or []
    if len(children) < 2:
        raise GeneratorError("found less than two generators, Matrix support only two")
    if len(children) > 2:
        raise GeneratorError("found more than two generators, Matrix support only two")
    try:
        first = child_params(children[0], context)
    except TooManyApplications:
        raise
    except GeneratorError as error:
        raise GeneratorError(
            f"error failed to get params for first generator in matrix generator: {error}"
        ) from error
    limit = context.env.max_applications
    product: list[Params] = []
    # The second child is rendered with each of the first's parameter sets; when it has
    # nothing to render, every rendering is the same, and so are its parameters.
    constant = "{{" not in json.dumps(children[1], default=str)
    second: list[Params] = []
    for index, left in enumerate(first):
        try:
            if not constant or index == 0:
                second = child_params(children[1], context, left)
        except TooManyApplications:
            raise
        except GeneratorError as error:
            raise GeneratorError(
                f"failed to get params for second generator in the matrix generator: {error}"
            ) from error
        if len(product) + len(second) > limit:
            raise TooManyApplications(limit)
        for right in second:
            product.append(_combine(left, right, go_template=context.go_template))
    return product


def _combine(left: Params, right: Params, *, go_template: bool) -> Params:
    if go_template:
        return deep_merge(right, left)
    try:
        return dict(combine_string_maps(left, right))
    except GeneratorError as error:
        raise GeneratorError(
            f"failed to combine string maps with merging params for the matrix generator: {error}"
        ) from error
