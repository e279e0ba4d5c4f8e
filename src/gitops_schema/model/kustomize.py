"""kustomize: the ``kustomization.yaml`` file (kinds Kustomization and Component)."""

from __future__ import annotations

from typing import Any

from gitops_schema.model.base import KubeModel

GROUP = "kustomize.config.k8s.io"
FILE_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


class KustomizeFile(KubeModel):
    """A kustomization file; ``apiVersion`` and ``kind`` may be left out."""

    api_version: str | None = None
    kind: str | None = None
    metadata: dict[str, Any] = {}
    resources: list[str] = []
    components: list[str] = []
    namespace: str | None = None
