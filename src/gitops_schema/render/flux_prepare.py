"""A Flux Kustomization made ready for its build: source, folder, generated file, keys.

Preparation reads the Kustomization's source folder, writes (in memory) the kustomization
file Flux would generate (:mod:`.fluxgen`), collects the inputs that key its cache
entries, and resolves its post-build variables; a Kustomization whose finished objects are
cached, or that fails before kustomize runs, comes out finished instead.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gitops_schema.diagnostics import Report, Severity
from gitops_schema.location import Location
from gitops_schema.model import GitOpsObject
from gitops_schema.model.flux_kustomize import Kustomization, KustomizationSpec
from gitops_schema.model.identity import ObjectId
from gitops_schema.render.cache import RenderCache, text_key
from gitops_schema.render.confine import Confinement, OutsideRepository, root_hint
from gitops_schema.render.engines import KustomizeEngine
from gitops_schema.render.flux_postbuild import variables as post_build_variables
from gitops_schema.render.flux_source import source_id, source_key, source_path, source_root
from gitops_schema.render.fluxgen import FluxBuildError, flux_kustomization
from gitops_schema.render.inputs import Inputs, collect_inputs
from gitops_schema.render.kustomize import RenderResult, report_outside, report_remote

__all__ = ["FluxJob", "FluxOptions", "prepare"]

_ROOT_ONLY = ("sortOptions", "buildMetadata", "openapi")
"""Fields kustomize reads from the root kustomization only: a build setting one runs alone."""


@dataclass(frozen=True, slots=True)
class FluxOptions:
    """How Flux objects are rendered."""

    strict: bool = True
    """Fail on a ``${var}`` with no value and no default, as kustomize-controller does by
    default since Flux 2.9 (``flux build`` does not)."""
    allow_network: bool = False
    """Let kustomize fetch remote resources (``https://``, ``github.com/...``) instead of
    naming each one in a diagnostic."""
    allow_outside: tuple[Path, ...] = ()
    """Folders outside the source that a build may still read (``--allow-outside``)."""
    foreign: frozenset[ObjectId] = frozenset()
    """GitRepositories known to be other repositories (their URL is not the rendered
    repository's): not read from it, whatever their path."""


@dataclass(slots=True)
class FluxJob:
    """A Kustomization between preparation and the end of its build."""

    kustomization: GitOpsObject
    model: Kustomization
    namespace: str
    root: Path
    folder: Path
    generated: dict[str, Any]
    content: str
    """The kustomization file Flux would write, as YAML."""
    build_key: str | None
    shareable: bool
    """May share a kustomize run: sets nothing only a root may set, reads no missing or
    remote file (a failure is then told by a run of its own)."""
    variables: dict[str, str] | None
    variables_report: Report
    """What finding the variables said: reported only once the build has succeeded."""
    run_substitution: bool
    post_key: str | None
    result: RenderResult


@dataclass(frozen=True, slots=True)
class _Settings:
    """What every Kustomization of one render call is prepared with."""

    repository: Path
    sources: Mapping[ObjectId, Path]
    objects: Sequence[Mapping[str, Any]]
    options: FluxOptions
    engine: KustomizeEngine
    cache: RenderCache | None
    components: dict[Path, Inputs]
    """Inputs of the components read so far: many Kustomizations add the same ones."""


def prepare(
    kustomization: GitOpsObject,
    repository: Path,
    sources: Mapping[ObjectId, Path],
    objects: Sequence[Mapping[str, Any]],
    options: FluxOptions,
    engine: KustomizeEngine,
    cache: RenderCache | None,
    components: dict[Path, Inputs],
) -> FluxJob | RenderResult:
    """A job to build, or the finished result (from the cache, or a failure before kustomize)."""
    settings = _Settings(repository, sources, objects, options, engine, cache, components)
    result = RenderResult()
    where = kustomization.location
    model = kustomization.model
    if not isinstance(model, Kustomization):
        result.report.emit(
            "render-flux-invalid", Severity.ERROR, "not a valid Flux Kustomization", where
        )
        return result
    namespace = kustomization.namespace or "default"
    located = _locate(model.spec, namespace, settings, result.report, where)
    if located is None:
        return result
    root, folder = located
    try:
        generated = flux_kustomization(folder, model.spec)
    except FluxBuildError as error:
        result.report.emit("render-flux-build-failed", Severity.ERROR, str(error), where)
        return result
    content = yaml.dump(generated, Dumper=yaml.CSafeDumper, sort_keys=False)
    inputs = _inputs(root, folder, generated, settings, result.report, where)
    if inputs is None:
        return result
    job = _job(kustomization, model, namespace, located, generated, content, inputs, settings)
    job.result = result
    if job.post_key is not None and cache is not None:
        entry = cache.get(job.post_key, manifests=list)
        if entry is not None:
            result.manifests = list(entry["manifests"])
            return result
    return job


def _locate(
    spec: KustomizationSpec,
    namespace: str,
    settings: _Settings,
    report: Report,
    where: Location,
) -> tuple[Path, Path] | None:
    """The source's root and the folder built; None once a diagnostic says why not."""
    root = source_root(
        spec.source_ref,
        namespace,
        settings.repository,
        settings.sources,
        report,
        where,
        settings.options.foreign,
    )
    if root is None:
        return None
    try:
        # The folder built is one of the source (it is built in a copy of the source); what
        # it names may be in a trusted folder.
        folder = source_path(
            Confinement(Confinement.of(root, settings.options.allow_outside).root), spec.path or ""
        )
    except OutsideRepository as error:
        report.emit(
            "render-outside-repository", Severity.ERROR, f"spec.path {error}: not read", where
        )
        return None
    if not folder.is_dir():
        ref = spec.source_ref
        source = source_id(ref.kind, ref.namespace or namespace, ref.name)
        key = source_key(source)
        hint = (
            f"; if {key} is another repository, give its folder: --repo {key}=DIR, "
            f"or another branch of this one: --repo {key}=@BRANCH"
            if source not in settings.sources
            else ""
        )
        # A source mapped with --repo is named by its folder; otherwise it is the repository.
        shown = str(root) if source in settings.sources else "the repository"
        if source not in settings.sources:
            hint = root_hint(root, spec.path or "") or hint
        report.emit(
            "render-flux-path-not-found",
            Severity.ERROR,
            f"kustomization path not found: {spec.path} (in {shown}){hint}",
            where,
        )
        return None
    return root, folder


def _inputs(
    root: Path,
    folder: Path,
    generated: dict[str, Any],
    settings: _Settings,
    report: Report,
    where: Location,
) -> Inputs | None:
    """What the build reads; None once a diagnostic says it reads outside or remote files."""
    confinement = Confinement.of(root, settings.options.allow_outside)
    inputs = collect_inputs(
        folder, generated.get("components", []), settings.components, confinement=confinement
    )
    if inputs.outside:
        report_outside(report, inputs.outside, where)
        return None
    if inputs.remote and not settings.options.allow_network:
        report_remote(report, inputs.remote, where)
        return None
    return inputs


def _job(
    kustomization: GitOpsObject,
    model: Kustomization,
    namespace: str,
    located: tuple[Path, Path],
    generated: dict[str, Any],
    content: str,
    inputs: Inputs,
    settings: _Settings,
) -> FluxJob:
    """The job of a located, generated Kustomization: its cache keys and variables."""
    root, folder = located
    # Remote content is not hashed, so a build that fetches it is never cached.
    cached = settings.cache is not None and not inputs.remote
    # Where the folder is counts too: a failure's message names it, and two folders of one
    # content must not share a message naming the first.
    where = os.path.relpath(folder.resolve(), root.resolve())
    build_key = inputs.key("flux", settings.engine.version, content, where) if cached else None
    shareable = not (
        inputs.missing
        or inputs.remote
        or inputs.run_wide
        or any(f in generated for f in _ROOT_ONLY)
    )
    variables_report = Report()
    variables = post_build_variables(
        model.spec, namespace, settings.objects, variables_report, kustomization.location
    )
    post_build = model.spec.post_build
    run_substitution = (
        variables is not None
        and post_build is not None
        and (bool(variables) or post_build.substitute_strategy == "Always")
    )
    job = FluxJob(
        kustomization,
        model,
        namespace,
        root,
        folder,
        generated,
        content,
        build_key,
        shareable,
        variables,
        variables_report,
        run_substitution,
        None,
        RenderResult(),
    )
    if settings.cache is not None and build_key is not None and variables is not None:
        job.post_key = _post_key(job, build_key, settings.options)
    return job


def _post_key(job: FluxJob, build_key: str, options: FluxOptions) -> str:
    """The key of the finished objects: a pure function of the build's inputs and these.

    One entry holds them, and a warm render neither builds nor substitutes again.
    """
    common = job.model.spec.common_metadata
    finishing = {
        "variables": dict(job.variables or {}) if job.run_substitution else None,
        "strict": options.strict,
        "name": job.kustomization.name,
        "namespace": job.namespace,
        "commonMetadata": common.model_dump(mode="json") if common is not None else None,
    }
    return text_key("flux-post-build", build_key, json.dumps(finishing, sort_keys=True))
