"""RENDER: the desired state, built by the real kustomize and Helm engines.

kustomize builds (:func:`build_kustomization`, :func:`build_kustomizations` in parallel),
Flux Kustomizations (:func:`render_flux_kustomization`: Flux"s generated kustomization,
``spec.*`` fields, post-build substitution, owner labels), Argo CD Applications
(:func:`render_application`: Helm, kustomize, directory and multi-source), Flux
HelmReleases (:func:`render_helm_release`), and a content-addressed
:class:`RenderCache`. Every engine call is held to the :class:`Bounds` in force
(:func:`bounded`). Concurrency lives here and nowhere else. Imports load, model and the
core; never desired, check, compare or the CLI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gitops_schema._lazy import lazy_exports

if TYPE_CHECKING:
    from gitops_schema.render.argocd import (
        apply_destination_namespace as apply_destination_namespace,
    )
    from gitops_schema.render.argocd import kustomize_folders as kustomize_folders
    from gitops_schema.render.argocd import render_application as render_application
    from gitops_schema.render.argocd_kustomize import (
        kustomize_build_options as kustomize_build_options,
    )
    from gitops_schema.render.artifacts import ClusterArtifacts as ClusterArtifacts
    from gitops_schema.render.artifacts import generators_beside as generators_beside
    from gitops_schema.render.artifacts import is_generator as is_generator
    from gitops_schema.render.bounds import DEFAULT_TIMEOUT as DEFAULT_TIMEOUT
    from gitops_schema.render.bounds import Bounds as Bounds
    from gitops_schema.render.bounds import bounded as bounded
    from gitops_schema.render.cache import RenderCache as RenderCache
    from gitops_schema.render.cache import default_cache_dir as default_cache_dir
    from gitops_schema.render.cache import sweep_once as sweep_once
    from gitops_schema.render.cache import text_key as text_key
    from gitops_schema.render.cache import tree_digest as tree_digest
    from gitops_schema.render.cache_snapshot import Snapshot as Snapshot
    from gitops_schema.render.confine import Confinement as Confinement
    from gitops_schema.render.engine_workers import prestart_worker as prestart_worker
    from gitops_schema.render.engines import HelmEngine as HelmEngine
    from gitops_schema.render.engines import KustomizeEngine as KustomizeEngine
    from gitops_schema.render.engines import KustomizeOptions as KustomizeOptions
    from gitops_schema.render.engines import find_kustomize as find_kustomize
    from gitops_schema.render.envsubst import SubstitutionError as SubstitutionError
    from gitops_schema.render.envsubst import envsubst as envsubst
    from gitops_schema.render.flux import FluxOptions as FluxOptions
    from gitops_schema.render.flux import render_flux_kustomization as render_flux_kustomization
    from gitops_schema.render.flux import render_flux_kustomizations as render_flux_kustomizations
    from gitops_schema.render.flux_helm import release_name as release_name
    from gitops_schema.render.flux_helm import render_helm_release as render_helm_release
    from gitops_schema.render.flux_source import source_id as source_id
    from gitops_schema.render.flux_source import source_key as source_key
    from gitops_schema.render.flux_source import source_keyed as source_keyed
    from gitops_schema.render.inputs import Inputs as Inputs
    from gitops_schema.render.inputs import collect_inputs as collect_inputs
    from gitops_schema.render.inputs import inputs_read_once as inputs_read_once
    from gitops_schema.render.kustomize import RenderResult as RenderResult
    from gitops_schema.render.kustomize import build_kustomization as build_kustomization
    from gitops_schema.render.kustomize import build_kustomizations as build_kustomizations
    from gitops_schema.render.kustomize import prebuild_kustomizations as prebuild_kustomizations
    from gitops_schema.render.parallel import in_parallel as in_parallel
    from gitops_schema.render.revision import Revision as Revision
    from gitops_schema.render.revision import materialized as materialized
    from gitops_schema.render.runner import Runner as Runner
    from gitops_schema.render.runner import SubprocessRunner as SubprocessRunner
    from gitops_schema.render.scratch import scratch_folder as scratch_folder

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        ".argocd": (
            "apply_destination_namespace",
            "kustomize_folders",
            "render_application",
        ),
        ".argocd_kustomize": ("kustomize_build_options",),
        ".artifacts": (
            "ClusterArtifacts",
            "generators_beside",
            "is_generator",
        ),
        ".bounds": (
            "DEFAULT_TIMEOUT",
            "Bounds",
            "bounded",
        ),
        ".cache": (
            "RenderCache",
            "default_cache_dir",
            "sweep_once",
            "text_key",
            "tree_digest",
        ),
        ".cache_snapshot": ("Snapshot",),
        ".confine": ("Confinement",),
        ".engine_workers": ("prestart_worker",),
        ".engines": (
            "HelmEngine",
            "KustomizeEngine",
            "KustomizeOptions",
            "find_kustomize",
        ),
        ".envsubst": (
            "SubstitutionError",
            "envsubst",
        ),
        ".flux": (
            "FluxOptions",
            "render_flux_kustomization",
            "render_flux_kustomizations",
        ),
        ".flux_helm": (
            "release_name",
            "render_helm_release",
        ),
        ".flux_source": (
            "source_id",
            "source_key",
            "source_keyed",
        ),
        ".inputs": (
            "Inputs",
            "collect_inputs",
            "inputs_read_once",
        ),
        ".kustomize": (
            "RenderResult",
            "build_kustomization",
            "build_kustomizations",
            "prebuild_kustomizations",
        ),
        ".parallel": ("in_parallel",),
        ".revision": ("Revision", "materialized"),
        ".runner": (
            "Runner",
            "SubprocessRunner",
        ),
        ".scratch": ("scratch_folder",),
    },
)
