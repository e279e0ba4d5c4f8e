"""Flux references (sources, providers, dependencies), production waits, Helm remediation."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from gitops_schema.check.environment import is_production
from gitops_schema.check.rule import Rule, RuleContext
from gitops_schema.check.rules._graph import Edges, cycle_within, strongly_connected
from gitops_schema.check.rules._helpers import at, get, spec
from gitops_schema.codes import Code
from gitops_schema.diagnostics import Diagnostic, Severity
from gitops_schema.load.plain import InputError, yaml_values
from gitops_schema.model import GitOpsObject, ObjectId, Tool, object_id
from gitops_schema.model.flux_helm import HelmRelease, Install, Upgrade
from gitops_schema.model.flux_kustomize import Kustomization
from gitops_schema.model.flux_notification import Alert
from gitops_schema.model.flux_source import HelmChart
from gitops_schema.model.kustomize import KustomizeFile

Index = dict[tuple[str, str], list[str | None]]
"""(kind, name) -> the namespaces of the objects of the repository (None: unwritten)."""

BOOTSTRAP_SOURCE = "flux-system"
"""The source `flux bootstrap` creates in the cluster, often not committed to the repo."""


def _index(context: RuleContext) -> Index:
    index: Index = context.remember("flux-objects", lambda: _build_index(context))
    return index


def _build_index(context: RuleContext) -> Index:
    known: Index = {
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


def _exists(known: Index, kind: str, namespace: str, name: str) -> bool:
    """Whether the repository defines the object; an empty namespace matches any."""
    namespaces = known.get((kind, name))
    if namespaces is None:
        return False
    # An object written without a namespace gets one when applied: it may be any.
    return not namespace or None in namespaces or namespace in namespaces


Reference = tuple[tuple[str | int, ...], str, str | None, str]
"""(path of the reference, kind, namespace or None, name)."""


def _references(obj: GitOpsObject) -> Iterator[Reference]:
    """(path, kind, namespace, name) for each source or provider an object refers to."""
    model = obj.model
    if isinstance(model, Kustomization | HelmChart):
        ref = model.spec.source_ref
        # A HelmChart's reference has no namespace field: one written there anyway is an
        # unknown field (the schema check reports it), still read here as written.
        yield ("spec", "sourceRef"), ref.kind, getattr(ref, "namespace", None), ref.name
    elif isinstance(model, HelmRelease):
        if model.spec.chart is not None:
            ref = model.spec.chart.spec.source_ref
            yield ("spec", "chart", "spec", "sourceRef"), ref.kind, ref.namespace, ref.name
        if model.spec.chart_ref is not None:
            ref = model.spec.chart_ref
            yield ("spec", "chartRef"), ref.kind, ref.namespace, ref.name
    elif isinstance(model, Alert):
        yield ("spec", "providerRef"), "Provider", None, model.spec.provider_ref.name


def check_sources(context: RuleContext) -> Iterator[Diagnostic]:
    """sourceRef, chartRef and providerRef that name no object of the repository."""
    known = _index(context)
    for obj in context.objects:
        if obj.tool is not Tool.FLUX:
            continue
        for path, kind, namespace, name in _references(obj):
            namespace = namespace or obj.namespace or ""
            if not _exists(known, kind, namespace, name):
                where = f" in namespace {namespace!r}" if namespace else ""
                yield SOURCE_MISSING.finding(
                    f"{obj.kind} {obj.name!r} refers to {kind} {name!r}{where}, "
                    "which is not defined in the checked files",
                    at(obj, *path, "name"),
                )


def _dependencies(obj: GitOpsObject) -> Iterator[tuple[int, ObjectId]]:
    """(index in dependsOn, identity) of what a Kustomization or HelmRelease waits for.

    The identity's namespace is empty when neither the entry nor the object has one.
    """
    if isinstance(obj.model, Kustomization | HelmRelease):
        own = object_id(obj)
        for index, dependency in enumerate(obj.model.spec.depends_on):
            namespace = dependency.namespace or own.namespace
            yield index, own._replace(namespace=namespace, name=dependency.name)


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
            if not _exists(known, key.kind, key.namespace, key.name):
                yield DEPENDS_ON_MISSING.finding(
                    f"{obj.kind} {obj.name!r} depends on {key.kind} {key.name!r}, which is not "
                    "defined in the checked files: it will wait for it forever",
                    at(obj, "spec", "dependsOn", index, "name"),
                )


def check_depends_on_cycle(context: RuleContext) -> Iterator[Diagnostic]:
    """Find dependsOn chains that lead back to where they started."""
    objects = _dependants(context)
    by_key = {object_id(o): o for o in objects}
    edges: Edges = {}
    for obj in objects:
        own = object_id(obj)
        for index, target in _dependencies(obj):
            if target not in by_key and target._replace(namespace="") in by_key:
                target = target._replace(namespace="")
            edges.setdefault(own, []).append((index, target))
    for component in strongly_connected(edges):
        cycle = cycle_within(component, edges)
        if not cycle:
            continue
        first_key, index = cycle[0]
        names = " -> ".join(key.name for key, _ in cycle) + f" -> {first_key.name}"
        yield DEPENDS_ON_CYCLE.finding(
            f"dependsOn cycle: {names}; none of these will ever be applied",
            at(by_key[first_key], "spec", "dependsOn", index, "name"),
        )


def check_prod_no_wait(context: RuleContext) -> Iterator[Diagnostic]:
    """Production Kustomizations that report ready before their workloads are."""
    for obj in context.of_kind("Kustomization"):
        if obj.tool is not Tool.FLUX or not isinstance(obj.model, Kustomization):
            continue
        wanted = obj.model.spec
        if wanted.wait is True or wanted.health_checks or wanted.health_check_exprs:
            continue
        if is_production(obj, context):
            yield PROD_NO_WAIT.finding(
                f"production Kustomization {obj.name!r} has neither wait: true nor "
                "healthChecks: it is Ready as soon as it applied, healthy or not",
                at(obj, "spec", key=True),
            )


def _handles_failure(install: Install | None, upgrade: Upgrade | None) -> bool:
    """Whether a failed install or upgrade is retried (remediation retries, or a strategy)."""
    return any(
        action is not None
        and (
            (action.remediation is not None and action.remediation.retries not in (None, 0))
            or action.strategy is not None
        )
        for action in (install, upgrade)
    )


def _patched_actions(release_spec: Any) -> tuple[Install | None, Upgrade | None]:
    """The install and upgrade settings a patch of a HelmRelease writes (None: not these).

    A patch is part of an object, so only these two of its fields are typed.
    """
    found: list[Any] = []
    for field, model in (("install", Install), ("upgrade", Upgrade)):
        try:
            found.append(model.model_validate(get(release_spec, field)))
        except ValidationError:
            found.append(None)
    return found[0], found[1]


def _patch_texts(patches: Any) -> list[str]:
    """The inline patches of a patch's Kustomization (raw: a patch is part of an object)."""
    entries = patches if isinstance(patches, list) else []
    return [e["patch"] for e in entries if isinstance(e, dict) and isinstance(e.get("patch"), str)]


def _patch_sets_remediation(texts: list[str], depth: int = 0) -> bool:
    """Whether Flux Kustomization patches give HelmReleases failure handling.

    Repositories often set HelmRelease defaults once, in a patch of a Kustomization (or a
    patch that adds such a patch to every child Kustomization).
    """
    if depth > 3:
        return False
    for text in texts:
        try:
            patched = yaml_values(text, "inline patch")
        except InputError:
            continue
        for item in patched:
            if not isinstance(item, dict):
                continue
            if item.get("kind") == "HelmRelease" and _handles_failure(
                *_patched_actions(item.get("spec"))
            ):
                return True
            if item.get("kind") == "Kustomization" and _patch_sets_remediation(
                _patch_texts(get(item, "spec", "patches")), depth + 1
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
    flux = [
        (context.relative(o.document.file), o.model)
        for o in context.of_kind("Kustomization")
        if isinstance(o.model, Kustomization)
    ]
    paths: list[str] = []
    reached: set[int] = set()
    for _, obj in flux:
        if _patch_sets_remediation([patch.patch for patch in obj.spec.patches]):
            paths.extend(_build_folders(obj))
            reached.add(id(obj))
    grown = True
    while grown:
        paths = _kustomize_reach(context, paths)
        grown = False
        for file, obj in flux:
            if id(obj) not in reached and any(_under(file, d) for d in paths):
                paths.extend(_build_folders(obj))
                reached.add(id(obj))
                grown = True
    return paths


def _build_folders(obj: Kustomization) -> list[str]:
    """A Kustomization's path and the component folders it adds (relative to the path)."""
    path = _repository_path(obj.spec.path)
    return [path] + [_repository_path(posixpath.join(path, c)) for c in obj.spec.components]


def _kustomize_reach(context: RuleContext, paths: list[str]) -> list[str]:
    """``paths`` and what their kustomization.yaml files build besides.

    That is a component, or a resource folder or file elsewhere, followed through the
    kustomizations found there: a Flux Kustomization's patches reach all it builds.
    """
    by_folder = {
        posixpath.dirname(context.relative(o.document.file)): o.model
        for o in context.of_kind("Kustomization")
        if isinstance(o.model, KustomizeFile)
    }
    found = list(dict.fromkeys(paths))
    for folder in found:  # grows as it goes
        kustomization = by_folder.get(folder)
        if kustomization is None:
            continue
        for entry in (*kustomization.resources, *kustomization.components, *kustomization.bases):
            if "://" not in entry:
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
        if obj.tool is not Tool.FLUX or not isinstance(obj.model, HelmRelease):
            continue
        file = context.relative(obj.document.file)
        release = obj.model.spec
        handled = _handles_failure(release.install, release.upgrade) or any(
            _under(file, d) for d in defaulted
        )
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
