"""The kustomize builds of prepared Flux Kustomizations: shared runs, the rest alone.

Each build is the Kustomization's folder mirrored with the kustomization file Flux would
write; builds that may share a kustomize run share one (:mod:`.batch`), the others run on
a thread per core. A failure is cached like an output: it is as reproducible.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

import yaml

from gitops_schema.errors import ToolFailed
from gitops_schema.load.files import folder_prefix
from gitops_schema.render.batch import SharedBuild, run_shared
from gitops_schema.render.cache import RenderCache
from gitops_schema.render.engines import KustomizeEngine, KustomizeOptions
from gitops_schema.render.flux_prepare import FluxJob
from gitops_schema.render.mirror import mirror as mirror_tree
from gitops_schema.render.openapi import EMPTY_SCHEMA, builtin_schema_needed
from gitops_schema.render.parallel import in_parallel, max_workers
from gitops_schema.render.scratch import scratch_folder

__all__ = ["BUILT", "build_all"]

BUILT = "built"
"""The cache entry's field saying that a build succeeded (when its output is not kept)."""

_OPTIONS = KustomizeOptions(load_restrictor="LoadRestrictionsNone")
_ROOT_MARK = "\x00root\x00"
"""Where a cached build failure named the repository's root."""


def build_all(
    jobs: Sequence[FluxJob], engine: KustomizeEngine, cache: RenderCache | None
) -> list[str | ToolFailed]:
    """Every job's kustomize output (or failure), on a thread per core.

    Builds share runs where they can (:mod:`.batch`); the rest run alone.
    """
    outcomes = _known_outcomes(jobs, cache)
    outcomes.update(_shared(jobs, engine, outcomes))

    def build_alone(index: int) -> str | ToolFailed:
        job = jobs[index]
        try:
            return _build(
                job.root, job.folder, job.generated, job.content, engine, cache, job.build_key
            )
        except ToolFailed as error:
            return error

    alone = [i for i in range(len(jobs)) if i not in outcomes]
    outcomes.update(zip(alone, in_parallel(build_alone, alone), strict=True))
    return [outcomes[index] for index in range(len(jobs))]


def _known_outcomes(
    jobs: Sequence[FluxJob], cache: RenderCache | None
) -> dict[int, str | ToolFailed]:
    """The jobs whose build outcome is known from before, with the same inputs.

    A failure, again; or, for a job whose post-build variables are missing (its output
    would not be used: only the missing variables are reported), that its build succeeds.
    """
    outcomes: dict[int, str | ToolFailed] = {}
    for index, job in enumerate(jobs):
        if job.build_key is not None and cache is not None:
            entry = cache.get(job.build_key)
            if entry is None:
                continue
            if isinstance(entry.get("error"), str):
                # Outputs are cached finished (by the post-build step), failures here.
                outcomes[index] = ToolFailed(_told(str(entry["error"]), job.root))
            elif job.variables is None and entry.get(BUILT) is True:
                outcomes[index] = ""
    return outcomes


def _shared(
    jobs: Sequence[FluxJob], engine: KustomizeEngine, done: dict[int, str | ToolFailed]
) -> dict[int, str]:
    """The outputs of the shareable jobs not ``done`` that shared runs could give."""
    shareable = [i for i, job in enumerate(jobs) if i not in done and job.shareable]
    if len(shareable) < 2:
        return {}
    texts = run_shared(
        [SharedBuild(jobs[i].root, jobs[i].folder, jobs[i].content) for i in shareable],
        engine,
        empty_schema=[
            not builtin_schema_needed(jobs[i].generated, jobs[i].folder) for i in shareable
        ],
        clashes=[_clashes(jobs[i]) for i in shareable],
        workers=max_workers(),
    )
    return {i: text for i, text in zip(shareable, texts, strict=True) if text is not None}


def _clashes(job: FluxJob) -> set[Hashable]:
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
            # The mirror is gone once this returns: name the repository's own paths. Kept
            # without the root: the same build fails alike from another copy (a revision's
            # scratch tree), which must not be named by a later run.
            marked = error.message.replace(str(source), _ROOT_MARK)
            if key is not None and cache is not None:
                cache.put(key, {"error": marked})
            raise ToolFailed(_told(marked, root)) from error
    return text


def _told(marked: str, root: Path) -> str:
    """A build's message with its marked root told as ``root``.

    Files are named as every other message names them (:func:`folder_prefix`).
    """
    return marked.replace(f"{_ROOT_MARK}/", folder_prefix(str(root))).replace(_ROOT_MARK, str(root))
