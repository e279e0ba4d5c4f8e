"""An Argo CD Application's sync policy and the spec fields Flux has no place for."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitops_schema.convert.data import as_list, as_map, strings
from gitops_schema.convert.neutral import Policy, Retry, Target
from gitops_schema.convert.notes import Notes

__all__ = ["read_policy", "read_unmapped"]

_EXACT = frozenset(
    {
        ("ServerSideApply", "true"),  # Flux always applies server-side
        ("PruneLast", "true"),  # Flux prunes after applying
        ("ApplyOutOfSyncOnly", "true"),  # Flux applies only what drifted
        ("SkipDryRunOnMissingResource", "true"),  # Flux applies CRDs first
        ("PrunePropagationPolicy", "background"),  # Flux's garbage collection
        ("RespectIgnoreDifferences", "true"),  # with ignoreDifferences, stated apart
        ("Validate", "true"),
        ("Replace", "false"),
        ("Prune", "true"),
        ("Delete", "true"),
    }
)
"""Sync options whose value is what Flux does anyway."""

_REASONS = {
    "ServerSideApply": "Flux always applies server-side",
    "PrunePropagationPolicy": "Flux deletes pruned objects with background propagation",
    "Validate": "Flux validates every object with a server-side dry run",
    "Replace": "Flux patches with server-side apply; replace/create is not available "
    "(Kustomization spec.force recreates only on immutable-field changes)",
    "Prune": "per-application prune confirmation has no Flux equivalent; mark objects "
    "with kustomize.toolkit.fluxcd.io/prune: disabled",
    "Delete": "Flux has no deletion confirmation; deletionPolicy decides",
    "FailOnSharedResource": "Flux takes over objects another applier owns",
    "ClientSideApplyMigration": "Flux takes over kubectl-managed fields itself",
    "ApplyOutOfSyncOnly": "Flux applies what drifted",
    "PruneLast": "Flux prunes after applying",
}


def _is_int(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, str) and value.strip().lstrip("-").isdigit()


def _retry(retry: Mapping[str, Any]) -> Retry:
    backoff = as_map(retry.get("backoff"))
    duration = backoff.get("duration", "5s")
    factor = backoff.get("factor", 2)
    return Retry(
        limit=int(retry["limit"]) if _is_int(retry.get("limit")) else -1,
        duration=f"{duration}s" if _is_int(duration) else str(duration),
        factor=int(factor) if _is_int(factor) else 2,
        max_duration=str(backoff.get("maxDuration") or "3m"),
    )


def read_policy(sync: Mapping[str, Any], target: Target, notes: Notes) -> Policy:
    """``spec.syncPolicy`` as the neutral policy; sync options set ``target``'s namespace."""
    policy = Policy()
    automated = sync.get("automated")
    enabled = isinstance(automated, Mapping) and automated.get("enabled") is not False
    policy.automated = enabled
    auto = as_map(automated)
    policy.prune = enabled and bool(auto.get("prune"))
    policy.self_heal = enabled and bool(auto.get("selfHeal"))
    policy.allow_empty = bool(auto.get("allowEmpty"))
    notes.origins["policy.automated"] = "$.spec.syncPolicy.automated"
    notes.origins["policy.self_heal"] = "$.spec.syncPolicy.automated.selfHeal"
    notes.origins["policy.allow_empty"] = "$.spec.syncPolicy.automated.allowEmpty"
    retry = sync.get("retry")
    if isinstance(retry, Mapping):
        policy.retry = _retry(retry)
        notes.origins["policy.retry"] = "$.spec.syncPolicy.retry"
    for index, option in enumerate(as_list(sync.get("syncOptions"))):
        _sync_option(str(option), f"$.spec.syncPolicy.syncOptions[{index}]", target, notes)
    managed = as_map(sync.get("managedNamespaceMetadata"))
    target.namespace_labels = strings(managed.get("labels"))
    target.namespace_annotations = strings(managed.get("annotations"))
    return policy


def _sync_option(option: str, where: str, target: Target, notes: Notes) -> None:
    key, _, value = option.partition("=")
    key, value = key.strip(), value.strip().lower()
    if key == "CreateNamespace":
        target.create_namespace = value == "true"
        notes.origins["target.create_namespace"] = where
    elif (key, value) not in _EXACT:
        notes.lose(where, f"{option}: {_REASONS.get(key, 'no Flux equivalent')}")


def read_unmapped(spec: Mapping[str, Any], notes: Notes) -> None:
    """Spec fields that govern Argo CD itself, with no Flux counterpart."""
    if as_list(spec.get("ignoreDifferences")):
        notes.lose(
            "$.spec.ignoreDifferences",
            "Argo CD hides these differences from its diff; Flux corrects every drift "
            "(per-object kustomize.toolkit.fluxcd.io/ssa: IfNotPresent or Ignore, or "
            "Kustomization spec.ignore since Flux 2.9, are the nearest)",
        )
    if as_list(spec.get("info")):
        notes.lose("$.spec.info", "informational fields have no Flux equivalent")
    if spec.get("revisionHistoryLimit") is not None:
        notes.lose(
            "$.spec.revisionHistoryLimit",
            "Argo CD's sync history length; Flux keeps its own status.history",
        )
