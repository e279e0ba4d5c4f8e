"""MODEL: positioned documents to typed, frozen GitOps objects.

Argo CD, Flux, kustomize, Helm and Prometheus-operator kinds are modelled with pydantic;
any other Kubernetes object is kept as a typed envelope. See :mod:`.registry` for the
(group, version, kind) table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gitops_schema._lazy import lazy_exports

if TYPE_CHECKING:
    from gitops_schema.model.base import GenericResource as GenericResource
    from gitops_schema.model.base import KubeModel as KubeModel
    from gitops_schema.model.base import ObjectMeta as ObjectMeta
    from gitops_schema.model.base import Resource as Resource
    from gitops_schema.model.base import unknown_fields as unknown_fields
    from gitops_schema.model.identity import ObjectId as ObjectId
    from gitops_schema.model.identity import identities as identities
    from gitops_schema.model.identity import identity as identity
    from gitops_schema.model.identity import object_id as object_id
    from gitops_schema.model.kinds import KindSpec as KindSpec
    from gitops_schema.model.kinds import Tool as Tool
    from gitops_schema.model.parse import GitOpsObject as GitOpsObject
    from gitops_schema.model.parse import ParseResult as ParseResult
    from gitops_schema.model.parse import parse_document as parse_document
    from gitops_schema.model.parse import parse_documents as parse_documents
    from gitops_schema.model.registry import all_kinds as all_kinds
    from gitops_schema.model.registry import kinds_named as kinds_named
    from gitops_schema.model.registry import lookup as lookup

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        ".base": (
            "GenericResource",
            "KubeModel",
            "ObjectMeta",
            "Resource",
            "unknown_fields",
        ),
        ".identity": (
            "ObjectId",
            "identities",
            "identity",
            "object_id",
        ),
        ".kinds": (
            "KindSpec",
            "Tool",
        ),
        ".parse": (
            "GitOpsObject",
            "ParseResult",
            "parse_document",
            "parse_documents",
        ),
        ".registry": (
            "all_kinds",
            "kinds_named",
            "lookup",
        ),
    },
)
