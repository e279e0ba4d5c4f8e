"""MODEL: positioned documents to typed, frozen GitOps objects.

Argo CD, Flux, kustomize, Helm and Prometheus-operator kinds are modelled with pydantic;
any other Kubernetes object is kept as a typed envelope. See :mod:`.registry` for the
(group, version, kind) table.
"""

from gitops_schema.model.base import (
    GenericResource,
    KubeModel,
    ObjectMeta,
    Resource,
    unknown_fields,
)
from gitops_schema.model.identity import ObjectId, identities, identity, object_id
from gitops_schema.model.kinds import KindSpec, Tool
from gitops_schema.model.parse import GitOpsObject, ParseResult, parse_document, parse_documents
from gitops_schema.model.registry import KINDS, kinds_named, lookup

__all__ = [
    "KINDS",
    "GenericResource",
    "GitOpsObject",
    "KindSpec",
    "KubeModel",
    "ObjectId",
    "ObjectMeta",
    "ParseResult",
    "Resource",
    "Tool",
    "identities",
    "identity",
    "kinds_named",
    "lookup",
    "object_id",
    "parse_document",
    "parse_documents",
    "unknown_fields",
]
