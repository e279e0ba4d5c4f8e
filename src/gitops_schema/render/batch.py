"""Many kustomize builds in one kustomize run, split back exactly as separate runs print them.

A kustomize process spends some 35 ms starting before it reads a file, more than a small
build takes; a repository of small Flux Kustomizations spends most of a cold render
starting processes. So builds that can share a run share one: a root kustomization lists
each build's folder followed by a sentinel object, in first-in-first-out order, so each
build's objects come out together, and each build's objects are then put in kustomize's
legacy order, a total order on object ids, as a run of that build alone prints them.

Only two steps of a kustomize run cross its sub-builds, and both are guarded:

- Objects with the same id in two builds fail the run (kustomize refuses them): the
  caller then builds each alone.
- Name references are fixed once, over every object of the run: an object of one build
  could pick up a referred-to object of another. A build is kept from a shared run when
  it holds a kind that refers by name (kustomize's default ``nameReference`` table) to a
  kind another build of the run produced; it is then built alone.

Builds whose root sets what only a root may set (``sortOptions``, ``buildMetadata``,
``openapi``), or whose tree declares what kustomize applies to a whole run
(``configurations``, ``crds``, ``vars``), are not given to a shared run by the caller.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gitops_schema.errors import ToolFailed
from gitops_schema.model.identity import ObjectId, identity
from gitops_schema.render.engines import KustomizeEngine, KustomizeOptions
from gitops_schema.render.manifests import parse_stream, split_stream
from gitops_schema.render.mirror import mirror
from gitops_schema.render.openapi import EMPTY_SCHEMA
from gitops_schema.render.parallel import in_parallel
from gitops_schema.render.scratch import scratch_folder

__all__ = [
    "SharedBuild",
    "SharedRunFailed",
    "build_together",
    "legacy_order",
    "run_shared",
]

_OPTIONS = KustomizeOptions(load_restrictor="LoadRestrictionsNone")
_SENTINEL_NAMESPACE = "gitops-schema-batch"

# kustomize's default nameReference configuration: each kind that is referred to by name,
# and the kinds with fields that refer to it.
_REFERRED_BY: Mapping[str, frozenset[str]] = {
    "ClusterRole": frozenset({"ClusterRoleBinding", "RoleBinding"}),
    "ConfigMap": frozenset(
        {
            "ClusterRole",
            "CronJob",
            "DaemonSet",
            "Deployment",
            "Ingress",
            "Job",
            "Node",
            "Pod",
            "PodTemplate",
            "ReplicaSet",
            "Role",
            "StatefulSet",
        }
    ),
    "Deployment": frozenset({"HorizontalPodAutoscaler"}),
    "IngressClass": frozenset({"Ingress"}),
    "PersistentVolume": frozenset({"ClusterRole", "PersistentVolumeClaim"}),
    "PersistentVolumeClaim": frozenset(
        {"CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicationController", "StatefulSet"}
    ),
    "PriorityClass": frozenset(
        {"CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicationController", "StatefulSet"}
    ),
    "ReplicaSet": frozenset({"HorizontalPodAutoscaler"}),
    "ReplicationController": frozenset({"HorizontalPodAutoscaler"}),
    "Role": frozenset({"RoleBinding"}),
    "Secret": frozenset(
        {
            "ClusterRole",
            "CronJob",
            "DaemonSet",
            "Deployment",
            "Ingress",
            "Job",
            "PersistentVolume",
            "Pod",
            "PodTemplate",
            "ReplicaSet",
            "Role",
            "Service",
            "ServiceAccount",
            "StatefulSet",
            "StorageClass",
        }
    ),
    "Service": frozenset(
        {
            "APIService",
            "Ingress",
            "MutatingWebhookConfiguration",
            "StatefulSet",
            "ValidatingWebhookConfiguration",
        }
    ),
    "ServiceAccount": frozenset(
        {
            "ClusterRoleBinding",
            "CronJob",
            "DaemonSet",
            "Deployment",
            "Job",
            "Pod",
            "ReplicationController",
            "RoleBinding",
            "StatefulSet",
        }
    ),
    "StatefulSet": frozenset({"HorizontalPodAutoscaler"}),
    "StorageClass": frozenset({"PersistentVolume", "PersistentVolumeClaim", "StatefulSet"}),
    "ValidatingAdmissionPolicy": frozenset({"ValidatingAdmissionPolicyBinding"}),
}

# kustomize's legacy sort: these kinds first and last, in this order; the rest between.
_ORDER_FIRST = (
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
)
_ORDER_LAST = ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")
_RANK = {
    **{kind: index - len(_ORDER_FIRST) for index, kind in enumerate(_ORDER_FIRST)},
    **{kind: index + 1 for index, kind in enumerate(_ORDER_LAST)},
}


@dataclass(frozen=True, slots=True)
class SharedBuild:
    """One build for a shared run: its source tree, its folder, its kustomization file."""

    root: Path
    """The source root the build may read anything under (mirrored, not copied)."""
    folder: Path
    """The folder built, inside ``root``."""
    kustomization: str
    """The kustomization file written in the folder's place (without ``openapi``)."""


class SharedRunFailed(Exception):
    """A shared run failed: one of its builds fails, or two make an object of the same id."""

    culprit: int | None
    """The build kustomize was reading when it failed, when its message says."""

    def __init__(self, culprit: int | None) -> None:
        super().__init__(f"shared kustomize run failed at build {culprit}")
        self.culprit = culprit


def build_together(
    builds: Sequence[SharedBuild], engine: KustomizeEngine, *, empty_schema: bool
) -> list[str | None]:
    """Each build's output, as a run of it alone prints it; None where it must run alone.

    Args:
        builds: builds whose roots set no ``sortOptions``, ``buildMetadata`` or ``openapi``.
        engine: the kustomize to run, once.
        empty_schema: give the run an empty OpenAPI schema (every build may do without the
            built-in one: :func:`~gitops_schema.render.openapi.builtin_schema_needed`).

    Raises:
        SharedRunFailed: the run failed; runs of fewer builds tell which build fails.
    """
    with scratch_folder("gitops-schema-batch-") as scratch:
        resources: list[str] = []
        for index, build in enumerate(builds):
            folder = mirror(build.root.resolve(), build.folder.resolve(), scratch / f"b{index}")
            (folder / "kustomization.yaml").write_text(build.kustomization, encoding="utf-8")
            sentinel = f"sentinel-{index}.yaml"
            (scratch / sentinel).write_text(_sentinel(index), encoding="utf-8")
            resources += [folder.relative_to(scratch).as_posix(), sentinel]
        root: dict[str, Any] = {"resources": resources, "sortOptions": {"order": "fifo"}}
        if empty_schema:
            (scratch / "openapi.json").write_text(EMPTY_SCHEMA, encoding="utf-8")
            root["openapi"] = {"path": "openapi.json"}
        (scratch / "kustomization.yaml").write_text(
            yaml.dump(root, Dumper=yaml.CSafeDumper), encoding="utf-8"
        )
        try:
            text = engine.build(scratch, _OPTIONS)
        except ToolFailed as error:
            # kustomize names the folder it was reading: "...from path '<scratch>/b3/source/..."
            named = re.search(re.escape(str(scratch)) + r"/b(\d+)/source/", error.message)
            raise SharedRunFailed(int(named.group(1)) if named else None) from error
    groups = _split(text, len(builds))
    if groups is None:
        raise SharedRunFailed(None)
    ids = [[_ResId.of(doc) for doc in group] for group in groups]
    kinds = [{i.id.kind for i in group} for group in ids]
    outputs: list[str | None] = []
    for index, group in enumerate(groups):
        others = set().union(*(k for i, k in enumerate(kinds) if i != index))
        referred = {kind for kind in others if _REFERRED_BY.get(kind, frozenset()) & kinds[index]}
        ordered = _legacy_sorted(group, ids[index])
        outputs.append(None if referred else "---\n".join(ordered))
    return outputs


_MAX_SHARED = 16
"""Builds in one shared run at most: a failing run is split, a big one would cost much."""


def run_shared(
    builds: Sequence[SharedBuild],
    engine: KustomizeEngine,
    *,
    empty_schema: Sequence[bool],
    clashes: Sequence[set[Hashable]],
    workers: int,
) -> list[str | None]:
    """Every build's output from shared runs, or None where a build must run alone.

    Args:
        builds: builds that may share runs (see :func:`build_together`).
        engine: the kustomize to run.
        empty_schema: per build, whether it may do without the built-in schema; runs
            share builds of one kind only.
        clashes: per build, keys two builds of one run must not share (builds likely to
            make objects of the same id).
        workers: runs at once.
    """
    outputs: list[str | None] = [None] * len(builds)
    if not engine.shares_runs:
        return outputs

    def run(indices: list[int], empty: bool) -> None:
        if len(indices) < 2:
            return  # Alone is how the caller builds it.
        try:
            texts = build_together([builds[i] for i in indices], engine, empty_schema=empty)
        except SharedRunFailed as failed:
            if failed.culprit is not None:
                # The build kustomize named leaves the run; the others share one again.
                run(indices[: failed.culprit] + indices[failed.culprit + 1 :], empty)
            else:
                half = len(indices) // 2
                run(indices[:half], empty)
                run(indices[half:], empty)
            return
        for index, text in zip(indices, texts, strict=True):
            outputs[index] = text

    tasks: list[tuple[list[int], bool]] = []
    for empty in (False, True):
        indices = [i for i in range(len(builds)) if empty_schema[i] is empty]
        tasks += [(batch, empty) for batch in _batches(indices, clashes, workers)]
    in_parallel(lambda task: run(*task), tasks, workers=workers)
    return outputs


def _batches(
    indices: Sequence[int], clashes: Sequence[set[Hashable]], workers: int
) -> list[list[int]]:
    """Runs of at most ``_MAX_SHARED`` builds, as many as clashes and workers need.

    Each build goes to the emptiest run it does not clash with.
    """
    if not indices:
        return []
    per_key: dict[Hashable, int] = {}
    for index in indices:
        for key in clashes[index]:
            per_key[key] = per_key.get(key, 0) + 1
    # One run per worker, unless that leaves a build alone in one.
    count = max(
        min(workers, max(1, len(indices) // 2)),
        max(per_key.values(), default=1),
        -(-len(indices) // _MAX_SHARED),
    )
    batches: list[list[int]] = [[] for _ in range(count)]
    taken: list[set[Hashable]] = [set() for _ in range(count)]
    # The most clashing builds first, so each finds a run that can take it.
    for index in sorted(indices, key=lambda i: -max((per_key[k] for k in clashes[i]), default=0)):
        free = [b for b in range(count) if not clashes[index] & taken[b]]
        if not free:
            batches.append([])
            taken.append(set())
            free = [len(batches) - 1]
        chosen = min(free, key=lambda b: len(batches[b]))
        batches[chosen].append(index)
        taken[chosen].update(clashes[index])
    return [sorted(batch) for batch in batches if batch]


def legacy_order(documents: Sequence[str]) -> list[str]:
    """Documents of one build in kustomize's default (legacy) order of object ids."""
    return _legacy_sorted(documents, [_ResId.of(doc) for doc in documents])


def _legacy_sorted(documents: Sequence[str], ids: Sequence[_ResId]) -> list[str]:
    def compare(a: int, b: int) -> int:
        return _compare(ids[a], ids[b])

    order = sorted(range(len(documents)), key=functools.cmp_to_key(compare))
    return [documents[index] for index in order]


def _sentinel(index: int) -> str:
    return (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
        f"  name: gitops-schema-batch-{index}\n  namespace: {_SENTINEL_NAMESPACE}\n"
    )


def _split(text: str, count: int) -> list[list[str]] | None:
    """The run's documents grouped by build (each ending with a newline), or None."""
    groups: list[list[str]] = [[]]
    for document in split_stream(text):
        if _is_sentinel(document, len(groups) - 1):
            groups.append([])
        else:
            groups[-1].append(document if document.endswith("\n") else document + "\n")
    if len(groups) != count + 1 or groups[-1]:
        return None
    return groups[:-1]


def _is_sentinel(document: str, index: int) -> bool:
    return f"name: gitops-schema-batch-{index}\n" in document and _SENTINEL_NAMESPACE in document


@dataclass(frozen=True, slots=True)
class _ResId:
    """kustomize's id of an object: its identity and its apiVersion's version."""

    id: ObjectId
    version: str

    @classmethod
    def of(cls, document: str) -> _ResId:
        objects = parse_stream(document)
        obj: dict[str, Any] = objects[0] if objects else {}
        return cls(identity(obj), str(obj.get("apiVersion") or "").rpartition("/")[2])

    def gvk_sort_string(self) -> str:
        return "_".join((self.id.group or "~G", self.version or "~V", self.id.kind or "~K"))

    def sort_string(self) -> str:
        gvk = "_".join((self.id.kind or "~K", self.version or "~V", self.id.group or "~G"))
        return "|".join((gvk, self.id.namespace or "~X", self.id.name or "~N"))


def _compare(a: _ResId, b: _ResId) -> int:
    """Kustomize's legacyIDSorter.Less, as a comparison."""
    if (a.id.group, a.version, a.id.kind) != (b.id.group, b.version, b.id.kind):
        first, second = _RANK.get(a.id.kind, 0), _RANK.get(b.id.kind, 0)
        if first != second:
            return -1 if first < second else 1
        x, y = a.gvk_sort_string(), b.gvk_sort_string()
        if a.id.kind == b.id.kind == "Namespace" and (not a.id.group or not b.id.group):
            # kustomize orders these two the other way round.
            x, y = y, x
        return -1 if x < y else 1 if x > y else 0
    x, y = a.sort_string(), b.sort_string()
    return -1 if x < y else 1 if x > y else 0
