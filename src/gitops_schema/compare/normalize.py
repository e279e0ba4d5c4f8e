"""The comparable form of a rendered Kubernetes object: its identity and its normalised YAML.

Pure functions over plain mappings; imports nothing from the other stages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import yaml

__all__ = ["ObjectId", "identities", "identity", "normalize", "to_yaml"]

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


class ObjectId(NamedTuple):
    """Who an object is: an apiVersion bump of the same object keeps its identity."""

    group: str
    """The API group (``apps``), empty for the core group."""
    kind: str
    namespace: str
    """Empty for cluster-scoped objects (and when the renderer left it unset)."""
    name: str

    def __str__(self) -> str:
        kind = f"{self.group}/{self.kind}" if self.group else self.kind
        name = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return f"{kind} {name}"


def identity(obj: Mapping[str, Any]) -> ObjectId:
    """The identity of ``obj``: group (from ``apiVersion``), kind, namespace and name."""
    api_version = str(obj.get("apiVersion") or "")
    group = api_version.rpartition("/")[0]
    metadata = obj.get("metadata") or {}
    return ObjectId(
        group=group,
        kind=str(obj.get("kind") or ""),
        namespace=str(metadata.get("namespace") or ""),
        name=str(metadata.get("name") or ""),
    )


def identities(manifests: Sequence[Mapping[str, Any]]) -> list[ObjectId]:
    """The identity of each object of one source, in order.

    An object with ``metadata.generateName`` and no name gets its name from the API server
    when created; until then its identity is the generateName and its position among the
    source's objects of the same kind and generateName (``migrate-*2`` for the second),
    so such objects neither overwrite one another nor change identity between revisions.
    ``*`` is never in a Kubernetes name, so no named object can take that identity.
    """
    found: list[ObjectId] = []
    seen: dict[ObjectId, int] = {}
    for obj in manifests:
        key = identity(obj)
        generate = (obj.get("metadata") or {}).get("generateName")
        if not key.name and isinstance(generate, str) and generate:
            base = key._replace(name=generate)
            seen[base] = seen.get(base, 0) + 1
            key = key._replace(name=f"{generate}*{seen[base]}")
        found.append(key)
    return found


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
    return yaml.safe_dump(
        normalize(obj),
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
