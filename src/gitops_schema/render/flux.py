"""Flux Kustomizations rendered as kustomize-controller builds them, offline.

The folder ``spec.path`` of the source is mirrored into a temporary tree (symlinks to the
real files, beside a copy of its ancestors' entries so ``../`` still resolves) with the
kustomization file Flux would write (:mod:`.fluxgen`); the real kustomize builds it; then
each object gets post-build substitution (:mod:`.envsubst`), Flux's owner labels and
``commonMetadata``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gitops_schema.diagnostics import Report, Severity
from gitops_schema.errors import ToolFailed
from gitops_schema.load.plain import InputError
from gitops_schema.location import Location
from gitops_schema.model import GitOpsObject
from gitops_schema.model.flux_kustomize import Kustomization, KustomizationSpec
from gitops_schema.render.batch import SharedBuild, run_shared
from gitops_schema.render.cache import RenderCache, text_key
from gitops_schema.render.confine import Confinement, OutsideRepository
from gitops_schema.render.engines import KustomizeEngine, KustomizeOptions, find_kustomize
from gitops_schema.render.envsubst import SubstitutionError, envsubst
from gitops_schema.render.fluxgen import FluxBuildError, flux_kustomization
from gitops_schema.render.inputs import Inputs, collect_inputs
from gitops_schema.render.kustomize import (
    RenderResult,
    max_workers,
    report_outside,
    report_remote,
)
from gitops_schema.render.manifests import (
    find_object,
    object_data,
    parse_stream,
    split_stream,
)
from gitops_schema.render.mirror import mirror as mirror_tree
from gitops_schema.render.openapi import EMPTY_SCHEMA, builtin_schema_needed
from gitops_schema.render.scratch import scratch_folder

__all__ = [
    "FluxOptions",
    "render_flux_kustomization",
    "render_flux_kustomizations",
    "source_path",
    "substitute",
]

NAME_LABEL = "kustomize.toolkit.fluxcd.io/name"
NAMESPACE_LABEL = "kustomize.toolkit.fluxcd.io/namespace"
SUBSTITUTE_KEY = "kustomize.toolkit.fluxcd.io/substitute"

_VARIABLE_NAME = re.compile(r"^[_a-zA-Z][_a-zA-Z0-9]*$")
_OPTIONS = KustomizeOptions(load_restrictor="LoadRestrictionsNone")


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


def render_flux_kustomization(
    kustomization: GitOpsObject,
    *,
    repository: Path,
    sources: Mapping[str, Path] | None = None,
    objects: Sequence[Mapping[str, Any]] = (),
    options: FluxOptions | None = None,
    engine: KustomizeEngine | None = None,
    cache: RenderCache | None = None,
) -> RenderResult:
    """Render a Flux Kustomization to the objects kustomize-controller would apply.

    Args:
        kustomization: a ``kustomize.toolkit.fluxcd.io`` Kustomization.
        repository: the repository being rendered; a GitRepository source is read from it.
        sources: local folders for other sources, keyed ``Kind/namespace/name`` as in
            ``flux build --local-sources``; they take precedence over ``repository``.
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
    sources: Mapping[str, Path] | None = None,
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
    jobs: list[_Job] = []
    # Many Kustomizations add the same components: each is read once per call.
    components: dict[Path, Inputs] = {}
    for kustomization in kustomizations:
        prepared = _prepare(
            kustomization, repository, sources or {}, objects, options, engine, cache, components
        )
        results.append(prepared if isinstance(prepared, RenderResult) else prepared.result)
        if isinstance(prepared, _Job):
            jobs.append(prepared)
    for job, outcome in zip(jobs, _build_all(jobs, engine, cache), strict=True):
        _complete(job, outcome, options, cache)
    return results


@dataclass(slots=True)
class _Job:
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


def _prepare(
    kustomization: GitOpsObject,
    repository: Path,
    sources: Mapping[str, Path],
    objects: Sequence[Mapping[str, Any]],
    options: FluxOptions,
    engine: KustomizeEngine,
    cache: RenderCache | None,
    components: dict[Path, Inputs],
) -> _Job | RenderResult:
    """A job to build, or the finished result (from the cache, or a failure before kustomize)."""
    result = RenderResult()
    where = kustomization.location
    model = kustomization.model
    if not isinstance(model, Kustomization):
        result.report.emit(
            "render-flux-invalid", Severity.ERROR, "not a valid Flux Kustomization", where
        )
        return result
    namespace = kustomization.namespace or "default"
    root = _source_root(model.spec, namespace, repository, sources, result.report, where)
    if root is None:
        return result
    confinement = Confinement.of(root, options.allow_outside)
    try:
        # The folder built is one of the source (it is built in a copy of the source); what
        # it names may be in a trusted folder.
        folder = source_path(Confinement(confinement.root), model.spec.path or "")
    except OutsideRepository as error:
        result.report.emit(
            "render-outside-repository", Severity.ERROR, f"spec.path {error}: not read", where
        )
        return result
    if not folder.is_dir():
        ref = model.spec.source_ref
        key = f"{ref.kind}/{ref.namespace or namespace}/{ref.name}"
        hint = (
            f"; if {key} is another repository, give its folder: --repo {key}=DIR, "
            f"or another branch of this one: --repo {key}=@BRANCH"
            if key not in sources
            else ""
        )
        result.report.emit(
            "render-flux-path-not-found",
            Severity.ERROR,
            f"kustomization path not found: {model.spec.path} (in {root}){hint}",
            where,
        )
        return result
    try:
        generated = flux_kustomization(folder, model.spec)
    except FluxBuildError as error:
        result.report.emit("render-flux-build-failed", Severity.ERROR, str(error), where)
        return result
    content = yaml.dump(generated, Dumper=yaml.CSafeDumper, sort_keys=False)
    inputs = collect_inputs(
        folder, generated.get("components", []), components, confinement=confinement
    )
    if inputs.outside:
        report_outside(result.report, inputs.outside, where)
        return result
    if inputs.remote and not options.allow_network:
        report_remote(result.report, inputs.remote, where)
        return result
    # Remote content is not hashed, so a build that fetches it is never cached.
    cached = cache is not None and not inputs.remote
    build_key = inputs.key("flux", engine.version, content) if cached else None
    shareable = not (
        inputs.missing
        or inputs.remote
        or inputs.run_wide
        or any(f in generated for f in _ROOT_ONLY)
    )
    variables_report = Report()
    variables = _variables(model.spec, namespace, objects, variables_report, where)
    post_build = model.spec.post_build
    run_substitution = (
        variables is not None
        and post_build is not None
        and (bool(variables) or post_build.substitute_strategy == "Always")
    )
    post_key = None
    if cache is not None and build_key is not None and variables is not None:
        # The finished objects are a pure function of the build's inputs and these: one
        # entry holds them, and a warm render neither builds nor substitutes again.
        finishing = {
            "variables": dict(variables) if run_substitution else None,
            "strict": options.strict,
            "name": kustomization.name,
            "namespace": namespace,
            "commonMetadata": model.spec.common_metadata.model_dump(mode="json")
            if model.spec.common_metadata is not None
            else None,
        }
        post_key = text_key("flux-post-build", build_key, json.dumps(finishing, sort_keys=True))
        entry = cache.get(post_key, manifests=list)
        if entry is not None:
            result.manifests = list(entry["manifests"])
            return result
    return _Job(
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
        post_key,
        result,
    )


def _complete(
    job: _Job, outcome: str | ToolFailed, options: FluxOptions, cache: RenderCache | None
) -> None:
    """Substitution, Flux's labels and the cache entry of a built job (or its failure)."""
    result, where = job.result, job.kustomization.location
    if isinstance(outcome, ToolFailed):
        result.report.emit("render-flux-build-failed", Severity.ERROR, outcome.message, where)
        return
    result.report.extend(job.variables_report)
    if job.variables is None:
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
        _finish(obj, job.model, job.kustomization.name, job.namespace)
        rendered.append(obj)
    result.manifests = rendered
    if job.post_key is not None and cache is not None and result.report.ok:
        cache.put(job.post_key, {"manifests": rendered})


def substitute(
    document: str, variables: Mapping[str, str], *, strict: bool, enabled: bool = True
) -> dict[str, Any] | None:
    """One object after Flux's post-build substitution (None for an empty document).

    Objects labelled or annotated ``kustomize.toolkit.fluxcd.io/substitute: disabled`` are
    left as they are.

    Raises:
        SubstitutionError: a malformed expression, or an unset variable in strict mode.
        InputError: the substituted text is no longer YAML (or is an alias bomb).
    """
    # Most documents never mention the opt-out key: they are parsed once, substituted.
    if not enabled or SUBSTITUTE_KEY in document:
        objects = parse_stream(document, "kustomize build output")
        if not objects:
            return None
        obj = objects[0]
        metadata = obj.get("metadata") or {}
        marks = {**(metadata.get("labels") or {}), **(metadata.get("annotations") or {})}
        if not enabled or marks.get(SUBSTITUTE_KEY) == "disabled":
            return obj
    substituted = parse_stream(envsubst(document, variables, strict=strict), "post-build output")
    return substituted[0] if substituted else None


def _source_root(
    spec: KustomizationSpec,
    namespace: str,
    repository: Path,
    sources: Mapping[str, Path],
    report: Report,
    where: Location,
) -> Path | None:
    ref = spec.source_ref
    key = f"{ref.kind}/{ref.namespace or namespace}/{ref.name}"
    if key in sources:
        return sources[key]
    if ref.kind == "GitRepository":
        return repository
    made_by = (
        " (an ArtifactGenerator's output, which no ArtifactGenerator of the cluster made offline)"
        if ref.kind == "ExternalArtifact"
        else ""
    )
    report.emit(
        "render-flux-source-unsupported",
        Severity.ERROR,
        f"source {key}{made_by} is not available offline: only GitRepository sources are "
        f"read from the repository; map it to a folder with --repo {key}=DIR",
        where,
    )
    return None


def source_path(confinement: Confinement, path: str) -> Path:
    """A path of a Flux source, as Flux joins it to the artifact: from its root, inside it.

    An absolute path is read from the root of the artifact (Flux's ``SecureJoin``); one
    that climbs above the root, or reaches outside through a symlink, is refused.

    Raises:
        OutsideRepository: the path leaves the source.
    """
    return confinement.resolve(path or ".", absolute="root")


_ROOT_MARK = "\x00root\x00"
"""Where a cached build failure named the repository's root."""

_ROOT_ONLY = ("sortOptions", "buildMetadata", "openapi")
"""Fields kustomize reads from the root kustomization only: a build setting one runs alone."""


def _build_all(
    jobs: Sequence[_Job], engine: KustomizeEngine, cache: RenderCache | None
) -> list[str | ToolFailed]:
    """Every job's kustomize output (or failure), on a thread per core.

    Builds share runs where they can (:mod:`.batch`); the rest run alone.
    """
    outcomes: dict[int, str | ToolFailed] = {}
    for index, job in enumerate(jobs):
        if job.build_key is not None and cache is not None:
            entry = cache.get(job.build_key, error=str)
            if entry is not None:
                # A failure is as reproducible as an output while the inputs stay as they
                # are: it is cached too (outputs are cached finished, by _complete).
                message = str(entry["error"]).replace(_ROOT_MARK, str(job.root))
                outcomes[index] = ToolFailed(message)
    shareable = [i for i, job in enumerate(jobs) if i not in outcomes and job.shareable]
    if len(shareable) > 1:
        texts = run_shared(
            [SharedBuild(jobs[i].root, jobs[i].folder, jobs[i].content) for i in shareable],
            engine,
            empty_schema=[
                not builtin_schema_needed(jobs[i].generated, jobs[i].folder) for i in shareable
            ],
            clashes=[_clashes(jobs[i]) for i in shareable],
            workers=max_workers(),
        )
        outcomes.update(
            (i, text) for i, text in zip(shareable, texts, strict=True) if text is not None
        )

    def build_alone(index: int) -> str | ToolFailed:
        job = jobs[index]
        try:
            return _build(
                job.root, job.folder, job.generated, job.content, engine, cache, job.build_key
            )
        except ToolFailed as error:
            return error

    alone = [i for i in range(len(jobs)) if i not in outcomes]
    with ThreadPoolExecutor(max_workers=max_workers()) as pool:
        outcomes.update(zip(alone, pool.map(build_alone, alone), strict=True))
    return [outcomes[index] for index in range(len(jobs))]


def _clashes(job: _Job) -> set[Hashable]:
    """What two builds of one shared run must not have in common.

    Builds of the same component into the same namespace make objects of the same id
    before substitution (``${APP}``-named), which a shared run refuses.
    """
    namespace = job.model.spec.target_namespace or ""
    return {
        (namespace, (job.folder / component).resolve())
        for component in job.generated.get("components", [])
        if isinstance(component, str)
    }


def _build(
    root: Path,
    folder: Path,
    generated: dict[str, Any],
    content: str,
    engine: KustomizeEngine,
    cache: RenderCache | None,
    key: str | None,
) -> str:
    with scratch_folder("gitops-schema-flux-") as temporary:
        source = temporary / "source"
        mirror = mirror_tree(root.resolve(), folder.resolve(), temporary)
        written = content
        if not builtin_schema_needed(generated, mirror):
            schema = temporary / "openapi.json"
            schema.write_text(EMPTY_SCHEMA, encoding="utf-8")
            written += yaml.dump({"openapi": {"path": str(schema)}}, Dumper=yaml.CSafeDumper)
        (mirror / "kustomization.yaml").write_text(written, encoding="utf-8")
        try:
            text = engine.build(mirror, _OPTIONS)
        except ToolFailed as error:
            # The mirror is gone once this returns: name the repository's own paths.
            message = error.message.replace(str(source), str(root))
            if key is not None and cache is not None:
                # Kept without the root: the same build fails alike from another copy (a
                # revision's scratch tree), which must not be named by a later run.
                cache.put(key, {"error": message.replace(str(root), _ROOT_MARK)})
            raise ToolFailed(message) from error
    return text


def _variables(
    spec: KustomizationSpec,
    namespace: str,
    objects: Sequence[Mapping[str, Any]],
    report: Report,
    where: Location,
) -> dict[str, str] | None:
    if spec.post_build is None:
        return {}
    variables: dict[str, str] = {}
    for ref in spec.post_build.substitute_from:
        found = find_object(objects, ref.kind, namespace, ref.name)
        if found is None:
            if not ref.optional:
                report.emit(
                    "render-flux-substitute-from-missing",
                    Severity.ERROR,
                    f"substituteFrom {ref.kind} {namespace}/{ref.name} not found",
                    where,
                )
                return None
            continue
        variables.update(object_data(found))
    variables.update(spec.post_build.substitute)
    for name in variables:
        if not _VARIABLE_NAME.match(name):
            report.emit(
                "render-flux-substitution-failed",
                Severity.ERROR,
                f"variable name {name!r} is not valid (letters, digits and _, not first digit)",
                where,
            )
            return None
    # Flux deletes newlines from values: a variable is always one line.
    return {name: value.replace("\n", "") for name, value in variables.items()}


def _finish(obj: dict[str, Any], model: Kustomization, name: str, namespace: str) -> None:
    metadata = obj.setdefault("metadata", {})
    labels = metadata.setdefault("labels", {})
    labels[NAME_LABEL] = name
    labels[NAMESPACE_LABEL] = namespace
    common = model.spec.common_metadata
    if common is None:
        return
    labels.update(common.labels)
    if common.annotations:
        metadata.setdefault("annotations", {}).update(common.annotations)
