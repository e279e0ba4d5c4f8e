"""Helm: the ``Chart.yaml`` file of a chart."""

from __future__ import annotations

from gitops_schema.model.base import KubeModel

FILE_NAMES = ("Chart.yaml",)


class Chart(KubeModel):
    """A Helm chart's metadata (``Chart.yaml``)."""

    api_version: str
    name: str
    version: str
    app_version: str | None = None
    description: str | None = None
    type: str | None = None
