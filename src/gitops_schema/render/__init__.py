"""RENDER: the desired state, built by the real kustomize and Helm engines.

kustomize builds (:func:`build_kustomization`, :func:`build_kustomizations` in parallel),
Flux Kustomizations (:func:`render_flux_kustomization`: Flux's generated kustomization,
``spec.*`` fields, post-build substitution, owner labels), Argo CD Applications
(:func:`render_application`: Helm, kustomize, directory and multi-source), Flux
HelmReleases (:func:`render_helm_release`), and a content-addressed
:class:`RenderCache`. Every engine call is held to the :class:`Bounds` in force
(:func:`bounded`). Concurrency lives here and nowhere else. Imports load, model and the
core; never desired, check, compare or the CLI.
"""

from gitops_schema.render.argocd import (
    apply_destination_namespace,
    kustomize_build_options,
    kustomize_folders,
    render_application,
)
from gitops_schema.render.artifacts import ClusterArtifacts, generators_beside, is_generator
from gitops_schema.render.bounds import DEFAULT_TIMEOUT, Bounds, bounded
from gitops_schema.render.cache import RenderCache, default_cache_dir, text_key, tree_digest
from gitops_schema.render.confine import Confinement
from gitops_schema.render.engine_workers import prestart_worker
from gitops_schema.render.engines import (
    HelmEngine,
    KustomizeEngine,
    KustomizeOptions,
    find_kustomize,
)
from gitops_schema.render.envsubst import SubstitutionError, envsubst
from gitops_schema.render.flux import (
    FluxOptions,
    render_flux_kustomization,
    render_flux_kustomizations,
)
from gitops_schema.render.flux_helm import release_name, render_helm_release
from gitops_schema.render.inputs import Inputs, collect_inputs
from gitops_schema.render.kustomize import (
    RenderResult,
    build_kustomization,
    build_kustomizations,
    prebuild_kustomizations,
)
from gitops_schema.render.parallel import in_parallel
from gitops_schema.render.revision import materialized
from gitops_schema.render.runner import Runner, SubprocessRunner
from gitops_schema.render.scratch import scratch_folder

__all__ = [
    "DEFAULT_TIMEOUT",
    "Bounds",
    "ClusterArtifacts",
    "Confinement",
    "FluxOptions",
    "HelmEngine",
    "Inputs",
    "KustomizeEngine",
    "KustomizeOptions",
    "RenderCache",
    "RenderResult",
    "Runner",
    "SubprocessRunner",
    "SubstitutionError",
    "apply_destination_namespace",
    "bounded",
    "build_kustomization",
    "build_kustomizations",
    "collect_inputs",
    "default_cache_dir",
    "envsubst",
    "find_kustomize",
    "generators_beside",
    "in_parallel",
    "is_generator",
    "kustomize_build_options",
    "kustomize_folders",
    "materialized",
    "prebuild_kustomizations",
    "prestart_worker",
    "release_name",
    "render_application",
    "render_flux_kustomization",
    "render_flux_kustomizations",
    "render_helm_release",
    "scratch_folder",
    "text_key",
    "tree_digest",
]
