"""An Argo CD Application's sync policy and the spec fields Flux has no place for."""

from __future__ import annotations

from gitops_schema.convert.neutral import Policy, Retry, Target
from gitops_schema.convert.notes import Notes
from gitops_schema.model.argocd import ApplicationSpec, RetryBackoff, RetryStrategy, SyncPolicy

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


def _retry(retry: RetryStrategy) -> Retry:
    backoff = retry.backoff or RetryBackoff()
    duration = backoff.duration or "5s"
    return Retry(
        limit=retry.limit if retry.limit is not None else -1,
        duration=f"{duration}s" if duration.strip().lstrip("-").isdigit() else duration,
        factor=backoff.factor if backoff.factor is not None else 2,
        max_duration=backoff.max_duration or "3m",
    )


def read_policy(sync: SyncPolicy | None, target: Target, notes: Notes) -> Policy:
    """``spec.syncPolicy`` as the neutral policy; sync options set ``target``'s namespace."""
    sync = sync or SyncPolicy()
    policy = Policy()
    automated = sync.automated
    enabled = automated is not None and automated.enabled is not False
    policy.automated = enabled
    policy.prune = enabled and bool(automated and automated.prune)
    policy.self_heal = enabled and bool(automated and automated.self_heal)
    policy.allow_empty = bool(automated and automated.allow_empty)
    notes.origins["policy.automated"] = "$.spec.syncPolicy.automated"
    notes.origins["policy.self_heal"] = "$.spec.syncPolicy.automated.selfHeal"
    notes.origins["policy.allow_empty"] = "$.spec.syncPolicy.automated.allowEmpty"
    if sync.retry is not None:
        policy.retry = _retry(sync.retry)
        notes.origins["policy.retry"] = "$.spec.syncPolicy.retry"
    for index, option in enumerate(sync.sync_options):
        _sync_option(option, f"$.spec.syncPolicy.syncOptions[{index}]", target, notes)
    managed = sync.managed_namespace_metadata
    if managed is not None:
        target.namespace_labels = dict(managed.labels)
        target.namespace_annotations = dict(managed.annotations)
    return policy


def _sync_option(option: str, where: str, target: Target, notes: Notes) -> None:
    key, _, value = option.partition("=")
    key, value = key.strip(), value.strip().lower()
    if key == "CreateNamespace":
        target.create_namespace = value == "true"
        notes.origins["target.create_namespace"] = where
    elif (key, value) not in _EXACT:
        notes.lose(where, f"{option}: {_REASONS.get(key, 'no Flux equivalent')}")


def read_unmapped(spec: ApplicationSpec, notes: Notes) -> None:
    """Spec fields that govern Argo CD itself, with no Flux counterpart."""
    if spec.ignore_differences:
        notes.lose(
            "$.spec.ignoreDifferences",
            "Argo CD hides these differences from its diff; Flux corrects every drift "
            "(per-object kustomize.toolkit.fluxcd.io/ssa: IfNotPresent or Ignore, or "
            "Kustomization spec.ignore since Flux 2.9, are the nearest)",
        )
    if spec.info:
        notes.lose("$.spec.info", "informational fields have no Flux equivalent")
    if spec.revision_history_limit is not None:
        notes.lose(
            "$.spec.revisionHistoryLimit",
            "Argo CD's sync history length; Flux keeps its own status.history",
        )
