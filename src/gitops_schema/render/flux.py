"""Flux Kustomizations rendered as kustomize-controller builds them, offline.

Three steps, each its module: preparation (:mod:`.flux_prepare`: the source folder, the
kustomization file Flux would write, the cache keys), the build (:mod:`.flux_build`: the
real kustomize on a mirror of the folder, builds sharing runs where they can), then the
post-build (:mod:`.flux_postbuild`: substitution, Flux's owner labels and
``commonMetadata``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from gitops_schema.diagnostics import Severity
from gitops_schema.errors import ToolFailed
from gitops_schema.load.plain import InputError
from gitops_schema.model import GitOpsObject
from gitops_schema.render.cache import RenderCache
from gitops_schema.render.engines import KustomizeEngine, find_kustomize
from gitops_schema.render.envsubst import SubstitutionError
from gitops_schema.render.flux_build import BUILT, build_all
from gitops_schema.render.flux_postbuild import finish, substitute
from gitops_schema.render.flux_prepare import FluxJob, FluxOptions, prepare
from gitops_schema.render.flux_source import SourceFolders, source_keyed
from gitops_schema.render.inputs import Inputs
from gitops_schema.render.kustomize import RenderResult
from gitops_schema.render.manifests import split_stream

__all__ = [
    "FluxOptions",
    "render_flux_kustomization",
    "render_flux_kustomizations",
    "substitute",
]


def render_flux_kustomization(
    kustomization: GitOpsObject,
    *,
    repository: Path,
    sources: SourceFolders | None = None,
    objects: Sequence[Mapping[str, Any]] = (),
    options: FluxOptions | None = None,
    engine: KustomizeEngine | None = None,
    cache: RenderCache | None = None,
) -> RenderResult:
    """Render a Flux Kustomization to the objects kustomize-controller would apply.

    Args:
        kustomization: a ``kustomize.toolkit.fluxcd.io`` Kustomization.
        repository: the repository being rendered; a GitRepository source is read from it.
        sources: local folders for other sources, keyed by identity or ``Kind/namespace/name``
            as in ``flux build --local-sources``; they take precedence over ``repository``.
        objects: ConfigMaps and Secrets that ``postBuild.substituteFrom`` may name.
        options: rendering options.
        engine: the kustomize to run; found with
            :func:`~gitops_schema.render.engines.find_kustomize` when omitted.
        cache: where kustomize outputs are stored by input hash; none when omitted.

    Returns:
        The objects, their YAML, and diagnostics (``render-flux-*``) for what cannot be
        rendered: an unsupported source, a missing path, a build or substitution failure.

    Raises:
        ToolNotFound: no kustomize engine is installed.
    """
    [result] = render_flux_kustomizations(
        [kustomization],
        repository=repository,
        sources=sources,
        objects=objects,
        options=options,
        engine=engine,
        cache=cache,
    )
    return result


def render_flux_kustomizations(
    kustomizations: Sequence[GitOpsObject],
    *,
    repository: Path,
    sources: SourceFolders | None = None,
    objects: Sequence[Mapping[str, Any]] = (),
    options: FluxOptions | None = None,
    engine: KustomizeEngine | None = None,
    cache: RenderCache | None = None,
) -> list[RenderResult]:
    """Render many Flux Kustomizations, as :func:`render_flux_kustomization` renders one.

    The builds run in parallel, one per core, and builds that can share a kustomize run
    share one (:mod:`.batch`): the results are the same as one by one, in the order given.

    Raises:
        ToolNotFound: no kustomize engine is installed.
    """
    options = options or FluxOptions()
    engine = engine or find_kustomize()
    results: list[RenderResult] = []
    jobs: list[FluxJob] = []
    # Many Kustomizations add the same components: each is read once per call.
    components: dict[Path, Inputs] = {}
    folders = source_keyed(sources or {})
    for kustomization in kustomizations:
        prepared = prepare(
            kustomization, repository, folders, objects, options, engine, cache, components
        )
        results.append(prepared if isinstance(prepared, RenderResult) else prepared.result)
        if isinstance(prepared, FluxJob):
            jobs.append(prepared)
    for job, outcome in zip(jobs, build_all(jobs, engine, cache), strict=True):
        _complete(job, outcome, options, cache)
    return results


def _complete(
    job: FluxJob, outcome: str | ToolFailed, options: FluxOptions, cache: RenderCache | None
) -> None:
    """Substitution, Flux's labels and the cache entry of a built job (or its failure)."""
    result, where = job.result, job.kustomization.location
    if isinstance(outcome, ToolFailed):
        result.report.emit("render-flux-build-failed", Severity.ERROR, outcome.message, where)
        return
    result.report.extend(job.variables_report)
    if job.variables is None:
        if job.build_key is not None and cache is not None and outcome:
            # Until the variables appear only that the build succeeds matters: no rebuild.
            cache.put(job.build_key, {BUILT: True})
        return
    rendered: list[dict[str, Any]] = []
    for document in split_stream(outcome):
        try:
            obj = substitute(
                document, job.variables, strict=options.strict, enabled=job.run_substitution
            )
        except (SubstitutionError, InputError) as error:
            result.report.emit("render-flux-substitution-failed", Severity.ERROR, str(error), where)
            continue
        if obj is None:
            continue
        finish(obj, job.model, job.kustomization.name, job.namespace)
        rendered.append(obj)
    result.manifests = rendered
    if job.post_key is not None and cache is not None and result.report.ok:
        cache.put(job.post_key, {"manifests": rendered})
