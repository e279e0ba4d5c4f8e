"""kustomize builds through the real engine, cached by content and run in parallel."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitops_schema.diagnostics import Report, Severity
from gitops_schema.errors import ToolFailed
from gitops_schema.load.plain import InputError, first_yaml_value, read_text
from gitops_schema.location import Location
from gitops_schema.render.batch import SharedBuild, run_shared
from gitops_schema.render.cache import RenderCache
from gitops_schema.render.confine import Confinement
from gitops_schema.render.engines import KustomizeEngine, KustomizeOptions, find_kustomize
from gitops_schema.render.inputs import collect_inputs, kustomization_file
from gitops_schema.render.manifests import dump_stream, parse_stream
from gitops_schema.render.openapi import builtin_schema_needed
from gitops_schema.render.parallel import in_parallel, max_workers

__all__ = [
    "RenderResult",
    "build_kustomization",
    "build_kustomizations",
    "prebuild_kustomizations",
    "report_outside",
    "report_remote",
]


@dataclass(slots=True)
class RenderResult:
    """What a render produced: the objects, the engine's exact text, and the diagnostics."""

    manifests: list[dict[str, Any]] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    engine_text: str | None = None
    """The YAML stream exactly as kustomize printed it, for a plain kustomize build."""
    cached: bool = False
    """True when the output came from the cache instead of the engine."""

    @property
    def text(self) -> str:
        """The YAML stream: kustomize's own text, else the objects dumped with sorted keys.

        Only a plain kustomize build has an engine text; Flux, Helm and Argo CD results
        are objects changed after the engine ran, dumped when asked for.
        """
        if self.engine_text is not None:
            return self.engine_text
        return dump_stream(self.manifests)


def report_remote(report: Report, urls: Sequence[str], where: Location) -> None:
    """A ``render-remote-resource`` error for each remote resource, which is not fetched."""
    for url in dict.fromkeys(urls):
        report.emit(
            "render-remote-resource",
            Severity.ERROR,
            f"remote resource {url} is not fetched offline (allow the network to build it)",
            where,
        )


def report_outside(report: Report, outside: Sequence[str], where: Location) -> None:
    """A ``render-outside-repository`` error for each path of a build that leaves it."""
    for sentence in dict.fromkeys(outside):
        report.emit("render-outside-repository", Severity.ERROR, f"{sentence}: not read", where)


def build_kustomization(
    path: Path,
    *,
    options: KustomizeOptions | None = None,
    engine: KustomizeEngine | None = None,
    cache: RenderCache | None = None,
    location: Location | None = None,
    confinement: Confinement | None = None,
) -> RenderResult:
    """Build the kustomization folder ``path`` as ``kubectl kustomize`` does.

    Args:
        path: a folder with a kustomization file.
        options: build options; the defaults are kustomize's.
        engine: the kustomize to run; found with :func:`find_kustomize` when omitted.
        cache: where outputs are stored by input hash; no caching when omitted.
        location: where to pin diagnostics; the kustomization file when omitted.
        confinement: the repository the build may read (when omitted, the git work tree
            ``path`` is in, or ``path`` itself): a build naming anything outside it is
            refused before kustomize runs, whatever the load restrictor of ``options``.

    Returns:
        The objects and the exact output, or an error diagnostic (``render-kustomize-failed``
        with kustomize's message, ``render-remote-resource`` naming a URL that is not
        fetched offline, ``render-outside-repository`` naming a path that leaves the
        repository).

    Raises:
        ToolNotFound: no kustomize engine is installed.
    """
    options = options or KustomizeOptions()
    file = kustomization_file(path)
    where = location or Location(str(file or path))
    result = RenderResult()
    if file is None:
        result.report.emit(
            "render-kustomize-failed",
            Severity.ERROR,
            f"no kustomization.yaml, kustomization.yml or Kustomization in {path}",
            where,
        )
        return result
    inputs = collect_inputs(path, confinement=confinement)
    if inputs.outside:
        report_outside(result.report, inputs.outside, where)
        return result
    if inputs.remote and not options.allow_network:
        report_remote(result.report, inputs.remote, where)
        return result
    engine = engine or find_kustomize()
    # Remote content is not hashed, so a build that fetches it is never cached.
    key = None
    if cache is not None and not inputs.remote:
        key = inputs.key(engine.version, *options.key())
        entry = cache.get(key, text=str, manifests=list)
        if entry is not None:
            return RenderResult(entry["manifests"], Report(), entry["text"], cached=True)
    try:
        text = engine.build(path, options)
    except ToolFailed as error:
        result.report.emit("render-kustomize-failed", Severity.ERROR, error.message, where)
        return result
    result.engine_text = text
    result.manifests = parse_stream(text)
    if key is not None and cache is not None:
        cache.put(key, {"text": text, "manifests": result.manifests})
    return result


def build_kustomizations(
    paths: Sequence[Path],
    *,
    options: KustomizeOptions | None = None,
    engine: KustomizeEngine | None = None,
    cache: RenderCache | None = None,
    workers: int | None = None,
    confinement: Confinement | None = None,
) -> list[RenderResult]:
    """Build many kustomization folders in parallel; results in the order of ``paths``.

    ``confinement`` is the repository every build may read (each folder alone when None).

    Raises:
        ToolNotFound: no kustomize engine is installed.
    """
    engine = engine or find_kustomize()
    return in_parallel(
        lambda path: build_kustomization(
            path, options=options, engine=engine, cache=cache, confinement=confinement
        ),
        paths,
        workers=workers,
    )


_ROOT_ONLY = ("sortOptions", "buildMetadata", "openapi", "helmCharts", "helmGlobals")
"""What a folder may not set to share a run: fields only a root's count, and Helm charts
(which ``kubectl kustomize`` builds only when asked to)."""


def prebuild_kustomizations(
    builds: Sequence[tuple[Path, Confinement]],
    *,
    cache: RenderCache,
    engine: KustomizeEngine | None = None,
) -> int:
    """Build ahead, in shared kustomize runs, folders :func:`build_kustomization` will build.

    Each output is stored in ``cache`` under the key :func:`build_kustomization` looks up,
    exactly as kustomize prints it for the folder alone. ``builds`` are folders, each with
    the repository it may read. Folders cached already, or that cannot share a run (a
    file outside their folder or their repository, a missing or remote input, fields
    only a root may set, rules kustomize applies run-wide), are left to
    :func:`build_kustomization`, as are builds that fail.

    Returns:
        How many outputs were stored.

    Raises:
        ToolNotFound: no kustomize engine is installed.
    """
    engine = engine or find_kustomize()
    shared: list[SharedBuild] = []
    keys: list[str] = []
    empty_schema: list[bool] = []
    for folder, confinement in dict.fromkeys((path.resolve(), c) for path, c in builds):
        file = kustomization_file(folder)
        inputs = collect_inputs(folder, confinement=confinement)
        if (
            file is None
            or inputs.remote
            or inputs.missing
            or inputs.escapes
            or inputs.run_wide
            or inputs.outside
        ):
            continue
        key = inputs.key(engine.version, *KustomizeOptions().flags())
        if cache.get(key, text=str, manifests=list) is not None:
            continue
        try:
            text = read_text(file)
            spec = first_yaml_value(text, str(file))
        except InputError:
            continue
        if not isinstance(spec, dict) or any(name in spec for name in _ROOT_ONLY):
            continue
        root = Path(os.path.commonpath([folder, *inputs.files]))
        shared.append(SharedBuild(root, folder, text))
        keys.append(key)
        empty_schema.append(not builtin_schema_needed(spec, folder))
    if len(shared) < 2:
        return 0
    texts = run_shared(
        shared,
        engine,
        empty_schema=empty_schema,
        clashes=[set() for _ in shared],
        workers=max_workers(),
    )
    stored = 0
    for key, output in zip(keys, texts, strict=True):
        if output is not None:
            cache.put(key, {"text": output, "manifests": parse_stream(output)})
            stored += 1
    return stored
