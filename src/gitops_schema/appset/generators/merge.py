"""The merge generator: the first child's parameter sets, updated by the later children.

Sets are matched on the values of the ``mergeKeys`` (top-level parameter names). A later
set overrides or extends the first child's set with the same key values; sets matching
none are dropped, and first-child sets nothing matches are kept as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gitops_schema.appset.errors import GeneratorError
from gitops_schema.appset.generators import GeneratorContext
from gitops_schema.appset.generators.nesting import child_params, deep_merge
from gitops_schema.appset.params import Params
from gitops_schema.gotemplate.gojson import marshal

__all__ = ["generate", "param_sets_by_merge_key"]


def generate(spec: Mapping[str, Any], context: GeneratorContext) -> list[Params]:
    """Parameter sets of a ``merge`` generator spec.

    Raises:
        GeneratorError: fewer than two children or no merge keys, a child failed, or a
            child's sets are not unique by the merge keys.
    """
    children = spec.get("generators") or []
    if len(children) < 2:
        raise GeneratorError("found less than two generators, Merge requires two or more")
    outputs: list[list[Params]] = []
    for index, child in enumerate(children):
        try:
            outputs.append(child_params(child, context))
        except GeneratorError as error:
            raise GeneratorError(
                "error getting param sets from generators: error getting params from "
                f"generator {index + 1} of {len(children)}: {error}"
            ) from error
    merge_keys = [str(k) for k in spec.get("mergeKeys") or []]
    merged = _by_merge_key(merge_keys, outputs[0])
    for later in outputs[1:]:
        overrides = _by_merge_key(merge_keys, later)
        for key, base in merged.items():
            override = overrides.get(key)
            if override is None:
                continue
            merged[key] = (
                deep_merge(base, override) if context.go_template else {**base, **override}
            )
    return list(merged.values())


def param_sets_by_merge_key(
    merge_keys: Sequence[str], param_sets: Sequence[Params]
) -> dict[str, Params]:
    """Each parameter set keyed by Go's JSON encoding of its merge-key values.

    The key is ``json.Marshal`` of ``{mergeKey: value}`` over the distinct merge keys
    (sorted keys, HTML-escaped, missing values as ``null``).

    Raises:
        GeneratorError: no merge keys, or two sets share a key.
    """
    if not merge_keys:
        raise GeneratorError("no merge keys were specified, Merge requires at least one")
    distinct = dict.fromkeys(merge_keys)
    by_key: dict[str, Params] = {}
    for params in param_sets:
        key = marshal({name: params.get(name) for name in distinct})
        if key in by_key:
            raise GeneratorError(
                "the parameters from a generator were not unique by the given mergeKeys, "
                f"Merge requires all param sets to be unique. Duplicate key was {key}"
            )
        by_key[key] = params
    return by_key


def _by_merge_key(merge_keys: Sequence[str], param_sets: Sequence[Params]) -> dict[str, Params]:
    try:
        return param_sets_by_merge_key(merge_keys, param_sets)
    except GeneratorError as error:
        raise GeneratorError(f"error getting param sets by merge key: {error}") from error
