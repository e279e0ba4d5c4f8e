"""Expanding an ApplicationSet into the Applications Argo CD would create.

For each generator entry: merge the generator's own template over ``spec.template``,
generate the parameter sets, render one Application per set (``templatePatch`` applied,
the resources finalizer added, the namespace forced to the ApplicationSet's). A failing
generator or template is a diagnostic at that generator; the others still expand.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gitops_schema.appset.env import Env
from gitops_schema.appset.errors import (
    GeneratorError,
    NotAvailableOffline,
    TooManyApplications,
)
from gitops_schema.appset.generators import MODULES, GeneratorContext, generate_entry
from gitops_schema.appset.generators.clusters import IN_CLUSTER_SERVER
from gitops_schema.appset.params import Params
from gitops_schema.appset.template import (
    apply_template_patch,
    compile_value,
    merge_generator_template,
    render_application,
    render_string,
)
from gitops_schema.codes.appset import (
    APPSET_GENERATOR_UNRECOGNIZED,
    APPSET_NOT_EXPANDED,
    APPSET_TOO_MANY_APPLICATIONS,
)
from gitops_schema.diagnostics import Diagnostic, Report, Severity
from gitops_schema.location import Location
from gitops_schema.model import GitOpsObject

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


@dataclass(frozen=True, slots=True)
class GeneratedApplication:
    """One Application of an expansion, with the generator and parameters behind it."""

    application: dict[str, Any]
    generator: int
    """Index of the top-level generator entry that produced it."""
    params: Params


@dataclass(slots=True)
class Expansion:
    """The Applications an ApplicationSet generates, and what went wrong on the way."""

    appset: GitOpsObject
    applications: list[GeneratedApplication] = field(default_factory=list)
    params: list[list[Params]] = field(default_factory=list)
    """The parameter sets of each top-level generator entry, in order."""
    report: Report = field(default_factory=Report)
    implicit_in_cluster: int | None = None
    """The first generator entry that, with no cluster Secrets, expanded for Argo CD's
    implicit ``in-cluster`` cluster alone; None when none did."""
    noted: bool = False
    """Whether :func:`note_in_cluster` has spoken for this ApplicationSet."""


def note_in_cluster(expansion: Expansion) -> Diagnostic | None:
    """The one note naming the implicit in-cluster cluster, when it explains a finding.

    With no cluster Secrets, a clusters generator yields Argo CD's local cluster alone (no
    labels, no annotations), which is often why a template fails or names repeat. Said
    once per ApplicationSet, at the generator that did it; None when it was said already
    or does not apply.
    """
    if expansion.implicit_in_cluster is None or expansion.noted:
        return None
    expansion.noted = True
    return Diagnostic(
        "appset-offline-input",
        Severity.INFO,
        f"generator {expansion.implicit_in_cluster}: no cluster Secrets found: Applications "
        "were expanded for the implicit in-cluster cluster; pass --clusters (cluster "
        "Secrets, a clusters list or a kubeconfig)",
        _at(expansion.appset, "spec", "generators", expansion.implicit_in_cluster),
    )


def invalid_generators_warning(appset: Mapping[str, Any]) -> str | None:
    """Argo CD's warning for generator entries that name no known generator.

    The typed API drops unknown keys, so their names are recovered, as Argo CD does,
    from the ``last-applied-configuration`` annotation when there is one.
    """
    generators = (appset.get("spec") or {}).get("generators") or []
    unknown = [i for i, entry in enumerate(generators) if not any(k in entry for k in MODULES)]
    if not unknown:
        return None
    name = (appset.get("metadata") or {}).get("name", "")
    annotations = (appset.get("metadata") or {}).get("annotations") or {}
    names: list[str] = []
    try:
        applied = json.loads(annotations.get(LAST_APPLIED, "null")) or {}
        original = (applied.get("spec") or {}).get("generators") or []
        for index in unknown:
            if index < len(original) and original[index]:
                names.append(next(iter(original[index])))
    except (ValueError, AttributeError, TypeError):
        names = []
    if names:
        return f"ApplicationSet {name} contains unrecognized generators: {', '.join(sorted(names))}"
    return f"ApplicationSet {name} contains unrecognized generators"


def _generator_template(entry: Mapping[str, Any]) -> Mapping[str, Any] | None:
    for kind in MODULES:
        spec = entry.get(kind)
        if isinstance(spec, Mapping) and isinstance(spec.get("template"), Mapping):
            template: Mapping[str, Any] = spec["template"]
            return template
    return None


def expand(obj: GitOpsObject, env: Env) -> Expansion:
    """Every Application an ApplicationSet generates in ``env``."""
    expansion = Expansion(obj)
    data: Mapping[str, Any] = obj.document.data
    spec: Mapping[str, Any] = data.get("spec") or {}
    settings = _Settings.of(data, env)
    warning = invalid_generators_warning(data)
    if warning:
        expansion.report.add(
            APPSET_GENERATOR_UNRECOGNIZED.at(warning, _at(obj, "spec", "generators"))
        )
    for index, entry in enumerate(spec.get("generators") or []):
        params, stop = _generate(expansion, index, entry, settings)
        expansion.params.append([] if params is None else params)
        if stop:
            break
        if params is None:
            continue
        _note_inventory(expansion, index, entry, params, env)
        _make_applications(expansion, index, entry, params, settings)
    if any(d.severity >= Severity.WARNING for d in expansion.report):
        note = note_in_cluster(expansion)
        if note is not None:
            expansion.report.add(note)
    return expansion


@dataclass(frozen=True, slots=True)
class _Settings:
    """What every generator entry of one ApplicationSet is expanded with."""

    env: Env
    context: GeneratorContext
    go_template: bool
    options: tuple[str, ...]
    namespace: str
    """The namespace of every generated Application: the ApplicationSet's."""
    template: Mapping[str, Any]
    patch: Any
    """``templatePatch``, applied when it is text."""
    sync_policy: Any

    @classmethod
    def of(cls, data: Mapping[str, Any], env: Env) -> _Settings:
        """The settings of the ApplicationSet ``data`` in ``env``."""
        spec: Mapping[str, Any] = data.get("spec") or {}
        go_template = bool(spec.get("goTemplate"))
        options = tuple(spec.get("goTemplateOptions") or ())
        return cls(
            env,
            GeneratorContext(env, go_template, options),
            go_template,
            options,
            (data.get("metadata") or {}).get("namespace") or env.namespace,
            spec.get("template") or {},
            spec.get("templatePatch"),
            spec.get("syncPolicy"),
        )


def _generate(
    expansion: Expansion, index: int, entry: Any, settings: _Settings
) -> tuple[list[Params] | None, bool]:
    """The parameter sets of one entry (None when it failed, reported), and whether to stop.

    Expansion stops at the entry that takes it past ``max_applications``.
    """
    where = _at(expansion.appset, "spec", "generators", index)
    try:
        params = generate_entry(entry, settings.context)
    except (TypeError, AttributeError, ValueError, KeyError) as error:
        # A shape the schema would reject (a generator that is a string...): the schema
        # findings say what is wrong; here it is only "could not expand".
        expansion.report.add(
            Diagnostic(
                "appset-generator-failed",
                Severity.ERROR,
                f"generator {index}: malformed generator, not expanded ({error})",
                where,
            )
        )
        return None, False
    except TooManyApplications as error:
        expansion.report.add(APPSET_TOO_MANY_APPLICATIONS.at(f"generator {index}: {error}", where))
        return None, True
    except NotAvailableOffline as error:
        expansion.report.add(
            Diagnostic(
                "appset-offline-input",
                Severity.INFO,
                f"generator {index}: cannot verify offline: {error}",
                where,
            )
        )
        return None, False
    except GeneratorError as error:
        expansion.report.add(
            Diagnostic(
                "appset-generator-failed", Severity.ERROR, f"generator {index}: {error}", where
            )
        )
        return None, False
    limit = settings.env.max_applications
    if sum(len(found) for found in expansion.params) + len(params) > limit:
        too_many = TooManyApplications(limit)
        expansion.report.add(
            APPSET_TOO_MANY_APPLICATIONS.at(f"generator {index}: {too_many}", where)
        )
        return None, True
    return params, False


def _note_inventory(
    expansion: Expansion, index: int, entry: Any, params: Sequence[Params], env: Env
) -> None:
    """What having no cluster inventory did to an entry that selects clusters, noted."""
    if env.clusters or not _uses_clusters(entry):
        return
    if not params:
        expansion.report.add(
            Diagnostic(
                "appset-offline-input",
                Severity.INFO,
                f"generator {index}: cannot verify offline: no cluster inventory to "
                "select from: give --clusters "
                "(cluster Secrets, a clusters list or a kubeconfig)",
                _at(expansion.appset, "spec", "generators", index),
            )
        )
    if expansion.implicit_in_cluster is None and any(
        p.get("server") == IN_CLUSTER_SERVER for p in params
    ):
        expansion.implicit_in_cluster = index


def _make_applications(
    expansion: Expansion,
    index: int,
    entry: Any,
    params: Sequence[Params],
    settings: _Settings,
) -> None:
    """One Application per parameter set of an entry: its template rendered, patched."""
    go_template, options = settings.go_template, settings.options
    template = merge_generator_template(settings.template, _generator_template(entry))
    renderer = compile_value(template, go_template=go_template, options=options)
    patch = settings.patch
    for params_set in params:
        try:
            application = render_application(
                renderer,
                params_set,
                go_template=go_template,
                options=options,
                sync_policy=settings.sync_policy,
            )
            if isinstance(patch, str) and patch.strip():
                rendered = render_string(
                    patch, params_set, go_template=go_template, options=options
                )
                application = apply_template_patch(application, rendered)
        except GeneratorError as error:
            expansion.report.add(
                Diagnostic(
                    "appset-template-failed",
                    Severity.ERROR,
                    f"generator {index}: {error}",
                    _at(expansion.appset, "spec", "template"),
                )
            )
            continue
        expansion.applications.append(
            GeneratedApplication(_finish(application, settings.namespace), index, params_set)
        )


def _uses_clusters(entry: Any) -> bool:
    """Whether a generator entry selects from the cluster inventory, directly or nested."""
    if not isinstance(entry, Mapping):
        return False
    if "clusters" in entry:
        return True
    return any(
        _uses_clusters(child)
        for kind in ("matrix", "merge")
        for child in ((entry.get(kind) or {}).get("generators") or [])
    )


def _finish(application: dict[str, Any], namespace: str) -> dict[str, Any]:
    metadata = application.get("metadata") or {}
    metadata["namespace"] = namespace
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": metadata,
        "spec": application.get("spec") or {},
    }


def _at(obj: GitOpsObject, *path: str | int) -> Location:
    return obj.document.locate(tuple(path))


def expand_all(objects: Sequence[GitOpsObject], env: Env) -> list[Expansion]:
    """Expand every ApplicationSet among the objects that matches its schema.

    One that does not (its schema findings say why) is not expanded, with a note saying so.
    """
    expansions: list[Expansion] = []
    for obj in objects:
        if obj.kind != "ApplicationSet" or obj.tool.value != "argocd":
            continue
        if obj.typed:
            expansions.append(expand(obj, env))
            continue
        skipped = Expansion(obj)
        skipped.report.add(
            APPSET_NOT_EXPANDED.at(
                f"ApplicationSet {obj.name!r} was not expanded: it does not match its schema "
                "(see the schema findings)",
                obj.location,
            )
        )
        expansions.append(skipped)
    return expansions
