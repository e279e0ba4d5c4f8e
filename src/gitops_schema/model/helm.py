"""Helm: the ``Chart.yaml`` file of a chart (``apiVersion`` v1 or v2; v3 is experimental)."""

from __future__ import annotations

from pydantic import Field

from gitops_schema.model.base import KubeModel

FILE_NAMES = ("Chart.yaml",)


class ImportValue(KubeModel):
    """A child chart's values key imported at a path of the parent's values."""

    child: str
    parent: str


class ChartDependency(KubeModel):
    """A chart this chart depends on (v2; v1 charts list them in ``requirements.yaml``)."""

    name: str
    version: str | None = None
    repository: str | None = None
    condition: str | None = None
    tags: list[str] = Field(default_factory=list)
    import_values: list[str | ImportValue] = Field(default=[], alias="import-values")
    alias: str | None = None
    depends_on: list[str] = Field(default=[], alias="depends-on")
    """Subcharts that must be ready first; only with ``apiVersion: v3``."""


class Maintainer(KubeModel):
    """A maintainer of the chart."""

    name: str
    email: str | None = None
    url: str | None = None


class Chart(KubeModel):
    """A Helm chart's metadata (``Chart.yaml``)."""

    api_version: str
    name: str
    version: str
    app_version: str | None = None
    """Informational; quote it in YAML, or ``1.10`` becomes the float 1.1."""
    kube_version: str | None = None
    description: str | None = None
    type: str | None = None
    """``application`` (default) or ``library``."""
    keywords: list[str] = Field(default_factory=list)
    home: str | None = None
    sources: list[str] = Field(default_factory=list)
    icon: str | None = None
    dependencies: list[ChartDependency] = Field(default_factory=list)
    maintainers: list[Maintainer] = Field(default_factory=list)
    deprecated: bool | None = None
    annotations: dict[str, str] = Field(default_factory=dict)
