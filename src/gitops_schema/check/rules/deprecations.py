"""Deprecated and removed APIs, kinds under the wrong group, deprecated kustomize fields."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from difflib import get_close_matches
from functools import cache
from importlib import resources
from typing import Any

import yaml

from gitops_schema.check.rule import Rule, RuleContext
from gitops_schema.check.rules._helpers import at, get
from gitops_schema.codes import Code
from gitops_schema.diagnostics import Diagnostic, Severity
from gitops_schema.model import Tool, kinds_named, lookup
from gitops_schema.model.registry import all_kinds, split_api_version


@dataclass(frozen=True, slots=True)
class ApiLifecycle:
    """When one apiVersion of one kind was deprecated and removed, in its tool's releases."""

    api_version: str
    kind: str
    tool: str
    deprecated_in: str | None
    removed_in: str | None
    replacement: str | None


def _version(text: str) -> tuple[int, ...]:
    # Major and minor only: releases remove and deprecate APIs, patches never do, so
    # ``1.25`` (the documented form of a target) is the same release as ``1.25.0``.
    parts = text.strip().removeprefix("v").split(".")
    return tuple(int(part) for part in parts[:2] if part.isdigit())


@cache
def lifecycles() -> dict[tuple[str, str], ApiLifecycle]:
    """The packaged deprecation table, by (apiVersion, kind)."""
    text = resources.files("gitops_schema.check").joinpath("data/deprecations.yaml").read_text()
    table: dict[tuple[str, str], ApiLifecycle] = {}
    for entry in yaml.safe_load(text)["apis"]:
        item = ApiLifecycle(
            entry["apiVersion"],
            entry["kind"],
            entry["tool"],
            entry.get("deprecatedIn"),
            entry.get("removedIn"),
            entry.get("replacement"),
        )
        table[(item.api_version, item.kind)] = item
    return table


def _target(context: RuleContext, tool: str) -> str:
    config = context.config
    return config.kubernetes_version if tool == "kubernetes" else config.flux_version


def _name(tool: str) -> str:
    return "Kubernetes" if tool == "kubernetes" else "Flux"


def _api_status(context: RuleContext, removed: bool) -> Iterator[Diagnostic]:
    rule = API_REMOVED if removed else API_DEPRECATED
    for obj in context.objects:
        item = lifecycles().get((obj.api_version, obj.kind))
        if item is None:
            continue
        target = _target(context, item.tool)
        gone = item.removed_in is not None and _version(target) >= _version(item.removed_in)
        old = item.deprecated_in is not None and _version(target) >= _version(item.deprecated_in)
        use = f"; use {item.replacement}" if item.replacement else ""
        if removed and gone:
            yield rule.finding(
                f"{obj.api_version} {obj.kind} was removed in {_name(item.tool)} "
                f"{item.removed_in} (target {target}){use}",
                at(obj, "apiVersion"),
            )
        elif not removed and old and not gone:
            until = f", removed in {item.removed_in}" if item.removed_in else ""
            yield rule.finding(
                f"{obj.api_version} {obj.kind} is deprecated since {_name(item.tool)} "
                f"{item.deprecated_in}{until}{use}",
                at(obj, "apiVersion"),
            )


@dataclass(frozen=True, slots=True)
class ArgoCDChange:
    """An Argo CD setting that a release deprecated or removed (all its CRDs are v1alpha1)."""

    kind: str
    name: str | None
    """The object's name, for configuration objects such as ``argocd-cm``."""
    path: tuple[str, ...]
    deprecated_in: str | None
    removed_in: str | None
    advice: str


# From Argo CD's upgrade notes (docs/operator-manual/upgrading/*.md), as summarised in
# ../shared/research/validation.md.
ARGOCD_CHANGES = (
    ArgoCDChange(
        "ApplicationSet",
        None,
        ("spec", "applyNestedSelectors"),
        "3.0",
        None,
        "it is ignored: nested selectors always apply",
    ),
    ArgoCDChange(
        "AppProject",
        None,
        ("spec", "signatureKeys"),
        "3.5",
        None,
        "GnuPG verification gives way to spec.sourceIntegrity",
    ),
    ArgoCDChange(
        "ConfigMap",
        "argocd-cm",
        ("data", "repositories"),
        None,
        "3.0",
        "declare repositories as Secrets labelled argocd.argoproj.io/secret-type: repository",
    ),
    ArgoCDChange(
        "ConfigMap",
        "argocd-cm",
        ("data", "repository.credentials"),
        None,
        "3.0",
        "declare credential templates as Secrets labelled "
        "argocd.argoproj.io/secret-type: repo-creds",
    ),
    ArgoCDChange(
        "ConfigMap",
        "argocd-cm",
        ("data", "helm.repositories"),
        None,
        "3.0",
        "declare Helm repositories as repository Secrets with type: helm",
    ),
    ArgoCDChange(
        "ConfigMap",
        "argocd-cm",
        ("data", "configManagementPlugins"),
        None,
        "2.8",
        "run config management plugins as repo-server sidecars",
    ),
)


def _argocd_status(context: RuleContext, removed: bool) -> Iterator[Diagnostic]:
    rule = API_REMOVED if removed else API_DEPRECATED
    target = context.config.argocd_version
    for change in ARGOCD_CHANGES:
        for obj in context.of_kind(change.kind):
            if change.name is not None and obj.name != change.name:
                continue
            # Whether the setting is written, as written: a model reads an absent list as
            # empty, and a deprecated key often sits in an object that no longer fits it.
            if get(obj.document.data, *change.path) is None:
                continue
            gone = change.removed_in is not None and _version(target) >= _version(change.removed_in)
            old = change.deprecated_in is not None and _version(target) >= _version(
                change.deprecated_in
            )
            field = ".".join(change.path)
            if removed and gone:
                yield rule.finding(
                    f"{change.kind} {field} was removed in Argo CD {change.removed_in} "
                    f"(target {target}): {change.advice}",
                    at(obj, *change.path, key=True),
                )
            elif not removed and not gone and (old or change.removed_in is not None):
                since = f" since Argo CD {change.deprecated_in}" if old else ""
                until = f", removed in {change.removed_in}" if change.removed_in else ""
                yield rule.finding(
                    f"{change.kind} {field} is deprecated{since}{until}: {change.advice}",
                    at(obj, *change.path, key=True),
                )


def check_deprecated(context: RuleContext) -> Iterator[Diagnostic]:
    """APIs and Argo CD settings deprecated, not yet removed, in the target releases."""
    yield from _api_status(context, removed=False)
    yield from _argocd_status(context, removed=False)


def check_removed(context: RuleContext) -> Iterator[Diagnostic]:
    """APIs the target releases no longer serve, and Argo CD settings they dropped."""
    yield from _api_status(context, removed=True)
    yield from _argocd_status(context, removed=True)


def check_wrong_group(context: RuleContext) -> Iterator[Diagnostic]:
    """A kind we know, under an apiVersion it does not have."""
    for obj in context.objects:
        if obj.tool in (Tool.KUSTOMIZE, Tool.HELM) or lookup(obj.api_version, obj.kind):
            continue
        if (obj.api_version, obj.kind) in lifecycles():
            continue  # a known old version: the deprecation rules speak about it
        candidates = kinds_named(obj.kind)
        if not candidates:
            continue
        group, _ = split_api_version(obj.api_version)
        known_groups = {c.group for c in candidates}
        # Another group that happens to use the same kind name (app.k8s.io Application)
        # is not a mistake; the core group, or a known group's unknown version, is.
        if group and group not in known_groups:
            continue
        expected = " or ".join(sorted(c.current_api_version for c in candidates))
        yield WRONG_GROUP.finding(
            f"{obj.kind} is not served as {obj.api_version}; it is {expected}",
            at(obj, "apiVersion"),
        )


def check_unknown_kind(context: RuleContext) -> Iterator[Diagnostic]:
    """A kind its API group does not have, spelled almost as one it has (a typo).

    Only a near miss is said: a group may have kinds the catalog does not model (Argo
    Rollouts and Workflows share argoproj.io), but none spelled like one it does.
    """
    by_group: dict[str, list[str]] = {}
    for spec in all_kinds():
        if "." in spec.group:
            by_group.setdefault(spec.group, []).append(spec.kind)
    for obj in context.objects:
        group, _ = split_api_version(obj.api_version)
        if group not in by_group or obj.kind in by_group[group] or kinds_named(obj.kind):
            continue
        near = get_close_matches(obj.kind, by_group[group], n=1, cutoff=0.85)
        if near:
            yield UNKNOWN_KIND.finding(
                f"{group} has no kind {obj.kind!r}: did you mean {near[0]!r}?", at(obj, "kind")
            )


_KUSTOMIZE_DEPRECATED = {
    "bases": "list them under 'resources'",
    "patchesStrategicMerge": "use 'patches' (a path or an inline patch, with an optional target)",
    "patchesJson6902": "use 'patches' with a target",
    "vars": "use 'replacements'",
    "commonLabels": "use 'labels' (with includeSelectors: true to keep the old behaviour)",
    "imageTags": "use 'images'",
}


def check_kustomize_fields(context: RuleContext) -> Iterator[Diagnostic]:
    """kustomization.yaml fields deprecated by kustomize v5."""
    for obj in context.objects:
        if obj.tool is not Tool.KUSTOMIZE:
            continue
        # The keys as written: the finding is about the keys themselves, which a file
        # that no longer fits its model holds too.
        data: Any = obj.document.data
        for field, advice in _KUSTOMIZE_DEPRECATED.items():
            if field in data:
                yield KUSTOMIZE_DEPRECATED.finding(
                    f"'{field}' is deprecated since kustomize v5; {advice} "
                    "(`kustomize edit fix` rewrites it)",
                    at(obj, field, key=True),
                )
        for kind in ("configMapGenerator", "secretGenerator"):
            for index, generator in enumerate(data.get(kind) or []):
                if isinstance(generator, dict) and "env" in generator:
                    yield KUSTOMIZE_DEPRECATED.finding(
                        f"'{kind}[].env' is deprecated; use 'envs' (a list)",
                        at(obj, kind, index, "env", key=True),
                    )


API_DEPRECATED = Rule(
    Code(
        "api-deprecated",
        Severity.WARNING,
        "An apiVersion (or Argo CD setting) deprecated in the target Kubernetes, Flux or Argo CD "
        "release.",
        bad="apiVersion: kustomize.toolkit.fluxcd.io/v1beta2\nkind: Kustomization",
        good="apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization",
        explanation="Targets come from --kubernetes-version / --flux-version / --argocd-version "
        "or the configuration file; `flux migrate -f .` rewrites Flux objects. Argo CD's CRDs are "
        "all v1alpha1, so its table lists settings (applyNestedSelectors, signatureKeys, "
        "argocd-cm repositories...).",
    ),
    check=check_deprecated,
)

API_REMOVED = Rule(
    Code(
        "api-removed",
        Severity.ERROR,
        "An apiVersion (or Argo CD setting) the target Kubernetes, Flux or Argo CD release no "
        "longer serves.",
        bad="apiVersion: source.toolkit.fluxcd.io/v1beta1\nkind: GitRepository",
        good="apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository",
        explanation="The API server rejects the object, and stored objects block the upgrade.",
    ),
    check=check_removed,
)

WRONG_GROUP = Rule(
    Code(
        "kind-wrong-group",
        Severity.ERROR,
        "A known kind under an apiVersion it does not have (e.g. ServiceMonitor as v1).",
        bad="apiVersion: v1\nkind: ServiceMonitor",
        good="apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor",
        explanation="Schema validators skip kinds they have no schema for, so this mistake passes "
        "them silently; the API server rejects it.",
    ),
    check=check_wrong_group,
)

UNKNOWN_KIND = Rule(
    Code(
        "kind-unknown",
        Severity.ERROR,
        "A kind its API group does not have, spelled almost as one it has (Applicaton).",
        bad="apiVersion: argoproj.io/v1alpha1\nkind: Applicaton",
        good="apiVersion: argoproj.io/v1alpha1\nkind: Application",
        explanation="Schema validators skip kinds they have no schema for, and renders read no "
        "object of an unknown kind, so the typo passes them silently; the API server has no "
        "such resource and refuses it.",
    ),
    check=check_unknown_kind,
)

KUSTOMIZE_DEPRECATED = Rule(
    Code(
        "kustomize-deprecated-field",
        Severity.WARNING,
        "A kustomization.yaml field deprecated by kustomize v5 (bases, patchesStrategicMerge...).",
        bad="bases:\n  - ../../base\npatchesStrategicMerge:\n  - replicas.yaml",
        good="resources:\n  - ../../base\npatches:\n  - path: replicas.yaml",
    ),
    check=check_kustomize_fields,
)

RULES = (API_DEPRECATED, API_REMOVED, WRONG_GROUP, UNKNOWN_KIND, KUSTOMIZE_DEPRECATED)
