"""Flux references (sources, providers, dependencies), production waits, Helm remediation."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any

from gitops_schema.check.environment import is_production
from gitops_schema.check.rule import Rule, RuleContext
from gitops_schema.check.rules._helpers import at, get, ref_namespace, spec
from gitops_schema.codes import Code
from gitops_schema.diagnostics import Diagnostic, Severity
from gitops_schema.load.plain import InputError, yaml_values
from gitops_schema.model import GitOpsObject, Tool

ObjectKey = tuple[str, str | None, str]
"""(kind, namespace, name); a None namespace matches any."""


BOOTSTRAP_SOURCE = "flux-system"
"""The source `flux bootstrap` creates in the cluster, often not committed to the repo."""


def _index(context: RuleContext) -> dict[tuple[str, str], list[str | None]]:
    index: dict[tuple[str, str], list[str | None]] = context.remember(
        "flux-objects", lambda: _build_index(context)
    )
    return index


def _build_index(context: RuleContext) -> dict[tuple[str, str], list[str | None]]:
    known: dict[tuple[str, str], list[str | None]] = {
        ("GitRepository", BOOTSTRAP_SOURCE): [BOOTSTRAP_SOURCE],
        ("OCIRepository", BOOTSTRAP_SOURCE): [BOOTSTRAP_SOURCE],
    }
    for obj in context.objects:
        if obj.tool is Tool.FLUX or obj.kind in ("ConfigMap", "Secret"):
            known.setdefault((obj.kind, obj.name), []).append(obj.namespace)
        if obj.kind in _GENERATORS:
            for kind, name in _generated_sources(obj):
                known.setdefault((kind, name), []).append(obj.namespace)
    return known


_GENERATORS = frozenset({"ArtifactGenerator", "FluxInstance"})
"""Kinds whose objects make the controllers create sources."""


def _generated_sources(obj: GitOpsObject) -> Iterator[tuple[str, str]]:
    """Sources that an object of the repository makes the controllers create."""
    data = spec(obj)
    if obj.kind == "ArtifactGenerator":
        for artifact in data.get("artifacts") or []:
            if isinstance(artifact, dict) and isinstance(artifact.get("name"), str):
                yield "ExternalArtifact", artifact["name"]
    elif obj.kind == "FluxInstance" and isinstance(data.get("sync"), dict):
        sync = data["sync"]
        kind = sync.get("kind") if isinstance(sync.get("kind"), str) else "GitRepository"
        name = sync.get("name") if isinstance(sync.get("name"), str) else obj.namespace
        yield kind, name or BOOTSTRAP_SOURCE


def _exists(known: dict[tuple[str, str], list[str | None]], key: ObjectKey) -> bool:
    kind, namespace, name = key
    namespaces = known.get((kind, name))
    if namespaces is None:
        return False
    # An object written without a namespace gets one when applied: it may be any.
    return namespace is None or None in namespaces or namespace in namespaces


def _references(obj: GitOpsObject) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """(path, reference) for each source or provider an object refers to."""
    data = spec(obj)
    if obj.kind in ("Kustomization", "HelmChart") and isinstance(data.get("sourceRef"), dict):
        yield ("spec", "sourceRef"), data["sourceRef"]
    if obj.kind == "HelmRelease":
        chart_ref = get(data, "chart", "spec", "sourceRef")
        if isinstance(chart_ref, dict):
            yield ("spec", "chart", "spec", "sourceRef"), chart_ref
        if isinstance(data.get("chartRef"), dict):
            yield ("spec", "chartRef"), data["chartRef"]
    if obj.kind == "Alert" and isinstance(data.get("providerRef"), dict):
        yield ("spec", "providerRef"), {"kind": "Provider", **data["providerRef"]}


def check_sources(context: RuleContext) -> Iterator[Diagnostic]:
    """sourceRef, chartRef and providerRef that name no object of the repository."""
    known = _index(context)
    for obj in context.objects:
        if obj.tool is not Tool.FLUX:
            continue
        for path, ref in _references(obj):
            kind, name = ref.get("kind"), ref.get("name")
            if not isinstance(kind, str) or not isinstance(name, str):
                continue
            namespace = ref_namespace(obj, ref)
            if not _exists(known, (kind, namespace, name)):
                where = f" in namespace {namespace!r}" if namespace else ""
                yield SOURCE_MISSING.finding(
                    f"{obj.kind} {obj.name!r} refers to {kind} {name!r}{where}, "
                    "which is not defined in the checked files",
                    at(obj, *path, "name"),
                )


def _dependencies(obj: GitOpsObject) -> Iterator[tuple[int, ObjectKey]]:
    for index, dependency in enumerate(spec(obj).get("dependsOn") or []):
        if isinstance(dependency, dict) and isinstance(dependency.get("name"), str):
            namespace = ref_namespace(obj, dependency)
            yield index, (obj.kind, namespace, dependency["name"])


def _dependants(context: RuleContext) -> list[GitOpsObject]:
    return [
        o
        for o in context.objects
        if o.tool is Tool.FLUX and o.kind in ("Kustomization", "HelmRelease")
    ]


def check_depends_on_missing(context: RuleContext) -> Iterator[Diagnostic]:
    """Find dependsOn entries naming no Kustomization (or HelmRelease) of the repository."""
    known = _index(context)
    for obj in _dependants(context):
        for index, key in _dependencies(obj):
            if not _exists(known, key):
                yield DEPENDS_ON_MISSING.finding(
                    f"{obj.kind} {obj.name!r} depends on {key[0]} {key[2]!r}, which is not "
                    "defined in the checked files: it will wait for it forever",
                    at(obj, "spec", "dependsOn", index, "name"),
                )


def check_depends_on_cycle(context: RuleContext) -> Iterator[Diagnostic]:
    """Find dependsOn chains that lead back to where they started."""
    objects = _dependants(context)
    by_key = {(o.kind, o.namespace, o.name): o for o in objects}
    edges: dict[ObjectKey, list[tuple[int, ObjectKey]]] = {}
    for obj in objects:
        own = (obj.kind, obj.namespace, obj.name)
        for index, (kind, namespace, name) in _dependencies(obj):
            target = (kind, namespace, name)
            if target not in by_key and (kind, None, name) in by_key:
                target = (kind, None, name)
            edges.setdefault(own, []).append((index, target))
    for component in _strongly_connected(edges):
        cycle = _cycle_within(component, edges)
        if not cycle:
            continue
        first_key, index = cycle[0]
        names = " -> ".join(key[2] for key, _ in cycle) + f" -> {first_key[2]}"
        yield DEPENDS_ON_CYCLE.finding(
            f"dependsOn cycle: {names}; none of these will ever be applied",
            at(by_key[first_key], "spec", "dependsOn", index, "name"),
        )


Edges = dict[ObjectKey, list[tuple[int, ObjectKey]]]


def _strongly_connected(edges: Edges) -> list[set[ObjectKey]]:
    """Tarjan's strongly connected components, iteratively (no recursion limit)."""
    index: dict[ObjectKey, int] = {}
    low: dict[ObjectKey, int] = {}
    on_stack: set[ObjectKey] = set()
    stack: list[ObjectKey] = []
    components: list[set[ObjectKey]] = []
    for root in sorted(edges, key=str):
        if root in index:
            continue
        work: list[tuple[ObjectKey, int]] = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = edges.get(node, [])
            if position < len(targets):
                work.append((node, position + 1))
                target = targets[position][1]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            for _, target in targets:
                if target in on_stack:
                    low[node] = min(low[node], low[target])
            if low[node] == index[node]:
                component: set[ObjectKey] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                components.append(component)
    return components


def _cycle_within(component: set[ObjectKey], edges: Edges) -> list[tuple[ObjectKey, int]]:
    """One cycle through the component's first node, as (node, dependsOn index) steps."""
    start = min(component, key=str)
    if len(component) == 1 and all(t != start for _, t in edges.get(start, [])):
        return []
    parents: dict[ObjectKey, tuple[ObjectKey, int]] = {}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for position, target in edges.get(node, []):
            if target == start:
                steps = [(node, position)]
                while steps[0][0] != start:
                    steps.insert(0, parents[steps[0][0]])
                return steps
            if target in component and target not in parents:
                parents[target] = (node, position)
                queue.append(target)
    return []


def check_prod_no_wait(context: RuleContext) -> Iterator[Diagnostic]:
    """Production Kustomizations that report ready before their workloads are."""
    for obj in context.of_kind("Kustomization"):
        if obj.tool is not Tool.FLUX or obj.is_patch:
            continue
        data = spec(obj)
        if data.get("wait") is True or data.get("healthChecks") or data.get("healthCheckExprs"):
            continue
        if is_production(obj, context):
            yield PROD_NO_WAIT.finding(
                f"production Kustomization {obj.name!r} has neither wait: true nor "
                "healthChecks: it is Ready as soon as it applied, healthy or not",
                at(obj, "spec", key=True),
            )


def _handles_failure(release_spec: Any) -> bool:
    return any(
        get(release_spec, action, "remediation", "retries") not in (None, 0)
        or get(release_spec, action, "strategy") is not None
        for action in ("install", "upgrade")
    )


def _patch_sets_remediation(patches: Any, depth: int = 0) -> bool:
    """Whether Flux Kustomization patches give HelmReleases failure handling.

    Repositories often set HelmRelease defaults once, in a patch of a Kustomization (or a
    patch that adds such a patch to every child Kustomization).
    """
    if not isinstance(patches, list) or depth > 3:
        return False
    for entry in patches:
        text = entry.get("patch") if isinstance(entry, dict) else None
        if not isinstance(text, str):
            continue
        try:
            patched = yaml_values(text, "inline patch")
        except InputError:
            continue
        for item in patched:
            if not isinstance(item, dict):
                continue
            if item.get("kind") == "HelmRelease" and _handles_failure(item.get("spec")):
                return True
            if item.get("kind") == "Kustomization" and _patch_sets_remediation(
                get(item, "spec", "patches"), depth + 1
            ):
                return True
    return False


def _repository_path(path: Any) -> str:
    raw = path if isinstance(path, str) else ""
    return posixpath.normpath(raw.strip("/")).removeprefix("./").strip(".")


def _defaulted_paths(context: RuleContext) -> list[str]:
    """Folders whose HelmReleases a Flux Kustomization's patches give failure handling.

    That is the path of a Kustomization whose patches do, with its components, and the
    path and components of every Kustomization found under those (a patch that adds such a
    patch to every child Kustomization reaches their components too).
    """
    flux = [o for o in context.of_kind("Kustomization") if o.tool is Tool.FLUX]
    paths: list[str] = []
    reached: set[int] = set()
    for obj in flux:
        if _patch_sets_remediation(spec(obj).get("patches")):
            paths.extend(_build_folders(obj))
            reached.add(id(obj))
    grown = True
    while grown:
        paths = _kustomize_reach(context, paths)
        grown = False
        for obj in flux:
            file = context.relative(obj.document.file)
            if id(obj) not in reached and any(_under(file, d) for d in paths):
                paths.extend(_build_folders(obj))
                reached.add(id(obj))
                grown = True
    return paths


def _build_folders(obj: GitOpsObject) -> list[str]:
    """A Kustomization's path and the component folders it adds (relative to the path)."""
    data = spec(obj)
    path = _repository_path(data.get("path"))
    components = [c for c in data.get("components") or [] if isinstance(c, str)]
    return [path] + [_repository_path(posixpath.join(path, c)) for c in components]


def _kustomize_reach(context: RuleContext, paths: list[str]) -> list[str]:
    """``paths`` and what their kustomization.yaml files build besides.

    That is a component, or a resource folder or file elsewhere, followed through the
    kustomizations found there: a Flux Kustomization's patches reach all it builds.
    """
    by_folder = {
        posixpath.dirname(context.relative(o.document.file)): o.document.data
        for o in context.of_kind("Kustomization")
        if o.tool is Tool.KUSTOMIZE
    }
    found = list(dict.fromkeys(paths))
    for folder in found:  # grows as it goes
        data = by_folder.get(folder)
        for key in ("resources", "components", "bases"):
            entries = data.get(key) if isinstance(data, dict) else None
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, str) and "://" not in entry:
                    target = _repository_path(posixpath.join(folder, entry))
                    if target not in found:
                        found.append(target)
    return found


def _under(file: str, folder: str) -> bool:
    return (
        not folder
        or file == folder
        or file.startswith(folder + "/")
        or f"/{folder}/" in file
        or file.endswith(f"/{folder}")
    )


def check_helm_remediation(context: RuleContext) -> Iterator[Diagnostic]:
    """HelmReleases that leave a failed install or upgrade as it is."""
    defaulted = _defaulted_paths(context)
    for obj in context.of_kind("HelmRelease"):
        if obj.tool is not Tool.FLUX or obj.is_patch:
            continue
        file = context.relative(obj.document.file)
        handled = _handles_failure(spec(obj)) or any(_under(file, d) for d in defaulted)
        if not handled:
            yield NO_REMEDIATION.finding(
                f"HelmRelease {obj.name!r} sets no install/upgrade remediation retries nor a "
                "retry strategy: a failed release stays failed until someone acts",
                at(obj, "spec", key=True),
            )


def check_suspended(context: RuleContext) -> Iterator[Diagnostic]:
    """Flux objects written with ``spec.suspend: true``, which Flux never reconciles."""
    for obj in context.objects:
        if obj.tool is not Tool.FLUX or obj.is_patch or not obj.typed:
            continue
        if getattr(getattr(obj.model, "spec", None), "suspend", None) is True:
            yield SUSPENDED.finding(
                f"{obj.kind} {obj.name!r} is suspended: Flux does not reconcile it, so what "
                "is committed to it does not reach the cluster",
                at(obj, "spec", "suspend"),
            )


SOURCE_MISSING = Rule(
    Code(
        "flux-source-missing",
        Severity.ERROR,
        "A sourceRef, chartRef or providerRef to an object not in the repository.",
        bad="sourceRef:\n  kind: GitRepository\n  name: app-repo   # defined nowhere",
        good="sourceRef:\n  kind: GitRepository\n  name: flux-system",
        explanation="The namespace defaults to the referring object's, as in Flux. Sources "
        "created by the controllers count as defined: the flux-system GitRepository or "
        "OCIRepository of `flux bootstrap`, a FluxInstance's sync source, and the "
        "ExternalArtifacts of an ArtifactGenerator.",
    ),
    check=check_sources,
)

DEPENDS_ON_MISSING = Rule(
    Code(
        "flux-depends-on-missing",
        Severity.ERROR,
        "A dependsOn entry naming an object not in the repository.",
        bad="dependsOn:\n  - name: infra-controlers   # typo",
        good="dependsOn:\n  - name: infra-controllers",
    ),
    check=check_depends_on_missing,
)

DEPENDS_ON_CYCLE = Rule(
    Code(
        "flux-depends-on-cycle",
        Severity.ERROR,
        "Kustomizations or HelmReleases that depend on each other in a cycle.",
        bad="# apps dependsOn infra, infra dependsOn apps",
        good="# apps dependsOn infra; infra depends on nothing",
    ),
    check=check_depends_on_cycle,
)

PROD_NO_WAIT = Rule(
    Code(
        "flux-prod-no-wait",
        Severity.WARNING,
        "A production Kustomization with neither wait nor healthChecks.",
        bad="spec:\n  prune: true",
        good="spec:\n  prune: true\n  wait: true\n  timeout: 5m",
        explanation="Which environments are production comes from the 'production' setting.",
    ),
    check=check_prod_no_wait,
)

NO_REMEDIATION = Rule(
    Code(
        "helmrelease-no-remediation",
        Severity.WARNING,
        "A HelmRelease without install/upgrade remediation or a retry strategy.",
        bad="spec:\n  chart: {...}",
        good="spec:\n  install:\n    remediation: {retries: 3}\n  upgrade:\n    remediation: "
        "{retries: 3, remediateLastFailure: true}",
        explanation="Defaults set by a patch of the Flux Kustomization that applies the "
        "HelmRelease (directly, or through a patch it adds to child Kustomizations) count.",
    ),
    check=check_helm_remediation,
)

SUSPENDED = Rule(
    Code(
        "flux-suspended",
        Severity.WARNING,
        "A Flux object committed with spec.suspend: true; Flux does not reconcile it.",
        bad="kind: HelmRelease\nspec:\n  suspend: true   # left from debugging",
        good="kind: HelmRelease\nspec:\n  interval: 10m   # suspend with `flux suspend`, not in "
        "git",
        explanation="A suspended object stays as it is in the cluster: no change committed to it, "
        "or to what it applies, reaches the cluster until spec.suspend is removed.",
    ),
    check=check_suspended,
)

RULES = (
    SOURCE_MISSING,
    DEPENDS_ON_MISSING,
    DEPENDS_ON_CYCLE,
    PROD_NO_WAIT,
    NO_REMEDIATION,
    SUSPENDED,
)
