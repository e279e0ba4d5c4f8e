"""AppProject -> Flux multi-tenancy.

A service account the project's applications act as, bound to the namespaces the project
allows, and a loss for every rule Flux cannot enforce.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gitops_schema.convert.output import dns_name
from gitops_schema.model.argocd import ApplicationDestination, AppProjectSpec

__all__ = ["Tenant", "project_tenant", "tenant_account"]


@dataclass(slots=True)
class Tenant:
    """The RBAC objects of one project on one cluster, and what they cannot say."""

    objects: list[dict[str, Any]] = field(default_factory=list)
    losses: list[tuple[str, str]] = field(default_factory=list)


def tenant_account(project: str) -> str:
    """The service account the applications of ``project`` act as in Flux."""
    return dns_name(f"tenant-{project}")


def _applies(destination: ApplicationDestination, cluster: str, server: str | None) -> bool:
    name, url = destination.name, destination.server
    if name is not None:
        return name in ("*", cluster)
    return url is None or url == "*" or (server is not None and url == server)


def _namespaces(
    spec: AppProjectSpec, cluster: str, server: str | None, tenant: Tenant
) -> tuple[list[str], bool]:
    """The namespaces the project allows on ``cluster``, and whether it allows every one."""
    namespaces: list[str] = []
    every = False
    for index, destination in enumerate(spec.destinations):
        if not _applies(destination, cluster, server):
            continue
        allowed = destination.namespace or ""
        where = f"$.spec.destinations[{index}].namespace"
        if allowed.startswith("!"):
            tenant.losses.append(
                (where, "a denied namespace cannot be expressed with RBAC bindings")
            )
        elif allowed == "*":
            every = True
        elif any(char in allowed for char in "*?["):
            tenant.losses.append(
                (where, f"namespace pattern {allowed!r}: RBAC binds exact namespaces only")
            )
        elif allowed and allowed not in namespaces:
            namespaces.append(allowed)
    return namespaces, every


_UNMAPPED = (
    (
        "sourceRepos",
        "Flux has no list of allowed repositories (run the controllers with "
        "--no-cross-namespace-refs and give each tenant its own sources)",
    ),
    ("sourceNamespaces", "Flux has no apps-in-any-namespace restriction"),
    ("namespaceResourceBlacklist", "denied namespaced kinds need a narrower Role by hand"),
    ("namespaceResourceWhitelist", "allowed namespaced kinds need a narrower Role by hand"),
    ("clusterResourceBlacklist", "denied cluster-scoped kinds need a narrower ClusterRole"),
    ("roles", "project roles govern Argo CD's UI and API, which Flux does not have"),
    ("syncWindows", "Flux has no sync windows (suspend and resume on a schedule instead)"),
    ("orphanedResources", "Flux does not report orphaned resources"),
    ("signatureKeys", "verify commits with GitRepository spec.verify and the keys' Secret"),
    ("sourceIntegrity", "verify commits with GitRepository spec.verify and the keys' Secret"),
    ("destinationServiceAccounts", "the tenant account replaces these"),
)
"""AppProject fields (by their YAML name) RBAC cannot enforce, and what to do instead."""


def project_tenant(
    name: str, spec: AppProjectSpec, cluster: str, server: str | None, namespace: str
) -> Tenant:
    """The tenant objects of AppProject ``name`` on ``cluster`` (whose API URL is ``server``).

    The account gets ``admin`` in every namespace the project's destinations name for
    this cluster (``cluster-admin`` when they allow every namespace). Everything else an
    AppProject restricts is stated as a loss.
    """
    tenant = Tenant()
    account = tenant_account(name)
    labels = {"gitops-schema.io/argocd-project": dns_name(name)}
    tenant.objects.append(
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": account, "namespace": namespace, "labels": labels},
        }
    )
    subject = {"kind": "ServiceAccount", "name": account, "namespace": namespace}
    namespaces, every = _namespaces(spec, cluster, server, tenant)
    cluster_kinds = spec.cluster_resource_whitelist
    if every and any(k.group == "*" and k.kind == "*" for k in cluster_kinds):
        tenant.objects.append(_binding("ClusterRoleBinding", account, "cluster-admin", subject))
    else:
        if every:
            tenant.objects.append(_binding("ClusterRoleBinding", account, "admin", subject))
        for allowed in namespaces:
            binding = _binding("RoleBinding", account, "admin", subject)
            binding["metadata"]["namespace"] = allowed
            tenant.objects.append(binding)
        if cluster_kinds:
            tenant.losses.append(
                (
                    "$.spec.clusterResourceWhitelist",
                    "cluster-scoped kinds are allowed by kind in Argo CD and by resource in "
                    "RBAC: grant them to the account with a ClusterRole by hand",
                )
            )
    written = spec.model_dump(by_alias=True, exclude_defaults=True)
    for key, reason in _UNMAPPED:
        value = written.get(key)
        if value and not (key == "sourceRepos" and value == ["*"]):
            tenant.losses.append((f"$.spec.{key}", reason))
    return tenant


def _binding(kind: str, account: str, role: str, subject: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": kind,
        "metadata": {"name": f"{account}-{role}"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
        "subjects": [subject],
    }
