"""Flux HelmRelease (``helm.toolkit.fluxcd.io``) and the types only it uses.

Current ``v2``, with the fields of the deprecated ``v2beta1`` and ``v2beta2`` still recognised.

``helm.toolkit.fluxcd.io/v1`` is not a Flux version: the schema catalog's file of that name is
the legacy helm-operator HelmRelease (``helm.fluxcd.io/v1``), so it is not recognised here.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from gitops_schema.model.base import KubeModel, LocalObjectReference, Resource
from gitops_schema.model.flux_common import (
    CommonMetadata,
    CrossNamespaceSourceReference,
    CustomHealthCheck,
    DependencyReference,
    IgnoreRule,
    Image,
    Json6902Patch,
    KubeConfigReference,
    Patch,
)
from gitops_schema.model.kinds import KindSpec, Tool

GROUP = "helm.toolkit.fluxcd.io"


class HelmChartTemplateVerification(KubeModel):
    """How the signature of an OCI chart is verified."""

    provider: str
    secret_ref: LocalObjectReference | None = None


class HelmChartTemplateSpec(KubeModel):
    """The spec of the HelmChart the controller creates for this release."""

    chart: str
    source_ref: CrossNamespaceSourceReference
    version: str | None = None
    interval: str | None = None
    reconcile_strategy: str | None = None
    values_files: list[str] = Field(default_factory=list)
    ignore_missing_values_files: bool | None = None
    verify: HelmChartTemplateVerification | None = None
    values_file: str | None = None
    """Deprecated: only in v2beta1/v2beta2; ``valuesFiles`` replaces it."""


class HelmChartTemplate(KubeModel):
    """The template of the HelmChart created for this release (``spec.chart``)."""

    spec: HelmChartTemplateSpec
    metadata: CommonMetadata | None = None


class DriftDetection(KubeModel):
    """Whether differences between the release and the cluster are detected or corrected."""

    mode: str | None = None
    ignore: list[IgnoreRule] = Field(default_factory=list)


class InstallRemediation(KubeModel):
    """What to do when an install fails: how many retries, and whether to uninstall."""

    retries: int | None = None
    ignore_test_failures: bool | None = None
    remediate_last_failure: bool | None = None


class UpgradeRemediation(InstallRemediation):
    """What to do when an upgrade fails: retries, and a rollback or an uninstall."""

    strategy: str | None = None
    """``rollback`` (default) or ``uninstall``."""


class ActionStrategy(KubeModel):
    """The strategy of an install or upgrade: ``RemediateOnFailure`` or ``RetryOnFailure``."""

    name: str
    retry_interval: str | None = None


class Install(KubeModel):
    """Options of Helm install actions."""

    timeout: str | None = None
    remediation: InstallRemediation | None = None
    strategy: ActionStrategy | None = None
    crds: str | None = None
    create_namespace: bool | None = None
    replace: bool | None = None
    server_side_apply: bool | None = None
    disable_hooks: bool | None = None
    disable_open_api_validation: bool | None = Field(default=None, alias="disableOpenAPIValidation")
    disable_schema_validation: bool | None = None
    disable_take_ownership: bool | None = None
    disable_wait: bool | None = None
    disable_wait_for_jobs: bool | None = None
    skip_crds: bool | None = Field(default=None, alias="skipCRDs")
    """Superseded by ``crds: Skip``."""


class Upgrade(KubeModel):
    """Options of Helm upgrade actions."""

    timeout: str | None = None
    remediation: UpgradeRemediation | None = None
    strategy: ActionStrategy | None = None
    crds: str | None = None
    chart_name_change_strategy: str | None = None
    cleanup_on_fail: bool | None = None
    force: bool | None = None
    preserve_values: bool | None = None
    server_side_apply: str | None = None
    disable_hooks: bool | None = None
    disable_open_api_validation: bool | None = Field(default=None, alias="disableOpenAPIValidation")
    disable_schema_validation: bool | None = None
    disable_take_ownership: bool | None = None
    disable_wait: bool | None = None
    disable_wait_for_jobs: bool | None = None


class Rollback(KubeModel):
    """Options of Helm rollback actions."""

    timeout: str | None = None
    cleanup_on_fail: bool | None = None
    force: bool | None = None
    recreate: bool | None = None
    """No effect since Flux 2.8 (Helm 4)."""
    server_side_apply: str | None = None
    disable_hooks: bool | None = None
    disable_wait: bool | None = None
    disable_wait_for_jobs: bool | None = None


class Uninstall(KubeModel):
    """Options of Helm uninstall actions."""

    timeout: str | None = None
    deletion_propagation: str | None = None
    disable_hooks: bool | None = None
    disable_wait: bool | None = None
    keep_history: bool | None = None


class HelmTestFilter(KubeModel):
    """A Helm test to run or exclude, by name."""

    name: str
    exclude: bool | None = None


class HelmTest(KubeModel):
    """Options of Helm test actions."""

    enable: bool | None = None
    timeout: str | None = None
    ignore_failures: bool | None = None
    filters: list[HelmTestFilter] = Field(default_factory=list)


class PostRendererKustomize(KubeModel):
    """kustomize patches and image overrides applied to the rendered chart."""

    patches: list[Patch] = Field(default_factory=list)
    images: list[Image] = Field(default_factory=list)
    patches_strategic_merge: list[dict[str, Any]] = Field(default_factory=list)
    """Deprecated: only in v2beta1/v2beta2; ``patches`` replaces it."""
    patches_json6902: list[Json6902Patch] = Field(default_factory=list)
    """Deprecated: only in v2beta1/v2beta2; ``patches`` replaces it."""


class PostRenderer(KubeModel):
    """A post-renderer applied to the rendered chart."""

    kustomize: PostRendererKustomize | None = None


class ValuesReference(KubeModel):
    """A ConfigMap or Secret holding values, optionally one key of it and where it goes."""

    kind: str
    name: str
    values_key: str | None = None
    target_path: str | None = None
    optional: bool | None = None
    literal: bool | None = None


class WaitStrategy(KubeModel):
    """How Helm waits for the applied resources: ``poller`` or ``legacy``."""

    name: str


class HelmReleaseSpec(KubeModel):
    """The desired state of a HelmRelease; exactly one of ``chart`` and ``chartRef``."""

    interval: str
    chart: HelmChartTemplate | None = None
    chart_ref: CrossNamespaceSourceReference | None = None
    release_name: str | None = None
    target_namespace: str | None = None
    storage_namespace: str | None = None
    values: dict[str, Any] = Field(default_factory=dict)
    values_from: list[ValuesReference] = Field(default_factory=list)
    depends_on: list[DependencyReference] = Field(default_factory=list)
    install: Install | None = None
    upgrade: Upgrade | None = None
    rollback: Rollback | None = None
    uninstall: Uninstall | None = None
    test: HelmTest | None = None
    drift_detection: DriftDetection | None = None
    post_renderers: list[PostRenderer] = Field(default_factory=list)
    post_render_strategy: str | None = None
    common_metadata: CommonMetadata | None = None
    health_check_exprs: list[CustomHealthCheck] = Field(default_factory=list)
    wait_strategy: WaitStrategy | None = None
    kube_config: KubeConfigReference | None = None
    service_account_name: str | None = None
    persistent_client: bool | None = None
    max_history: int | None = None
    timeout: str | None = None
    suspend: bool | None = None


class HelmRelease(Resource):
    """A Flux HelmRelease: a Helm chart installed and upgraded by helm-controller."""

    spec: HelmReleaseSpec
    status: dict[str, Any] | None = None


KINDS = (KindSpec(GROUP, "HelmRelease", HelmRelease, Tool.FLUX, ("v2",), ("v2beta2", "v2beta1")),)
