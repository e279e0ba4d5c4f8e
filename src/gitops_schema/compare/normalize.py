"""The comparable form of a rendered Kubernetes object: its identity and its normalised YAML.

Pure functions over plain mappings; the identity is the model's
(:mod:`gitops_schema.model.identity`), the one every stage uses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from gitops_schema.model.identity import ObjectId, identities, identity

__all__ = ["ObjectId", "identities", "identity", "malformed", "normalize", "to_yaml"]

# Written by the API server or by kubectl, never by the author: comparing them is noise.
_NOISY_METADATA = (
    "creationTimestamp",
    "generation",
    "managedFields",
    "resourceVersion",
    "selfLink",
    "uid",
)
_NOISY_ANNOTATIONS = ("kubectl.kubernetes.io/last-applied-configuration",)


def malformed(manifests: Sequence[Any]) -> list[str]:
    """What keeps each malformed object of a render from having an identity.

    A rendered object is a mapping whose ``metadata`` (when set) is a mapping; one that is
    not (a hostile or broken source: ``metadata: [a]``) is named by its position and kind.
    """
    problems = []
    for number, obj in enumerate(manifests, 1):
        if not isinstance(obj, Mapping):
            problems.append(f"rendered object {number} is {_what(obj)}, not a mapping")
            continue
        metadata = obj.get("metadata")
        if metadata is not None and not isinstance(metadata, Mapping):
            kind = str(obj.get("kind") or "object")
            problems.append(
                f"rendered object {number} ({kind}): metadata is {_what(metadata)}, not a "
                "mapping, so the object has no name to compare it by"
            )
    return problems


def _what(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    return f"the {type(value).__name__} {str(value)[:40]}"


def normalize(obj: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``obj`` without status and server-written metadata, every map key sorted."""
    clean = {key: value for key, value in obj.items() if key != "status"}
    metadata = clean.get("metadata")
    if isinstance(metadata, Mapping):
        meta = {key: value for key, value in metadata.items() if key not in _NOISY_METADATA}
        annotations = meta.get("annotations")
        if isinstance(annotations, Mapping):
            kept = {k: v for k, v in annotations.items() if k not in _NOISY_ANNOTATIONS}
            if kept:
                meta["annotations"] = kept
            else:
                del meta["annotations"]
        clean["metadata"] = meta
    sorted_obj: dict[str, Any] = _sorted(clean)
    return sorted_obj


def to_yaml(obj: Mapping[str, Any]) -> str:
    """The normalised object as stable YAML text: sorted keys, block style, no line folding."""
    # libyaml's emitter: PyYAML's pure-Python one was most of a diff's time.
    return yaml.dump(
        normalize(obj),
        Dumper=yaml.CSafeDumper,
        sort_keys=True,
        default_flow_style=False,
        width=1_000_000,
        allow_unicode=True,
    )


def _sorted(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _sorted(value[key]) for key in sorted(value, key=str)}
    if isinstance(value, list | tuple):
        return [_sorted(item) for item in value]
    return value
