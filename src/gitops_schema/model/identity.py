"""The identity of a Kubernetes object: API group, kind, namespace and name.

One identity for every stage: ``render`` and ``desired`` use it to tell objects apart
(with the cluster where that matters), ``compare`` to match them between revisions and
environments, ``check`` to name them. The apiVersion's version is not part of it: an
apiVersion bump of the same object keeps its identity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from gitops_schema.model.parse import GitOpsObject

__all__ = ["ObjectId", "identities", "identity", "object_id"]


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
    metadata = _metadata(obj)
    return ObjectId(
        group=api_version.rpartition("/")[0],
        kind=str(obj.get("kind") or ""),
        namespace=str(metadata.get("namespace") or ""),
        name=str(metadata.get("name") or ""),
    )


def _metadata(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    # A hostile manifest's metadata may be a list or a string: it names nothing then
    # (compare reports the object as malformed).
    metadata = obj.get("metadata")
    return metadata if isinstance(metadata, Mapping) else {}


def object_id(obj: GitOpsObject) -> ObjectId:
    """The identity of a typed object of the repository."""
    return ObjectId(obj.api_version.rpartition("/")[0], obj.kind, obj.namespace or "", obj.name)


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
        generate = _metadata(obj).get("generateName")
        if not key.name and isinstance(generate, str) and generate:
            base = key._replace(name=generate)
            seen[base] = seen.get(base, 0) + 1
            key = key._replace(name=f"{generate}*{seen[base]}")
        found.append(key)
    return found
