"""Core Kubernetes kinds the GitOps tools read: Namespace, ConfigMap and Secret."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from gitops_schema.model.base import Resource
from gitops_schema.model.kinds import KindSpec, Tool

SECRET_TYPE_LABEL = "argocd.argoproj.io/secret-type"
"""The label that makes a Secret an Argo CD cluster or repository declaration."""


class Namespace(Resource):
    """A Kubernetes Namespace."""

    spec: dict[str, Any] = Field(default_factory=dict)
    status: dict[str, Any] = Field(default_factory=dict)


class ConfigMap(Resource):
    """A Kubernetes ConfigMap (Flux ``valuesFrom`` and ``substituteFrom`` read these)."""

    data: dict[str, str] = Field(default_factory=dict)
    binary_data: dict[str, str] = Field(default_factory=dict)
    immutable: bool | None = None


class Secret(Resource):
    """A Kubernetes Secret.

    ``data`` values are base64; ``stringData`` values are plain text. A ``sops`` block
    marks a file encrypted with SOPS, as Flux decrypts it.
    """

    type: str | None = None
    data: dict[str, str] = Field(default_factory=dict)
    string_data: dict[str, str] = Field(default_factory=dict)
    immutable: bool | None = None
    sops: dict[str, Any] | None = None


KINDS = (
    KindSpec("", "Namespace", Namespace, Tool.KUBERNETES, ("v1",)),
    KindSpec("", "ConfigMap", ConfigMap, Tool.KUBERNETES, ("v1",)),
    KindSpec("", "Secret", Secret, Tool.KUBERNETES, ("v1",)),
)
